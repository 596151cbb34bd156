package io.peyvand.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ErrorCodesTest {
  /** The table of the protocol: every code a broker sends, and its gRPC status. */
  private static final Map<ErrorCode, Status.Code> GRPC =
      Map.ofEntries(
          Map.entry(ErrorCode.INVALID_FRAME, Status.Code.INVALID_ARGUMENT),
          Map.entry(ErrorCode.INVALID_ADDRESS, Status.Code.INVALID_ARGUMENT),
          Map.entry(ErrorCode.INVALID_MESSAGE_ID, Status.Code.INVALID_ARGUMENT),
          Map.entry(ErrorCode.INVALID_TEXT, Status.Code.INVALID_ARGUMENT),
          Map.entry(ErrorCode.INVALID_TIMESTAMP, Status.Code.INVALID_ARGUMENT),
          Map.entry(ErrorCode.INVALID_ARGUMENT, Status.Code.INVALID_ARGUMENT),
          Map.entry(ErrorCode.CONTENT_TOO_LARGE, Status.Code.INVALID_ARGUMENT),
          Map.entry(ErrorCode.UNKNOWN_PLATFORM, Status.Code.NOT_FOUND),
          Map.entry(ErrorCode.UNKNOWN_GROUP, Status.Code.NOT_FOUND),
          Map.entry(ErrorCode.GROUP_EXISTS, Status.Code.ALREADY_EXISTS),
          Map.entry(ErrorCode.UNKNOWN_CALL, Status.Code.NOT_FOUND),
          Map.entry(ErrorCode.CALL_ALREADY_ANSWERED, Status.Code.ALREADY_EXISTS),
          Map.entry(ErrorCode.GROUP_FULL, Status.Code.RESOURCE_EXHAUSTED),
          Map.entry(ErrorCode.SENDER_NOT_ON_PLATFORM, Status.Code.PERMISSION_DENIED),
          Map.entry(ErrorCode.NOT_PERMITTED, Status.Code.PERMISSION_DENIED),
          Map.entry(ErrorCode.RECIPIENT_NOT_ACCEPTING, Status.Code.FAILED_PRECONDITION),
          Map.entry(ErrorCode.CAPABILITY_NOT_SUPPORTED, Status.Code.FAILED_PRECONDITION),
          Map.entry(ErrorCode.UNKNOWN_SEQUENCE, Status.Code.OUT_OF_RANGE),
          Map.entry(ErrorCode.HELLO_REQUIRED, Status.Code.FAILED_PRECONDITION),
          Map.entry(ErrorCode.UNSUPPORTED_VERSION, Status.Code.UNIMPLEMENTED),
          Map.entry(ErrorCode.UNAVAILABLE, Status.Code.UNAVAILABLE),
          Map.entry(ErrorCode.RATE_LIMITED, Status.Code.RESOURCE_EXHAUSTED));

  @Test
  void everyCodeMapsToTheGrpcStatusOfTheProtocolTable() {
    Set<ErrorCode> sent = EnumSet.allOf(ErrorCode.class);
    sent.removeAll(Set.of(ErrorCode.ERROR_CODE_UNSPECIFIED, ErrorCode.UNRECOGNIZED));
    assertEquals(sent, GRPC.keySet(), "a code was added to errors.proto: add it to the table");
    GRPC.forEach((code, status) -> assertEquals(status, ErrorCodes.grpcStatus(code), code.name()));
  }

  @Test
  void unspecifiedAndUnrecognizedCodesMapToUnknown() {
    assertEquals(Status.Code.UNKNOWN, ErrorCodes.grpcStatus(ErrorCode.ERROR_CODE_UNSPECIFIED));
    assertEquals(Status.Code.UNKNOWN, ErrorCodes.grpcStatus(ErrorCode.UNRECOGNIZED));
  }

  @Test
  void onlyUnavailableAndRateLimitedAreRetryable() {
    Set<ErrorCode> retryable =
        Stream.of(ErrorCode.values()).filter(ErrorCodes::retryable).collect(Collectors.toSet());
    assertEquals(Set.of(ErrorCode.UNAVAILABLE, ErrorCode.RATE_LIMITED), retryable);
  }

  @Test
  void errorCarriesCodeAndMessageWithoutARetryHint() {
    Error error = ErrorCodes.error(ErrorCode.INVALID_TEXT, "text.body contains U+0007");
    assertEquals(ErrorCode.INVALID_TEXT, error.getCode());
    assertEquals("text.body contains U+0007", error.getMessage());
    assertEquals(0, error.getRetryAfterMs());
  }

  @Test
  void retryableErrorCarriesItsRetryHint() {
    Error error = ErrorCodes.error(ErrorCode.RATE_LIMITED, "slow down", 1500);
    assertEquals(1500, error.getRetryAfterMs());
  }

  @Test
  void retryHintOnACodeThatIsNotRetryableIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> ErrorCodes.error(ErrorCode.INVALID_TEXT, "bad", 1000));
  }

  @Test
  void negativeRetryHintIsRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> ErrorCodes.error(ErrorCode.UNAVAILABLE, "later", -1));
  }

  @Test
  void errorWithoutASpecificCodeOrAMessageIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> ErrorCodes.error(ErrorCode.ERROR_CODE_UNSPECIFIED, "what"));
    assertThrows(
        IllegalArgumentException.class, () -> ErrorCodes.error(ErrorCode.INVALID_FRAME, " "));
  }

  @Test
  void protocolExceptionCarriesTheErrorToSendBack() {
    Error error = ErrorCodes.error(ErrorCode.INVALID_FRAME, "no frame");
    ProtocolException e = new ProtocolException(error);
    assertEquals(error, e.error());
    assertEquals(ErrorCode.INVALID_FRAME, e.code());
    assertEquals("INVALID_FRAME: no frame", e.getMessage());
  }
}
