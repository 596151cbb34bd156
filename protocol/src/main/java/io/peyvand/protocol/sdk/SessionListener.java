package io.peyvand.protocol.sdk;

import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.Welcome;
import java.time.Duration;

/**
 * Optional observer of the session's life, for an adapter's logs and health checks. Every method
 * has an empty default; they are called on SDK threads and must return quickly.
 */
public interface SessionListener {
  /** A listener that ignores everything. */
  SessionListener NONE = new SessionListener() {};

  /** The broker welcomed a session (the first one or a reconnection). */
  default void onConnected(Welcome welcome) {}

  /**
   * The broker node at {@code broker} (one of the client's brokers) welcomed a session. By default
   * calls {@link #onConnected(Welcome)}.
   */
  default void onConnected(Welcome welcome, BrokerEndpoint broker) {
    onConnected(welcome);
  }

  /** The session ended or could not be opened; the next attempt follows after reconnectIn. */
  default void onDisconnected(Throwable cause, Duration reconnectIn) {}

  /**
   * The session with {@code broker} ended (or could not be opened); the next attempt goes to {@code
   * next} (the same node when the client has only one) after {@code reconnectIn}. By default calls
   * {@link #onDisconnected(Throwable, Duration)}.
   */
  default void onDisconnected(
      BrokerEndpoint broker, Throwable cause, BrokerEndpoint next, Duration reconnectIn) {
    onDisconnected(cause, reconnectIn);
  }

  /** The broker refused a frame without a result of its own (an Acknowledge, a ReadReceipt...). */
  default void onSessionError(Error error, boolean closing) {}

  /**
   * The client stopped for good: the broker refused the session with a final error (for example
   * UNKNOWN_PLATFORM). Pending submits fail; nothing is retried.
   */
  default void onStopped(Throwable cause) {}
}
