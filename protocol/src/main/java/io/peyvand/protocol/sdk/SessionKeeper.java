package io.peyvand.protocol.sdk;

import io.peyvand.protocol.v1.InterconnectClient;
import io.peyvand.protocol.v1.Welcome;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one session open: opens a {@link SessionConnection}, waits welcome-timeout for the Welcome,
 * and whenever the session ends or cannot be opened opens the next one after the reconnect backoff
 * (reset by each Welcome). Sessions are numbered from 1; only a welcomed one is {@link #current()}.
 * A final refusal of the session by the broker stops it for good.
 */
final class SessionKeeper {
  private static final Logger log = LoggerFactory.getLogger(SessionKeeper.class);

  /** What the keeper reports. */
  interface Events {
    void onConnected(SessionConnection session, Welcome welcome);

    void onDisconnected(SessionConnection session, Throwable cause, Duration reconnectIn);

    void onStopped(Throwable cause);
  }

  private final ClientSettings settings;
  private final ActorSystem system;
  private final Supplier<InterconnectClient> grpc;
  private final SessionConnection.Inbound inbound;
  private final Events events;
  private final CompletableFuture<Welcome> firstWelcome = new CompletableFuture<>();
  private long generation;
  private int failures;
  private boolean started;
  private boolean stopped;
  private SessionConnection attempt;
  private volatile SessionConnection current;

  SessionKeeper(ClientSettings settings, ActorSystem system, Supplier<InterconnectClient> grpc,
      SessionConnection.Inbound inbound, Events events) {
    this.settings = settings;
    this.system = system;
    this.grpc = grpc;
    this.inbound = inbound;
    this.events = events;
  }

  /** Starts keeping the session (once); completes with the first Welcome. */
  synchronized CompletionStage<Welcome> start() {
    if (!started && !stopped) {
      started = true;
      open();
    }
    return firstWelcome.minimalCompletionStage();
  }

  /** The welcomed session, or null between sessions. */
  SessionConnection current() {
    return current;
  }

  /** Stops reconnecting and closes the session gracefully; returns once it ended. */
  void stop() {
    SessionConnection last;
    synchronized (this) {
      stopped = true;
      last = attempt;
      attempt = null;
      current = null;
    }
    firstWelcome.completeExceptionally(new PeyvandException("the client was closed"));
    if (last != null) {
      last.close(settings.closeTimeout());
    }
  }

  private synchronized void open() {
    if (stopped) {
      return;
    }
    SessionConnection session;
    try {
      session = new SessionConnection(++generation, settings, grpc.get(), inbound, system);
    } catch (RuntimeException e) {
      Duration delay = settings.reconnect().delay(++failures);
      log.warn("Could not open a session with the broker at {}; trying again in {} ms",
          settings.broker(), delay.toMillis(), e);
      system.scheduler().scheduleOnce(delay, this::open, system.dispatcher());
      return;
    }
    attempt = session;
    session.welcome().orTimeout(settings.welcomeTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((welcome, failure) -> {
          if (failure == null) {
            welcomed(session, welcome);
          } else {
            session.abort(failure);
          }
        });
    session.done().whenComplete((ok, failure) -> ended(session, failure));
  }

  private void welcomed(SessionConnection session, Welcome welcome) {
    synchronized (this) {
      if (attempt != session) {
        return;
      }
      current = session;
      failures = 0;
    }
    log.info("Session {} ({}) with the broker at {} is open", welcome.getSessionId(),
        session.generation(), settings.broker());
    events.onConnected(session, welcome);
    firstWelcome.complete(welcome);
  }

  private void ended(SessionConnection session, Throwable failure) {
    SessionRefusedException refusal = session.refusal();
    Duration delay = null;
    synchronized (this) {
      if (attempt != session) {
        return;
      }
      attempt = null;
      current = null;
      if (refusal != null) {
        stopped = true;
      } else {
        delay = settings.reconnect().delay(++failures);
        system.scheduler().scheduleOnce(delay, this::open, system.dispatcher());
      }
    }
    if (refusal != null) {
      log.error("The broker at {} refused the session; not reconnecting: {}", settings.broker(),
          refusal.getMessage());
      events.onStopped(refusal);
      firstWelcome.completeExceptionally(refusal);
      return;
    }
    Throwable cause = failure != null ? failure
        : new PeyvandException("the broker ended the session");
    log.info("Session {} with the broker at {} ended ({}); reconnecting in {} ms",
        session.generation(), settings.broker(), cause.toString(), delay.toMillis());
    events.onDisconnected(session, cause, delay);
  }
}
