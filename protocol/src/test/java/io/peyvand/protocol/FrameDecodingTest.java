package io.peyvand.protocol;

import static io.peyvand.protocol.Fixtures.NOW;
import static io.peyvand.protocol.Fixtures.address;
import static io.peyvand.protocol.Fixtures.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import io.peyvand.protocol.v1.Acknowledge;
import io.peyvand.protocol.v1.ClientFrame;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FrameDecodingTest {

  private static ClientFrame acknowledgement(String userId) {
    return ClientFrame.newBuilder()
        .setAcknowledge(
            Acknowledge.newBuilder().setMailbox(address("eitaa", userId)).setUpToSequence(5))
        .build();
  }

  /** The frame's bytes with the (ASCII) marker replaced, byte for byte, by {@code bytes}. */
  private static byte[] patched(ClientFrame frame, String marker, byte[] bytes) {
    byte[] encoded = frame.toByteArray();
    byte[] needle = marker.getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i + needle.length <= encoded.length; i++) {
      if (Arrays.equals(encoded, i, i + needle.length, needle, 0, needle.length)) {
        System.arraycopy(bytes, 0, encoded, i, bytes.length);
        return encoded;
      }
    }
    throw new AssertionError("marker not found");
  }

  @Test
  void bytesOfAFrameDecodeToTheSameFrame() {
    ClientFrame frame = acknowledgement("bob");
    assertEquals(frame, FrameDecoding.parseClientFrame(frame.toByteArray()));
  }

  @Test
  void invalidUtf8InAStringFieldIsInvalidText() {
    byte[] bytes = patched(acknowledgement("XX"), "XX", new byte[] {(byte) 0xC3, (byte) 0x28});
    ProtocolException e =
        assertThrows(ProtocolException.class, () -> FrameDecoding.parseClientFrame(bytes));
    assertRefused(Optional.of(e.error()), ErrorCode.INVALID_TEXT, "not valid UTF-8");
    assertTrue(e.getCause() instanceof InvalidProtocolBufferException);
  }

  @Test
  void truncatedBytesAreAnInvalidFrameSayingWhatWasWrong() {
    byte[] encoded = acknowledgement("bob").toByteArray();
    byte[] truncated = Arrays.copyOf(encoded, encoded.length - 2);
    ProtocolException e =
        assertThrows(ProtocolException.class, () -> FrameDecoding.parseClientFrame(truncated));
    assertRefused(
        Optional.of(e.error()),
        ErrorCode.INVALID_FRAME,
        "could not be decoded",
        "ended unexpectedly");
  }

  @Test
  void bytesThatAreNotProtobufAreAnInvalidFrame() {
    byte[] garbage = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
    ProtocolException e =
        assertThrows(ProtocolException.class, () -> FrameDecoding.parseClientFrame(garbage));
    assertEquals(ErrorCode.INVALID_FRAME, e.code());
  }

  /**
   * Unknown groups nested far deeper than the fuzz tests' 4 KiB inputs reach (a WebSocket message
   * may be larger): protobuf's recursion limit answers, not a StackOverflowError.
   */
  @Test
  void deeplyNestedUnknownGroupsAreAnInvalidFrameNotAStackOverflow() {
    byte[] groupStarts = new byte[200_000];
    Arrays.fill(groupStarts, (byte) 0x0B); // field 1, wire type 3 (start group)
    ProtocolException e =
        assertThrows(ProtocolException.class, () -> FrameDecoding.parseClientFrame(groupStarts));
    assertRefused(Optional.of(e.error()), ErrorCode.INVALID_FRAME, "could not be decoded");
  }

  @Test
  void emptyBytesDecodeToAnEmptyFrameThatTheValidatorRefuses() {
    ClientFrame frame = FrameDecoding.parseClientFrame(new byte[0]);
    assertEquals(ClientFrame.FrameCase.FRAME_NOT_SET, frame.getFrameCase());
    assertRefused(new FrameValidator().validate(frame, NOW), ErrorCode.INVALID_FRAME);
  }

  @Test
  void invalidUtf8IsRecognisedWhenWrappedByAnotherLayer() {
    InvalidProtocolBufferException utf8 =
        assertThrows(
            InvalidProtocolBufferException.class,
            () ->
                ClientFrame.parseFrom(
                    patched(acknowledgement("XX"), "XX", new byte[] {(byte) 0xED, (byte) 0xA0})));
    Error error = FrameDecoding.decodeError(new RuntimeException("unmarshalling failed", utf8));
    assertEquals(ErrorCode.INVALID_TEXT, error.getCode());
  }

  @Test
  void anyOtherFailureIsAnInvalidFrameQuotingIt() {
    Error error = FrameDecoding.decodeError(new IllegalStateException("stream reset"));
    assertRefused(Optional.of(error), ErrorCode.INVALID_FRAME, "stream reset");
  }

  @Test
  void aFailureWithoutAMessageIsNamedByItsType() {
    Error error = FrameDecoding.decodeError(new IllegalStateException());
    assertRefused(Optional.of(error), ErrorCode.INVALID_FRAME, "IllegalStateException");
  }

  @Test
  void theExceptionCarriesTheSameErrorAsDecodeError() {
    byte[] garbage = {(byte) 0x0A};
    ProtocolException e =
        assertThrows(ProtocolException.class, () -> FrameDecoding.parseClientFrame(garbage));
    assertSame(InvalidProtocolBufferException.class, e.getCause().getClass());
    assertEquals(FrameDecoding.decodeError(e.getCause()), e.error());
  }
}
