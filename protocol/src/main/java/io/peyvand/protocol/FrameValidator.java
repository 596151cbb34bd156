package io.peyvand.protocol;

import io.peyvand.protocol.v1.Acknowledge;
import io.peyvand.protocol.v1.ClientFrame;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.GroupAcknowledge;
import io.peyvand.protocol.v1.Hello;
import io.peyvand.protocol.v1.ReadReceipt;
import io.peyvand.protocol.v1.Submit;
import io.peyvand.protocol.v1.UserAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks a {@link ClientFrame} as a whole and answers with its first problem:
 *
 * <ul>
 *   <li>no frame set (empty, or a kind this version does not know): INVALID_FRAME;
 *   <li>Hello: protocol_version is 1 (else UNSUPPORTED_VERSION naming the supported versions), then
 *       platform_id valid (INVALID_ADDRESS), then session_name (optional) at most {@value
 *       #MAX_SESSION_NAME_LENGTH} characters (INVALID_ARGUMENT) without control characters
 *       (INVALID_TEXT);
 *   <li>Submit: an envelope present (INVALID_FRAME) and valid ({@link EnvelopeValidator}; its
 *       messages name fields relative to the envelope);
 *   <li>Acknowledge: mailbox present and valid (INVALID_ADDRESS), then up_to_sequence at least 1
 *       (INVALID_ARGUMENT);
 *   <li>ReadReceipt: reader present and valid (INVALID_ADDRESS), then up_to_sequence at least 1
 *       (INVALID_ARGUMENT);
 *   <li>StatusAcknowledge: recipient present and valid (INVALID_ADDRESS), then up_to_sequence at
 *       least 1 (INVALID_ARGUMENT);
 *   <li>Ping: always valid;
 *   <li>DirectoryRequest, CallRequest, KeyPackageRequest: valid here; the call is checked where it
 *       is served, and refused in its result frame (DirectoryResult, CallResult, KeyPackageResult)
 *       like a unary call's.
 * </ul>
 *
 * <p>Only the frame itself is checked: whether Hello came first, or the platform may act for the
 * mailbox, is the session's business. Immutable; safe to share between threads.
 */
public final class FrameValidator {
  /** The protocol version this library speaks. */
  public static final int PROTOCOL_VERSION = 1;

  /** Longest Hello.session_name, in characters. */
  public static final int MAX_SESSION_NAME_LENGTH = 64;

  private final EnvelopeValidator envelopes;

  /** A validator enforcing {@link ProtocolLimits#defaults()}. */
  public FrameValidator() {
    this(ProtocolLimits.defaults());
  }

  /** A validator enforcing {@code limits} on submitted envelopes. */
  public FrameValidator(ProtocolLimits limits) {
    this.envelopes = new EnvelopeValidator(limits);
  }

  /**
   * The first problem of {@code frame} as listed in this class's comment, or empty if it is valid.
   * {@code nowMillis} (epoch milliseconds, not negative) is the clock a submitted envelope's
   * client_timestamp_ms is checked against.
   */
  public Optional<Error> validate(ClientFrame frame, long nowMillis) {
    Objects.requireNonNull(frame, "frame");
    return switch (frame.getFrameCase()) {
      case HELLO -> hello(frame.getHello());
      case SUBMIT -> submit(frame.getSubmit(), nowMillis);
      case ACKNOWLEDGE -> acknowledge(frame.getAcknowledge());
      case READ_RECEIPT -> readReceipt(frame.getReadReceipt());
      case PING, DIRECTORY, CALL, KEYS -> Optional.empty();
      case GROUP_ACKNOWLEDGE -> groupAcknowledge(frame.getGroupAcknowledge());
      case STATUS_ACKNOWLEDGE ->
          mailboxAndSequence(
              frame.getStatusAcknowledge().hasRecipient(),
              frame.getStatusAcknowledge().getRecipient(),
              "status_acknowledge.recipient",
              frame.getStatusAcknowledge().getUpToSequence(),
              "status_acknowledge.up_to_sequence");
      case FRAME_NOT_SET ->
          refuse(
              ErrorCode.INVALID_FRAME,
              "the frame is empty: set one of hello,"
                  + " submit, acknowledge, read_receipt, ping, group_acknowledge, status_acknowledge,"
                  + " directory, call, keys (or the frame is of a kind this protocol"
                  + " version does not know)");
    };
  }

  private static Optional<Error> hello(Hello hello) {
    int version = hello.getProtocolVersion();
    if (version != PROTOCOL_VERSION) {
      return refuse(
          ErrorCode.UNSUPPORTED_VERSION,
          "hello.protocol_version "
              + (version == 0
                  ? "is missing (0)"
                  : Integer.toUnsignedString(version) + " is not served")
              + "; supported versions: "
              + PROTOCOL_VERSION);
    }
    Optional<Error> platform =
        Addresses.validatePlatformId(hello.getPlatformId(), "hello.platform_id");
    if (platform.isPresent()) {
      return platform;
    }
    String name = hello.getSessionName();
    return TextRules.tooLong("hello.session_name", name, MAX_SESSION_NAME_LENGTH)
        .or(() -> TextRules.check("hello.session_name", name, false));
  }

  private Optional<Error> submit(Submit submit, long nowMillis) {
    if (!submit.hasEnvelope()) {
      return refuse(
          ErrorCode.INVALID_FRAME, "submit.envelope is missing: set the envelope to" + " submit");
    }
    return envelopes.validate(submit.getEnvelope(), nowMillis);
  }

  private static Optional<Error> acknowledge(Acknowledge ack) {
    return mailboxAndSequence(
        ack.hasMailbox(),
        ack.getMailbox(),
        "acknowledge.mailbox",
        ack.getUpToSequence(),
        "acknowledge.up_to_sequence");
  }

  private static Optional<Error> groupAcknowledge(GroupAcknowledge ack) {
    if (!ack.hasGroup()) {
      return refuse(
          ErrorCode.INVALID_ADDRESS,
          "group_acknowledge.group is missing: set the" + " group's address");
    }
    Optional<Error> group = Addresses.validate(ack.getGroup(), "group_acknowledge.group");
    if (group.isPresent()) {
      return group;
    }
    if (ack.getUpToSequence() == 0) {
      return refuse(
          ErrorCode.INVALID_ARGUMENT,
          "group_acknowledge.up_to_sequence is 0:"
              + " acknowledge the sequence of a GroupDelivery received");
    }
    return Optional.empty();
  }

  private static Optional<Error> readReceipt(ReadReceipt receipt) {
    return mailboxAndSequence(
        receipt.hasReader(),
        receipt.getReader(),
        "read_receipt.reader",
        receipt.getUpToSequence(),
        "read_receipt.up_to_sequence");
  }

  private static Optional<Error> mailboxAndSequence(
      boolean present,
      UserAddress address,
      String addressField,
      long upToSequence,
      String sequenceField) {
    if (!present) {
      return refuse(
          ErrorCode.INVALID_ADDRESS,
          addressField + " is missing: set the address of" + " the mailbox's user");
    }
    Optional<Error> problem = Addresses.validate(address, addressField);
    if (problem.isPresent()) {
      return problem;
    }
    if (upToSequence == 0) {
      return refuse(
          ErrorCode.INVALID_ARGUMENT,
          sequenceField
              + " is 0: set it to the highest"
              + " sequence number covered (sequences start at 1)");
    }
    return Optional.empty();
  }

  private static Optional<Error> refuse(ErrorCode code, String message) {
    return Optional.of(ErrorCodes.error(code, message));
  }
}
