package io.peyvand.protocol;

import static io.peyvand.protocol.Fixtures.NOW;
import static io.peyvand.protocol.Fixtures.address;
import static io.peyvand.protocol.Fixtures.assertAccepted;
import static io.peyvand.protocol.Fixtures.assertRefused;
import static io.peyvand.protocol.Fixtures.delete;
import static io.peyvand.protocol.Fixtures.edit;
import static io.peyvand.protocol.Fixtures.encrypted;
import static io.peyvand.protocol.Fixtures.envelope;
import static io.peyvand.protocol.Fixtures.media;
import static io.peyvand.protocol.Fixtures.reaction;
import static io.peyvand.protocol.Fixtures.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The envelope's own fields, content size, reply-to and the order of checks. */
class EnvelopeValidatorTest {
  private static final long DAY_MS = Duration.ofHours(24).toMillis();

  private final EnvelopeValidator validator = new EnvelopeValidator();

  static Stream<Arguments> validEnvelopeOfEachKind() {
    return Stream.of(
        Arguments.of("text", text("Salam, chetori?\nخوبی؟\t😀")),
        Arguments.of("edit", edit("msg-0000", "corrected text")),
        Arguments.of("delete", delete("msg-0000")),
        Arguments.of("reaction", reaction("msg-0000", "👍")),
        Arguments.of("media", media(media())),
        Arguments.of("encrypted", encrypted("mls-1", new byte[] {1, 2, 3})));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validEnvelopeOfEachKind")
  void validEnvelopeOfEachContentKindPasses(String kind, Envelope.Builder envelope) {
    assertAccepted(validator.validate(envelope.build(), NOW));
  }

  // message_id

  @Test
  void missingMessageIdIsRefusedSayingWhatToSet() {
    assertRefused(
        validator.validate(text("hi").setMessageId("").build(), NOW),
        ErrorCode.INVALID_MESSAGE_ID,
        "message_id is missing",
        "A-Z a-z 0-9 . _ - :");
  }

  @Test
  void messageIdLongerThanTheLimitIsRefusedNamingTheLimitAndItsLength() {
    assertRefused(
        validator.validate(text("hi").setMessageId("m".repeat(129)).build(), NOW),
        ErrorCode.INVALID_MESSAGE_ID,
        "message_id",
        "129 characters",
        "at most 128");
  }

  @Test
  void messageIdOfExactlyTheLimitPasses() {
    assertAccepted(validator.validate(text("hi").setMessageId("m".repeat(128)).build(), NOW));
  }

  @Test
  void messageIdWithSpacesIsRefusedNamingTheAllowedCharacters() {
    assertRefused(
        validator.validate(text("hi").setMessageId("msg 1").build(), NOW),
        ErrorCode.INVALID_MESSAGE_ID,
        "message_id",
        "' ' (U+0020)",
        "character 4",
        "A-Z a-z 0-9 . _ - :");
  }

  @Test
  void messageIdWithNonAsciiLettersIsRefused() {
    assertRefused(
        validator.validate(text("hi").setMessageId("پیام-1").build(), NOW),
        ErrorCode.INVALID_MESSAGE_ID,
        "message_id",
        "U+067E");
  }

  /** Fuzzing finding: U+FFF9 (a format character) was copied raw into the error message. */
  @ParameterizedTest(name = "U+{0}")
  @ValueSource(strings = {"FFF9", "202E", "200B", "2028", "2029", "FEFF"})
  void messageIdWithAnInvisibleCharacterIsRefusedNamingItByItsCodeOnly(String hex) {
    String invisible = Character.toString(Integer.parseInt(hex, 16));
    Error error =
        assertRefused(
            validator.validate(text("hi").setMessageId("ms" + invisible + "g").build(), NOW),
            ErrorCode.INVALID_MESSAGE_ID,
            "message_id contains U+" + hex + " at character 3");
    assertFalse(error.getMessage().contains(invisible), error.getMessage());
  }

  @Test
  void messageIdMadeOfEveryAllowedKindOfCharacterPasses() {
    assertAccepted(
        validator.validate(text("hi").setMessageId("Az09._-:bale:2026.11.28_x-1").build(), NOW));
  }

  // sender and recipient

  @Test
  void missingSenderIsRefusedAsAnInvalidAddress() {
    assertRefused(
        validator.validate(text("hi").clearSender().build(), NOW),
        ErrorCode.INVALID_ADDRESS,
        "sender is missing");
  }

  @Test
  void missingRecipientIsRefusedAsAnInvalidAddress() {
    assertRefused(
        validator.validate(text("hi").clearRecipient().build(), NOW),
        ErrorCode.INVALID_ADDRESS,
        "recipient is missing");
  }

  @Test
  void invalidSenderIsRefusedNamingTheSendersField() {
    assertRefused(
        validator.validate(text("hi").setSender(address("Bale", "alice")).build(), NOW),
        ErrorCode.INVALID_ADDRESS,
        "sender.platform_id");
  }

  @Test
  void invalidRecipientIsRefusedNamingTheRecipientsField() {
    assertRefused(
        validator.validate(text("hi").setRecipient(address("eitaa", "bob smith")).build(), NOW),
        ErrorCode.INVALID_ADDRESS,
        "recipient.user_id");
  }

  @Test
  void senderAndRecipientOnTheSamePlatformAreAllowed() {
    assertAccepted(
        validator.validate(text("hi").setRecipient(address("bale", "bob")).build(), NOW));
  }

  // group posts

  private static io.peyvand.protocol.v1.GroupAddress group(String platform, String id) {
    return io.peyvand.protocol.v1.GroupAddress.newBuilder()
        .setPlatformId(platform)
        .setGroupId(id)
        .build();
  }

  @Test
  void aPostToAGroupInsteadOfARecipientPasses() {
    assertAccepted(
        validator.validate(
            text("hi").clearRecipient().setGroup(group("eitaa", "family")).build(), NOW));
  }

  @Test
  void recipientAndGroupTogetherAreRefusedSayingToChooseOne() {
    assertRefused(
        validator.validate(text("hi").setGroup(group("eitaa", "family")).build(), NOW),
        ErrorCode.INVALID_ADDRESS,
        "recipient and group are both set");
  }

  @Test
  void invalidGroupIsRefusedNamingTheGroupsField() {
    assertRefused(
        validator.validate(
            text("hi").clearRecipient().setGroup(group("eitaa", "my family")).build(), NOW),
        ErrorCode.INVALID_ADDRESS,
        "group.group_id");
  }

  // client_timestamp_ms

  @Test
  void missingTimestampIsRefusedSayingItsUnit() {
    assertRefused(
        validator.validate(text("hi").setClientTimestampMs(0).build(), NOW),
        ErrorCode.INVALID_TIMESTAMP,
        "client_timestamp_ms is missing",
        "milliseconds");
  }

  @Test
  void negativeTimestampIsRefused() {
    assertRefused(
        validator.validate(text("hi").setClientTimestampMs(-5).build(), NOW),
        ErrorCode.INVALID_TIMESTAMP,
        "client_timestamp_ms is -5");
  }

  @Test
  void timestampMoreThanADayAheadIsRefusedNamingTheSkewAndTheLimit() {
    long ts = NOW + DAY_MS + 1;
    assertRefused(
        validator.validate(text("hi").setClientTimestampMs(ts).build(), NOW),
        ErrorCode.INVALID_TIMESTAMP,
        "client_timestamp_ms",
        "ahead of",
        Long.toString(DAY_MS + 1),
        Long.toString(DAY_MS));
  }

  @Test
  void timestampInSecondsInsteadOfMillisecondsIsRefusedAsBehindWithAHint() {
    long seconds = NOW / 1000;
    assertRefused(
        validator.validate(text("hi").setClientTimestampMs(seconds).build(), NOW),
        ErrorCode.INVALID_TIMESTAMP,
        "behind",
        "not seconds");
  }

  @Test
  void timestampExactlyADayAwayEitherWayPasses() {
    assertAccepted(validator.validate(text("hi").setClientTimestampMs(NOW + DAY_MS).build(), NOW));
    assertAccepted(validator.validate(text("hi").setClientTimestampMs(NOW - DAY_MS).build(), NOW));
  }

  @Test
  void aSmallerConfiguredSkewIsEnforced() {
    EnvelopeValidator strict =
        new EnvelopeValidator(
            new ProtocolLimits(65_536, 128, Duration.ofMinutes(5), 32, 2048, 255, 64));
    assertRefused(
        strict.validate(text("hi").setClientTimestampMs(NOW - 300_001).build(), NOW),
        ErrorCode.INVALID_TIMESTAMP,
        "300001 ms",
        "300000 ms");
  }

  @Test
  void negativeClockIsAProgrammingErrorNotARefusal() {
    assertThrows(IllegalArgumentException.class, () -> validator.validate(text("hi").build(), -1));
  }

  // content presence and size

  @Test
  void envelopeWithoutContentIsRefusedListingTheContentKinds() {
    assertRefused(
        validator.validate(envelope().build(), NOW),
        ErrorCode.INVALID_FRAME,
        "envelope has no content: set one of text, edit, delete, reaction, media, encrypted");
  }

  @Test
  void textOfExactlyTheContentLimitPasses() {
    assertAccepted(validator.validate(text("a".repeat(65_536)).build(), NOW));
  }

  @Test
  void textOverTheContentLimitIsRefusedWithItsSizeAndTheLimit() {
    assertRefused(
        validator.validate(text("a".repeat(65_537)).build(), NOW),
        ErrorCode.CONTENT_TOO_LARGE,
        "text",
        "65537 bytes",
        "65536 bytes");
  }

  @Test
  void textIsMeasuredInUtf8BytesNotCharacters() {
    // 32,769 Persian letters: fewer characters than the limit, but two bytes each.
    assertRefused(
        validator.validate(text("ب".repeat(32_769)).build(), NOW),
        ErrorCode.CONTENT_TOO_LARGE,
        "65538 bytes",
        "65536");
  }

  @Test
  void editNewBodyOverTheContentLimitIsRefused() {
    assertRefused(
        validator.validate(edit("msg-0000", "a".repeat(65_537)).build(), NOW),
        ErrorCode.CONTENT_TOO_LARGE,
        "edit",
        "65537 bytes");
  }

  @Test
  void mediaUrlAndCaptionCountTogetherAgainstTheContentLimit() {
    String url = media().getUrl();
    String caption = "c".repeat(65_536 - url.length() + 1);
    assertRefused(
        validator.validate(media(media().setCaption(caption)).build(), NOW),
        ErrorCode.CONTENT_TOO_LARGE,
        "media",
        "65537 bytes");
  }

  @Test
  void ciphertextOverTheContentLimitIsRefused() {
    assertRefused(
        validator.validate(encrypted("mls-1", new byte[65_537]).build(), NOW),
        ErrorCode.CONTENT_TOO_LARGE,
        "encrypted",
        "65537 bytes",
        "65536");
  }

  @Test
  void aSmallerConfiguredContentLimitIsEnforced() {
    EnvelopeValidator small =
        new EnvelopeValidator(new ProtocolLimits(10, 128, Duration.ofHours(24), 32, 2048, 255, 64));
    assertRefused(
        small.validate(text("eleven char").build(), NOW),
        ErrorCode.CONTENT_TOO_LARGE,
        "11 bytes",
        "at most 10 bytes");
  }

  // reply_to_message_id

  static Stream<Arguments> kindsThatMayReply() {
    return Stream.of(
        Arguments.of("text", text("yes")),
        Arguments.of("media", media(media())),
        Arguments.of("encrypted", encrypted("mls-1", new byte[] {9})));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kindsThatMayReply")
  void replyToIsAllowedWithTextMediaAndEncryptedContent(String kind, Envelope.Builder envelope) {
    assertAccepted(validator.validate(envelope.setReplyToMessageId("msg-0000").build(), NOW));
  }

  static Stream<Arguments> kindsThatMayNotReply() {
    return Stream.of(
        Arguments.of("edit", edit("msg-0000", "fixed")),
        Arguments.of("delete", delete("msg-0000")),
        Arguments.of("reaction", reaction("msg-0000", "👍")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kindsThatMayNotReply")
  void replyToWithEditDeleteOrReactionIsRefusedAsAnInvalidArgument(
      String kind, Envelope.Builder envelope) {
    assertRefused(
        validator.validate(envelope.setReplyToMessageId("msg-0000").build(), NOW),
        ErrorCode.INVALID_ARGUMENT,
        "reply_to_message_id",
        "only allowed with text, media or" + " encrypted",
        "not with " + kind);
  }

  @Test
  void malformedReplyToIsRefusedAsAnInvalidMessageId() {
    assertRefused(
        validator.validate(text("yes").setReplyToMessageId("msg 0").build(), NOW),
        ErrorCode.INVALID_MESSAGE_ID,
        "reply_to_message_id",
        "' ' (U+0020)");
  }

  // order

  @Test
  void theFirstProblemInTheDocumentedOrderIsReported() {
    Envelope.Builder envelope =
        Envelope.newBuilder()
            .setMessageId("bad id")
            .setSender(address("Bale", "alice"))
            .setRecipient(address("eitaa", "bob:"))
            .setClientTimestampMs(0)
            .setReplyToMessageId("bad reply");
    assertEquals(ErrorCode.INVALID_MESSAGE_ID, code(envelope));
    envelope.setMessageId("msg-1");
    assertRefused(validator.validate(envelope.build(), NOW), ErrorCode.INVALID_ADDRESS, "sender");
    envelope.setSender(address("bale", "alice"));
    assertRefused(
        validator.validate(envelope.build(), NOW), ErrorCode.INVALID_ADDRESS, "recipient");
    envelope.setRecipient(address("eitaa", "bob"));
    assertEquals(ErrorCode.INVALID_TIMESTAMP, code(envelope));
    envelope.setClientTimestampMs(NOW);
    assertEquals(ErrorCode.INVALID_FRAME, code(envelope));
    envelope.setText(io.peyvand.protocol.v1.Text.newBuilder().setBody("x\u0000".repeat(40_000)));
    assertEquals(ErrorCode.CONTENT_TOO_LARGE, code(envelope));
    envelope.getTextBuilder().setBody("x\u0000");
    assertEquals(ErrorCode.INVALID_TEXT, code(envelope));
    envelope.getTextBuilder().setBody("x");
    assertEquals(ErrorCode.INVALID_MESSAGE_ID, code(envelope));
    envelope.setReplyToMessageId("msg-0");
    assertAccepted(validator.validate(envelope.build(), NOW));
  }

  private ErrorCode code(Envelope.Builder envelope) {
    return validator.validate(envelope.build(), NOW).orElseThrow().getCode();
  }
}
