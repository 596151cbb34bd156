package io.peyvand.protocol.sdk;

import io.peyvand.protocol.ErrorCodes;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;

/**
 * A unary call (a group operation) was refused with a protocol {@link Error}: by the SDK before
 * sending, when the request breaks a rule of groups.proto (nothing was sent), or by the broker,
 * whose gRPC status description carries the code ({@code "UNKNOWN_GROUP: ..."}). Calls that got no
 * answer at all (the broker unreachable, the call-timeout passed) fail with grpc-java's {@code
 * StatusRuntimeException} instead.
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
   * Whether the same call may succeed later (UNAVAILABLE, RATE_LIMITED); the SDK does not retry.
   */
  public boolean retryable() {
    return ErrorCodes.retryable(error.getCode());
  }
}
