package io.peyvand.protocol.sdk;

/**
 * A submit was not taken because max-pending-submits submits already wait for their answer. Nothing
 * was sent: slow down and submit again.
 */
public final class BackpressureException extends PeyvandException {
  public BackpressureException(String message) {
    super(message);
  }
}
