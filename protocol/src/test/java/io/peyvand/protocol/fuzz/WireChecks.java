package io.peyvand.protocol.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.InvalidProtocolBufferException;
import io.peyvand.protocol.Addresses;
import io.peyvand.protocol.ProtocolLimits;
import io.peyvand.protocol.mls.MlsMessages;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.GroupAddress;
import io.peyvand.protocol.v1.MediaReference;
import io.peyvand.protocol.v1.UserAddress;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the fuzz tests assert about the validators' answers, checked independently of the
 * validators' own code where that is cheap: a refusal is a clear wire error, and an accepted
 * envelope keeps the invariants the rest of the broker relies on.
 */
final class WireChecks {
  /** The codes {@code EnvelopeValidator} documents. */
  static final Set<ErrorCode> ENVELOPE_CODES =
      EnumSet.of(
          ErrorCode.INVALID_MESSAGE_ID,
          ErrorCode.INVALID_ADDRESS,
          ErrorCode.INVALID_TEXT,
          ErrorCode.INVALID_TIMESTAMP,
          ErrorCode.INVALID_FRAME,
          ErrorCode.CONTENT_TOO_LARGE,
          ErrorCode.INVALID_ARGUMENT);

  /** The codes {@code FrameValidator} documents: the envelope's, and UNSUPPORTED_VERSION. */
  static final Set<ErrorCode> FRAME_CODES = union(ENVELOPE_CODES, ErrorCode.UNSUPPORTED_VERSION);

  /** The codes {@code FrameDecoding} documents. */
  static final Set<ErrorCode> DECODING_CODES =
      EnumSet.of(ErrorCode.INVALID_FRAME, ErrorCode.INVALID_TEXT);

  /**
   * Longest error message, in characters. The messages quote values cut to 40 characters, so a
   * longer one means that a hostile value was copied into it whole (log and answer bloat).
   */
  static final int MAX_MESSAGE_LENGTH = 1024;

  /** A platform id as envelope.proto defines it. */
  private static final Pattern PLATFORM_ID = Pattern.compile("[a-z][a-z0-9_-]{1,31}");

  /** A message id as envelope.proto defines it (the length is checked apart). */
  private static final Pattern MESSAGE_ID = Pattern.compile("[A-Za-z0-9._:-]+");

  private WireChecks() {}

  /**
   * A refusal that an adapter can act on: one of {@code codes} (so never ERROR_CODE_UNSPECIFIED), a
   * non-blank message of bounded length in which a hostile value cannot garble a log line or a
   * display ({@link #garblesText}), no retry hint (validation refusals are not retryable), and an
   * Error that survives the wire unchanged (no unpaired surrogate copied into the message).
   */
  static void assertClearError(Error error, Set<ErrorCode> codes) {
    assertTrue(
        codes.contains(error.getCode()),
        () -> "unexpected code " + error.getCode() + ": " + error.getMessage());
    String message = error.getMessage();
    assertTrue(!message.isBlank(), () -> error.getCode() + " without a message");
    assertTrue(
        message.length() <= MAX_MESSAGE_LENGTH,
        () -> "message of " + message.length() + " characters: " + message.substring(0, 200));
    message
        .codePoints()
        .filter(WireChecks::garblesText)
        .findFirst()
        .ifPresent(
            cp ->
                fail(
                    String.format(
                        "message with U+%04X, which garbles a log line or a display: %s",
                        cp, message)));
    assertEquals(0, error.getRetryAfterMs(), message);
    try {
      assertEquals(
          error,
          Error.parseFrom(error.toByteArray()),
          () -> "the error does not survive the wire: " + message);
    } catch (InvalidProtocolBufferException e) {
      fail("the error does not survive the wire: " + message, e);
    }
  }

  /**
   * The invariants of an envelope that {@code EnvelopeValidator} accepted under {@code limits} at
   * {@code nowMillis}: message ids of the allowed characters and length; both addresses valid per
   * {@link Addresses#validate} and their text form reading back to the same ids; the timestamp
   * within the skew; content present and, counted here as UTF-8 bytes, within the limit; every text
   * well-formed (it round-trips through UTF-8), so the envelope serializes and reads back equal;
   * reply_to only with text, media or encrypted content; the media reference sound.
   */
  static void assertSoundEnvelope(Envelope envelope, ProtocolLimits limits, long nowMillis) {
    assertMessageId("message_id", envelope.getMessageId(), limits);
    assertAddress("sender", envelope.hasSender(), envelope.getSender());
    // Exactly one of recipient (a user) and group (a post to a group or channel).
    assertTrue(
        envelope.hasRecipient() != envelope.hasGroup(),
        "recipient and group: exactly one must be set, yet accepted with "
            + (envelope.hasGroup() ? "both" : "neither"));
    if (envelope.hasGroup()) {
      GroupAddress group = envelope.getGroup();
      assertTrue(Addresses.validate(group, "group").isEmpty(), "group invalid but accepted");
      assertPlatformId("group.platform_id", group.getPlatformId());
      wellFormed("group.group_id", group.getGroupId());
    } else {
      assertAddress("recipient", envelope.hasRecipient(), envelope.getRecipient());
    }

    long timestamp = envelope.getClientTimestampMs();
    assertTrue(timestamp > 0, "client_timestamp_ms " + timestamp);
    assertTrue(
        Math.abs(timestamp - nowMillis) <= limits.maxClockSkew().toMillis(),
        () -> "client_timestamp_ms " + timestamp + " too far from " + nowMillis);

    long contentBytes = 0;
    String replyTo = envelope.getReplyToMessageId();
    switch (envelope.getContentCase()) {
      case TEXT -> contentBytes = nonEmptyText("text.body", envelope.getText().getBody());
      case EDIT -> {
        assertMessageId("edit.target_message_id", envelope.getEdit().getTargetMessageId(), limits);
        contentBytes = nonEmptyText("edit.new_body", envelope.getEdit().getNewBody());
      }
      case DELETE ->
          assertMessageId(
              "delete.target_message_id", envelope.getDelete().getTargetMessageId(), limits);
      case REACTION -> {
        assertMessageId(
            "reaction.target_message_id", envelope.getReaction().getTargetMessageId(), limits);
        contentBytes = nonEmptyText("reaction.emoji", envelope.getReaction().getEmoji());
        assertTrue(contentBytes <= limits.maxEmojiBytes(), "emoji of " + contentBytes + " bytes");
        assertNoControlCharacter("reaction.emoji", envelope.getReaction().getEmoji());
      }
      case MEDIA -> contentBytes = soundMedia(envelope.getMedia(), limits);
      case ENCRYPTED -> {
        nonEmptyText("encrypted.scheme", envelope.getEncrypted().getScheme());
        assertNoControlCharacter("encrypted.scheme", envelope.getEncrypted().getScheme());
        contentBytes = envelope.getEncrypted().getCiphertext().size();
        if (envelope.getEncrypted().getScheme().equals(MlsMessages.SCHEME)) {
          // Accepted MLS content is an MLSMessage of a known wire format (PROTOCOL.md §18.1).
          MlsMessages.wireFormat(envelope.getEncrypted().getCiphertext().toByteArray());
        }
        assertTrue(contentBytes > 0, "empty ciphertext accepted");
      }
      case CONTENT_NOT_SET -> fail("an envelope without content was accepted");
    }
    long bytes = contentBytes;
    assertTrue(
        bytes <= limits.maxContentBytes(),
        () -> "content of " + bytes + " bytes, limit " + limits.maxContentBytes());

    if (!replyTo.isEmpty()) {
      assertMessageId("reply_to_message_id", replyTo, limits);
      assertTrue(
          EnumSet.of(
                  Envelope.ContentCase.TEXT,
                  Envelope.ContentCase.MEDIA,
                  Envelope.ContentCase.ENCRYPTED)
              .contains(envelope.getContentCase()),
          () -> "reply_to_message_id accepted with " + envelope.getContentCase());
    }

    try {
      assertEquals(
          envelope,
          Envelope.parseFrom(envelope.toByteArray()),
          "an accepted envelope must serialize and read back equal");
    } catch (InvalidProtocolBufferException e) {
      fail("an accepted envelope does not read back", e);
    }
  }

  /** A valid address, present, whose text form {@code platform_id:user_id} reads back to it. */
  static void assertAddress(String field, boolean present, UserAddress address) {
    assertTrue(present, field + " missing but accepted");
    assertTrue(Addresses.validate(address, field).isEmpty(), field + " invalid but accepted");
    assertPlatformId(field + ".platform_id", address.getPlatformId());
    wellFormed(field + ".user_id", address.getUserId());
    // Field by field: unknown fields (forward compatibility) have no text form, and the broker
    // keeps only these two (WireMapping).
    UserAddress parsed = Addresses.parse(Addresses.format(address));
    assertEquals(address.getPlatformId(), parsed.getPlatformId(), field + " text form");
    assertEquals(address.getUserId(), parsed.getUserId(), field + " text form");
  }

  /** A platform id of the characters and length envelope.proto allows. */
  static void assertPlatformId(String field, String id) {
    assertTrue(PLATFORM_ID.matcher(id).matches(), () -> field + " accepted: " + id);
  }

  private static void assertMessageId(String field, String id, ProtocolLimits limits) {
    assertTrue(MESSAGE_ID.matcher(id).matches(), () -> field + " accepted: " + id);
    assertTrue(
        id.length() <= limits.maxMessageIdLength(),
        () -> field + " of " + id.length() + " characters accepted");
  }

  private static long soundMedia(MediaReference media, ProtocolLimits limits) {
    String url = media.getUrl();
    long urlBytes = nonEmptyText("media.url", url);
    assertNoControlCharacter("media.url", url);
    assertTrue(url.codePointCount(0, url.length()) <= limits.maxUrlLength(), "long url accepted");
    String lower = url.toLowerCase(Locale.ROOT);
    assertTrue(
        lower.startsWith("https://")
            || lower.startsWith("http://localhost")
            || lower.startsWith("http://127.0.0.1"),
        () -> "media.url accepted: " + url);
    nonEmptyText("media.mime_type", media.getMimeType());
    assertTrue(media.getMimeType().indexOf('/') > 0, "media.mime_type without a subtype");
    assertTrue(media.getSizeBytes() > 0, "media.size_bytes " + media.getSizeBytes());
    assertEquals(32, media.getSha256().size(), "media.sha256 length");
    return urlBytes + wellFormed("media.caption", media.getCaption());
  }

  private static long nonEmptyText(String field, String value) {
    assertNotEquals("", value, field + " empty but accepted");
    return wellFormed(field, value);
  }

  /**
   * Asserts that {@code value} is well-formed Unicode (it reads back unchanged from UTF-8, which an
   * unpaired surrogate does not) and returns its UTF-8 size.
   */
  private static long wellFormed(String field, String value) {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    assertEquals(
        value,
        new String(utf8, StandardCharsets.UTF_8),
        () -> field + " is not well-formed Unicode but was accepted");
    return utf8.length;
  }

  private static void assertNoControlCharacter(String field, String value) {
    assertTrue(
        value.codePoints().noneMatch(Character::isISOControl),
        () -> field + " with a control character accepted");
  }

  /**
   * Characters that must not reach an error message raw: control characters (a line feed splits a
   * log line), format characters (bidirectional overrides reorder what a reader sees, zero-width
   * ones hide), line and paragraph separators (U+2028, U+2029 end a line too) and unpaired
   * surrogates (not UTF-8). The messages show them as U+XXXX or \\uXXXX.
   */
  static boolean garblesText(int codePoint) {
    return switch (Character.getType(codePoint)) {
      case Character.CONTROL,
          Character.FORMAT,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR,
          Character.SURROGATE ->
          true;
      default -> false;
    };
  }

  private static Set<ErrorCode> union(Set<ErrorCode> codes, ErrorCode more) {
    EnumSet<ErrorCode> all = EnumSet.copyOf(codes);
    all.add(more);
    return all;
  }
}
