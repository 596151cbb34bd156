package io.peyvand.protocol.mls;

import io.peyvand.protocol.ErrorCodes;
import io.peyvand.protocol.ProtocolException;
import io.peyvand.protocol.v1.ErrorCode;

/**
 * MLS bytes that cannot be read as the structure they claim to be: truncated, too long, a
 * non-minimal or reserved varint, a length beyond the input, a value RFC 9420 does not allow, or
 * bytes left over. Its {@link #error() error} is INVALID_ARGUMENT (CONTENT_TOO_LARGE for input over
 * the size limit) with a message that names the structure, the field and the byte offset into the
 * input as given, so that whoever made the bytes can find the problem.
 */
public final class MlsFormatException extends ProtocolException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final String structure;
  private final int offset;
  private final String problem;

  MlsFormatException(ErrorCode code, String structure, int offset, String problem) {
    super(
        ErrorCodes.error(
            code, "malformed MLS " + structure + " at byte " + offset + ": " + problem));
    this.code = code;
    this.structure = structure;
    this.offset = offset;
    this.problem = problem;
  }

  MlsFormatException(String structure, int offset, String problem) {
    this(ErrorCode.INVALID_ARGUMENT, structure, offset, problem);
  }

  /** The same refusal with {@code hint} appended to its message (e.g. what the bytes look like). */
  MlsFormatException withHint(String hint) {
    return new MlsFormatException(code, structure, offset, problem + "; " + hint);
  }

  /** Where in the input (counted from its first byte, header included) the problem is. */
  public int offset() {
    return offset;
  }
}
