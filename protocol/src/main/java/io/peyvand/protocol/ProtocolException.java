package io.peyvand.protocol;

import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import java.util.Objects;

/**
 * A refusal on the wire, thrown where a value cannot be returned (decoding a frame). It carries the
 * {@link Error} to send back unchanged; its Java message is the code and the error's message. Not
 * final: a parser may throw a subclass that says which input it refused ({@code
 * io.peyvand.protocol.mls.MlsFormatException}), still answered with the error it carries.
 */
public class ProtocolException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Error error;

  public ProtocolException(Error error) {
    this(error, null);
  }

  public ProtocolException(Error error, Throwable cause) {
    super(Objects.requireNonNull(error, "error").getCode() + ": " + error.getMessage(), cause);
    this.error = error;
  }

  /** The error to answer with, as built by {@link ErrorCodes#error}. */
  public Error error() {
    return error;
  }

  /** Shorthand for {@code error().getCode()}. */
  public ErrorCode code() {
    return error.getCode();
  }
}
