package io.peyvand.protocol.sdk;

import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.SubmitResult;

/**
 * The broker's final answer to a submit: {@link Accepted} (stored in the recipient's mailbox, or
 * for a post in the group's log, now or earlier under the same message_id) or {@link Refused}. A
 * submit never completes as accepted unless the broker said so.
 */
public sealed interface SubmitOutcome {

  /** The envelope's message_id. */
  String messageId();

  /**
   * The message is in the recipient's mailbox (a post: in the group's log) at {@code sequence} and
   * will be delivered at least once. {@code duplicate}: it had been accepted before under this
   * sender and message_id (a retry after a lost answer), and is not stored or delivered again.
   */
  record Accepted(String messageId, long sequence, long acceptedAtMs, boolean duplicate)
      implements SubmitOutcome {}

  /** Not accepted, for the reason in {@code error}. */
  record Refused(String messageId, Error error) implements SubmitOutcome {
    /** Whether sending the same envelope again may succeed (UNAVAILABLE, RATE_LIMITED). */
    public boolean retryable() {
      return isRetryable(error.getCode());
    }
  }

  /** UNAVAILABLE and RATE_LIMITED may succeed when sent again unchanged; other codes will not. */
  static boolean isRetryable(ErrorCode code) {
    return code == ErrorCode.UNAVAILABLE || code == ErrorCode.RATE_LIMITED;
  }

  /**
   * The outcome a SubmitResult carries; {@code messageId} stands in when the result names none. A
   * result without an outcome is a broker fault, taken as a final refusal (never as accepted).
   */
  static SubmitOutcome of(SubmitResult result, String messageId) {
    String id = result.getMessageId().isEmpty() ? messageId : result.getMessageId();
    return switch (result.getOutcomeCase()) {
      case ACCEPTED -> accepted(id, result.getAccepted(), false);
      case DUPLICATE -> accepted(id, result.getDuplicate(), true);
      case REFUSED -> new Refused(id, result.getRefused());
      case OUTCOME_NOT_SET ->
          new Refused(
              id,
              Error.newBuilder()
                  .setCode(ErrorCode.ERROR_CODE_UNSPECIFIED)
                  .setMessage("the broker answered without an outcome")
                  .build());
    };
  }

  /** Accepted (or, with {@code duplicate}, accepted before) as the broker's answer says. */
  private static Accepted accepted(
      String id, io.peyvand.protocol.v1.Accepted answer, boolean duplicate) {
    return new Accepted(id, answer.getSequence(), answer.getAcceptedAtMs(), duplicate);
  }
}
