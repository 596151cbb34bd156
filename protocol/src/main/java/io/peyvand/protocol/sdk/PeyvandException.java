package io.peyvand.protocol.sdk;

/** Base of the SDK's own failures. */
public class PeyvandException extends RuntimeException {
  public PeyvandException(String message) {
    super(message);
  }

  public PeyvandException(String message, Throwable cause) {
    super(message, cause);
  }
}
