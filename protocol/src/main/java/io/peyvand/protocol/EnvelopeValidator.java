package io.peyvand.protocol;

import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.UserAddress;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks every field of an {@link Envelope} and answers with the first problem, so that the same
 * envelope always gets the same answer. The order is fixed:
 *
 * <ol>
 *   <li>message_id: present, at most max message id length, only A-Z a-z 0-9 . _ - :
 *       (INVALID_MESSAGE_ID);
 *   <li>sender, then recipient or group: the sender present and valid, and exactly one of recipient
 *       (a user) or group (a post to a group or channel) set and valid (INVALID_ADDRESS;
 *       INVALID_TEXT for a control character or unpaired surrogate in user_id or group_id, see
 *       {@link Addresses}). Sender and recipient may be on the same platform;
 *   <li>client_timestamp_ms: positive and within max clock skew of {@code nowMillis}, either way
 *       (INVALID_TIMESTAMP);
 *   <li>content present (INVALID_FRAME);
 *   <li>content size: the UTF-8 bytes of body, new_body, caption, URL and emoji plus the
 *       ciphertext's bytes at most max content bytes (CONTENT_TOO_LARGE). Checked before the fields
 *       are read character by character, which bounds that work;
 *   <li>the fields of the content kind, in declaration order: target ids (INVALID_MESSAGE_ID),
 *       empty required parts (INVALID_FRAME), values of the wrong form or range (INVALID_ARGUMENT),
 *       forbidden characters (INVALID_TEXT: control characters other than line feed, carriage
 *       return and tab in text, new body and caption; none at all in emoji, URL and scheme;
 *       unpaired surrogates anywhere);
 *   <li>reply_to_message_id, if set: a valid message id (INVALID_MESSAGE_ID), and only with text,
 *       media or encrypted content (INVALID_ARGUMENT).
 * </ol>
 *
 * <p>Messages name the field relative to the envelope (e.g. "recipient.user_id", "text.body"), the
 * limit and the value's size. Immutable; safe to share between threads.
 */
public final class EnvelopeValidator {
  private final ProtocolLimits limits;
  private final ContentRules content;

  /** A validator enforcing {@link ProtocolLimits#defaults()}. */
  public EnvelopeValidator() {
    this(ProtocolLimits.defaults());
  }

  /** A validator enforcing {@code limits}. */
  public EnvelopeValidator(ProtocolLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.content = new ContentRules(limits);
  }

  /** The limits this validator enforces. */
  public ProtocolLimits limits() {
    return limits;
  }

  /**
   * The first problem of {@code envelope} in the order of this class's comment, or empty if every
   * field is valid. {@code nowMillis} is the broker's (or the adapter's) clock in milliseconds
   * since the Unix epoch, against which client_timestamp_ms is checked; a negative one is refused
   * with IllegalArgumentException.
   */
  public Optional<Error> validate(Envelope envelope, long nowMillis) {
    Objects.requireNonNull(envelope, "envelope");
    if (nowMillis < 0) {
      throw new IllegalArgumentException("nowMillis must be epoch milliseconds, not " + nowMillis);
    }
    Optional<Error> problem =
        MessageIds.validate(envelope.getMessageId(), "message_id", limits.maxMessageIdLength());
    if (problem.isEmpty()) {
      problem =
          address(
              envelope.hasSender(),
              envelope.getSender(),
              "sender",
              "the user who wrote the message");
    }
    if (problem.isEmpty() && envelope.hasGroup()) {
      problem =
          envelope.hasRecipient()
              ? Optional.of(
                  ErrorCodes.error(
                      ErrorCode.INVALID_ADDRESS,
                      "recipient and group are both"
                          + " set: a message goes to one user (recipient) or to one group (group), not both"))
              : Addresses.validate(envelope.getGroup(), "group");
    } else if (problem.isEmpty()) {
      problem =
          address(
              envelope.hasRecipient(),
              envelope.getRecipient(),
              "recipient",
              "the user the message is for (or set group for a post to a group)");
    }
    if (problem.isEmpty()) {
      problem = timestamp(envelope.getClientTimestampMs(), nowMillis);
    }
    if (problem.isEmpty()) {
      problem = contentPresentAndSmallEnough(envelope);
    }
    if (problem.isEmpty()) {
      problem = content.validate(envelope);
    }
    if (problem.isEmpty()) {
      problem = replyTo(envelope);
    }
    return problem;
  }

  private static Optional<Error> address(
      boolean present, UserAddress address, String field, String whose) {
    if (!present) {
      return Optional.of(
          ErrorCodes.error(
              ErrorCode.INVALID_ADDRESS,
              field
                  + " is missing: set it"
                  + " to the address of "
                  + whose
                  + " (platform_id and user_id)"));
    }
    return Addresses.validate(address, field);
  }

  private Optional<Error> timestamp(long timestampMs, long nowMillis) {
    if (timestampMs <= 0) {
      return Optional.of(
          ErrorCodes.error(
              ErrorCode.INVALID_TIMESTAMP,
              "client_timestamp_ms is "
                  + (timestampMs == 0 ? "missing (0)" : timestampMs)
                  + ": set it to when the sender's"
                  + " client created the message, in milliseconds since the Unix epoch (UTC)"));
    }
    long skewMs = limits.maxClockSkew().toMillis();
    // Neither is negative, so their difference cannot overflow.
    long aheadMs = timestampMs - nowMillis;
    if (Math.abs(aheadMs) > skewMs) {
      return Optional.of(
          ErrorCodes.error(
              ErrorCode.INVALID_TIMESTAMP,
              "client_timestamp_ms "
                  + timestampMs
                  + " is "
                  + Math.abs(aheadMs)
                  + " ms ("
                  + hours(Math.abs(aheadMs))
                  + ") "
                  + (aheadMs > 0 ? "ahead of" : "behind")
                  + " the broker's clock ("
                  + nowMillis
                  + "); it must lie within "
                  + skewMs
                  + " ms ("
                  + hours(skewMs)
                  + ") of it. Check the"
                  + " sender's clock, and that the value is in milliseconds, not seconds"));
    }
    return Optional.empty();
  }

  private Optional<Error> contentPresentAndSmallEnough(Envelope envelope) {
    if (envelope.getContentCase() == Envelope.ContentCase.CONTENT_NOT_SET) {
      return Optional.of(
          ErrorCodes.error(
              ErrorCode.INVALID_FRAME,
              "envelope has no content: set"
                  + " one of text, edit, delete, reaction, media, encrypted"));
    }
    long bytes = ContentRules.contentBytes(envelope);
    if (bytes > limits.maxContentBytes()) {
      return Optional.of(
          ErrorCodes.error(
              ErrorCode.CONTENT_TOO_LARGE,
              ContentRules.kind(envelope)
                  + " content is "
                  + bytes
                  + " bytes; at most "
                  + limits.maxContentBytes()
                  + " bytes are"
                  + " allowed (UTF-8 of body, new_body, caption, url and emoji, plus ciphertext)"));
    }
    return Optional.empty();
  }

  private Optional<Error> replyTo(Envelope envelope) {
    String replyTo = envelope.getReplyToMessageId();
    if (replyTo.isEmpty()) {
      return Optional.empty();
    }
    Optional<Error> id =
        MessageIds.validate(replyTo, "reply_to_message_id", limits.maxMessageIdLength());
    if (id.isPresent()) {
      return id;
    }
    return switch (envelope.getContentCase()) {
      case TEXT, MEDIA, ENCRYPTED -> Optional.empty();
      default ->
          Optional.of(
              ErrorCodes.error(
                  ErrorCode.INVALID_ARGUMENT,
                  "reply_to_message_id is"
                      + " only allowed with text, media or encrypted content, not with "
                      + ContentRules.kind(envelope)
                      + "; leave it empty"));
    };
  }

  private static String hours(long millis) {
    return String.format(Locale.ROOT, "%.1f h", millis / 3_600_000.0);
  }
}
