package io.peyvand.protocol.sdk;

import io.peyvand.protocol.v1.Error;

/**
 * The broker refused the session itself with a final error (UNSUPPORTED_VERSION, UNKNOWN_PLATFORM,
 * NOT_PERMITTED...): reconnecting cannot help, so the client stops.
 */
public final class SessionRefusedException extends PeyvandException {
  private final transient Error error;

  public SessionRefusedException(Error error) {
    super("the broker refused the session: " + error.getCode() + ": " + error.getMessage());
    this.error = error;
  }

  public Error error() {
    return error;
  }
}
