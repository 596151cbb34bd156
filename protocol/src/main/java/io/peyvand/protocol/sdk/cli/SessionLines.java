package io.peyvand.protocol.sdk.cli;

import io.peyvand.protocol.sdk.BrokerEndpoint;
import io.peyvand.protocol.sdk.SessionListener;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.Welcome;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Prints a session's life on stderr, for {@code listen} and {@code call}: each connection, each
 * disconnection once connected (the attempts before the first session are left to the initial
 * wait), the frames the broker refused, and why the session stopped, once connected. What a command
 * does besides follows the line, in {@link #connected} and {@link #stopped}.
 */
abstract class SessionLines implements SessionListener {
  final PrintWriter err;

  private final AtomicBoolean connectedOnce = new AtomicBoolean();

  SessionLines(PrintWriter err) {
    this.err = err;
  }

  /** After the line of a connection; {@code again} when the session had been connected before. */
  void connected(boolean again) {}

  /** After the line of why the session stopped, if {@code wasConnected} (else no line). */
  abstract void stopped(boolean wasConnected);

  @Override
  public final void onConnected(Welcome welcome, BrokerEndpoint broker) {
    boolean again = connectedOnce.getAndSet(true);
    err.printf("connected to %s (session %s)%n", broker, welcome.getSessionId());
    err.flush();
    connected(again);
  }

  @Override
  public final void onDisconnected(
      BrokerEndpoint broker, Throwable cause, BrokerEndpoint next, Duration reconnectIn) {
    if (!connectedOnce.get()) {
      return;
    }
    err.printf(
        "disconnected from %s (%s); reconnecting to %s in %d ms%n",
        broker,
        cause.getMessage() != null ? cause.getMessage() : cause,
        next,
        reconnectIn.toMillis());
    err.flush();
  }

  @Override
  public final void onSessionError(Error error, boolean closing) {
    err.printf("the broker refused a frame: %s: %s%n", error.getCode(), error.getMessage());
    err.flush();
  }

  @Override
  public final void onStopped(Throwable cause) {
    boolean wasConnected = connectedOnce.get();
    if (wasConnected) {
      err.println(cause.getMessage());
      err.flush();
    }
    stopped(wasConnected);
  }
}
