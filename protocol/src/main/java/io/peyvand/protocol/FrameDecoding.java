package io.peyvand.protocol;

import com.google.protobuf.InvalidProtocolBufferException;
import io.peyvand.protocol.v1.ClientFrame;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import java.util.Objects;

/**
 * Bytes to frames, with decoding failures turned into wire errors. protobuf-java already refuses a
 * proto3 string field that is not valid UTF-8 while parsing; such a failure is INVALID_TEXT, every
 * other decoding failure INVALID_FRAME. Decoding checks the encoding only: validate the frame
 * afterwards with {@link FrameValidator}.
 */
public final class FrameDecoding {
  /** How protobuf-java (3.x) words an invalid UTF-8 failure; it has no type of its own. */
  private static final String INVALID_UTF8 = "invalid UTF-8";

  /** How deep the cause chain is searched; guards against a cyclic chain. */
  private static final int MAX_CAUSES = 16;

  private FrameDecoding() {}

  /**
   * The frame encoded in {@code bytes} (one serialized ClientFrame, as in a WebSocket binary
   * message). Throws {@link ProtocolException} carrying {@link #decodeError} when the bytes are not
   * a ClientFrame. Empty bytes decode to a frame with nothing set, which {@link FrameValidator}
   * refuses.
   */
  public static ClientFrame parseClientFrame(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    try {
      return ClientFrame.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new ProtocolException(decodeError(e), e);
    }
  }

  /**
   * The wire error for a failure to decode a frame (from {@link #parseClientFrame}, or from a gRPC
   * edge's own unmarshalling): INVALID_TEXT when the failure, or one of its causes, is protobuf's
   * invalid UTF-8 refusal; INVALID_FRAME otherwise. The message says what was wrong.
   */
  public static Error decodeError(Throwable parseFailure) {
    Objects.requireNonNull(parseFailure, "parseFailure");
    Throwable t = parseFailure;
    for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = t.getCause()) {
      if (t instanceof InvalidProtocolBufferException
          && t.getMessage() != null
          && t.getMessage().contains(INVALID_UTF8)) {
        return ErrorCodes.error(
            ErrorCode.INVALID_TEXT,
            "the frame has a text field that is not"
                + " valid UTF-8: encode every string field (ids, addresses, text, caption...) as"
                + " UTF-8");
      }
    }
    return ErrorCodes.error(
        ErrorCode.INVALID_FRAME,
        "the frame could not be decoded as a"
            + " peyvand.v1 protobuf message ("
            + (parseFailure.getMessage() != null
                ? parseFailure.getMessage()
                : parseFailure.getClass().getSimpleName())
            + "): send exactly one"
            + " serialized frame, in protobuf binary encoding, per message");
  }
}
