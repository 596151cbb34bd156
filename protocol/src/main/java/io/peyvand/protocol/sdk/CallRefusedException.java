package io.peyvand.protocol.sdk;

import io.peyvand.protocol.ErrorCodes;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;

/**
 * A unary call (a group or directory operation) was refused with a protocol {@link Error}: by the
 * SDK before sending, when the request breaks a rule of groups.proto or directory.proto (nothing
 * was sent), or by the broker, whose gRPC status description carries the code ({@code
 * "UNKNOWN_GROUP: ..."}) and whose trailer {@code peyvand-retry-after-ms}, on a retryable refusal,
 * the retry hint ({@link #retryAfterMs}). Calls that got no answer at all (the broker unreachable,
 * the call-timeout passed) fail with grpc-java's {@code StatusRuntimeException} instead.
 *
 * <p>A step of a voice or video call ({@link PeyvandClient#call}) fails with it only locally, when
 * the request breaks a rule of calls.proto; the broker's refusals of those come back as a
 * CallResult with {@code refused} set.
 */
public final class CallRefusedException extends PeyvandException {
  private final transient Error error;
  private final boolean local;

  public CallRefusedException(Error error, boolean local, Throwable cause) {
    super(
        (local ? "not sent: " : "refused by the broker: ")
            + error.getCode()
            + ": "
            + error.getMessage(),
        cause);
    this.error = error;
    this.local = local;
  }

  /** The code and the message saying what to fix. */
  public Error error() {
    return error;
  }

  /** Shorthand for {@code error().getCode()}. */
  public ErrorCode code() {
    return error.getCode();
  }

  /** True when the SDK refused the request before sending it: the broker never saw it. */
  public boolean local() {
    return local;
  }

  /**
   * How long to wait at least before trying the same call again (the broker's retry_after_ms, e.g.
   * of RATE_LIMITED); 0 when it gave none. Shorthand for {@code error().getRetryAfterMs()}.
   */
  public long retryAfterMs() {
    return error.getRetryAfterMs();
  }

  /**
   * Whether the same call may succeed later (UNAVAILABLE, RATE_LIMITED); the SDK does not retry.
   */
  public boolean retryable() {
    return ErrorCodes.retryable(error.getCode());
  }
}
