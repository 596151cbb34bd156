package io.peyvand.protocol;

import io.grpc.Status;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import java.util.Objects;

/**
 * What each {@link ErrorCode} means to a caller: whether resending can help, which gRPC status
 * carries it, and builders for the wire {@link Error}.
 */
public final class ErrorCodes {
  private ErrorCodes() {}

  /**
   * True for the codes errors.proto marks RETRYABLE (UNAVAILABLE, RATE_LIMITED): the same frame,
   * with the same message_id, may succeed if sent again later. False for every other code.
   */
  public static boolean retryable(ErrorCode code) {
    return code == ErrorCode.UNAVAILABLE || code == ErrorCode.RATE_LIMITED;
  }

  /**
   * The gRPC status code a unary call answers with when refused for {@code code}. Every code is
   * mapped explicitly (no default branch), so a code added to errors.proto does not compile until
   * it is mapped here. Codes this version does not know map to UNKNOWN.
   */
  public static Status.Code grpcStatus(ErrorCode code) {
    return switch (Objects.requireNonNull(code, "code")) {
      case INVALID_FRAME,
          INVALID_ADDRESS,
          INVALID_MESSAGE_ID,
          INVALID_TEXT,
          INVALID_TIMESTAMP,
          INVALID_ARGUMENT,
          CONTENT_TOO_LARGE ->
          Status.Code.INVALID_ARGUMENT;
      case UNKNOWN_PLATFORM, UNKNOWN_GROUP, UNKNOWN_CALL -> Status.Code.NOT_FOUND;
      case GROUP_EXISTS, CALL_ALREADY_ANSWERED -> Status.Code.ALREADY_EXISTS;
      case GROUP_FULL -> Status.Code.RESOURCE_EXHAUSTED;
      case SENDER_NOT_ON_PLATFORM, NOT_PERMITTED -> Status.Code.PERMISSION_DENIED;
      case RECIPIENT_NOT_ACCEPTING, CAPABILITY_NOT_SUPPORTED, HELLO_REQUIRED ->
          Status.Code.FAILED_PRECONDITION;
      case UNKNOWN_SEQUENCE -> Status.Code.OUT_OF_RANGE;
      case UNSUPPORTED_VERSION -> Status.Code.UNIMPLEMENTED;
      case UNAVAILABLE -> Status.Code.UNAVAILABLE;
      case RATE_LIMITED -> Status.Code.RESOURCE_EXHAUSTED;
      case ERROR_CODE_UNSPECIFIED, UNRECOGNIZED -> Status.Code.UNKNOWN;
    };
  }

  /** An error without a retry hint (retry_after_ms 0). */
  public static Error error(ErrorCode code, String message) {
    return error(code, message, 0);
  }

  /**
   * An error with a retry hint. Refuses (IllegalArgumentException) an unspecified or unrecognised
   * code, a blank message, a negative retryAfterMs, and a positive retryAfterMs on a code that is
   * not {@linkplain #retryable retryable}: a caller must never be told to retry what cannot
   * succeed.
   */
  public static Error error(ErrorCode code, String message, long retryAfterMs) {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
    if (code == ErrorCode.ERROR_CODE_UNSPECIFIED || code == ErrorCode.UNRECOGNIZED) {
      throw new IllegalArgumentException("an error needs a specific code, not " + code);
    }
    if (message.isBlank()) {
      throw new IllegalArgumentException("an error needs a message that says what to fix");
    }
    if (retryAfterMs < 0) {
      throw new IllegalArgumentException("retryAfterMs must be >= 0, not " + retryAfterMs);
    }
    if (retryAfterMs > 0 && !retryable(code)) {
      throw new IllegalArgumentException(code + " is not retryable, so it takes no retry_after_ms");
    }
    return Error.newBuilder()
        .setCode(code)
        .setMessage(message)
        .setRetryAfterMs(retryAfterMs)
        .build();
  }
}
