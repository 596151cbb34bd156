package io.peyvand.protocol.sdk;

import io.peyvand.protocol.v1.InterconnectClient;
import io.peyvand.protocol.v1.Welcome;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.apache.pekko.actor.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one session open: opens a {@link SessionConnection}, waits welcome-timeout for the Welcome,
 * and whenever the session ends or cannot be opened opens the next one after the reconnect backoff
 * (reset by each Welcome). Sessions are numbered from 1; only a welcomed one is {@link #current()}.
 * A final refusal of the session by the broker stops it for good.
 *
 * <p>With several broker nodes ({@link ClientSettings#brokers}) each attempt goes to the node after
 * the one the last attempt went to, round robin from {@link ClientSettings#firstIndex}: a node that
 * went away or cannot be reached is left for the next. When a welcomed session that was open at
 * least failover-after-open ends and there is another node, the next attempt goes there at once,
 * without waiting: losing a node costs an adapter one reconnection, not a backoff. A session that
 * ends sooner waits as usual, so nodes that welcome and drop sessions at once are not hammered in a
 * loop. Every later failure waits per the backoff, whichever node it was on.
 */
final class SessionKeeper {
  private static final Logger log = LoggerFactory.getLogger(SessionKeeper.class);

  /** What the keeper reports. */
  interface Events {
    void onConnected(SessionConnection session, Welcome welcome);

    void onDisconnected(
        SessionConnection session, Throwable cause, BrokerEndpoint next, Duration reconnectIn);

    void onStopped(Throwable cause);
  }

  private final ClientSettings settings;
  private final ActorSystem system;
  private final IntFunction<InterconnectClient> grpc;
  private final SessionConnection.Inbound inbound;
  private final Events events;
  private final CompletableFuture<Welcome> firstWelcome = new CompletableFuture<>();
  private long generation;
  private int failures;

  /** The index in settings.brokers() of the node the next attempt goes to. */
  private int next;

  private long welcomed;
  private long openedAtNanos;
  private boolean started;
  private boolean stopped;
  private SessionConnection attempt;
  private volatile SessionConnection current;

  SessionKeeper(
      ClientSettings settings,
      ActorSystem system,
      IntFunction<InterconnectClient> grpc,
      SessionConnection.Inbound inbound,
      Events events) {
    this.settings = settings;
    this.next = settings.firstIndex();
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

  /**
   * The index in settings.brokers() of the node that unary calls go to first: the welcomed
   * session's, else the one the next (or the pending) attempt goes to.
   */
  synchronized int brokerIndex() {
    SessionConnection session = current != null ? current : attempt;
    return session != null ? session.brokerIndex() : next;
  }

  /** Sessions welcomed after the first: how often the client had to connect again. */
  synchronized long reconnects() {
    return Math.max(0, welcomed - 1);
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
    int index = next;
    next = (index + 1) % settings.brokers().size();
    try {
      session =
          new SessionConnection(++generation, index, settings, grpc.apply(index), inbound, system);
    } catch (RuntimeException e) {
      Duration delay = settings.reconnect().delay(++failures);
      log.warn(
          "Could not open a session with the broker at {}; trying {} in {} ms",
          settings.brokers().get(index),
          settings.brokers().get(next),
          delay.toMillis(),
          e);
      system.scheduler().scheduleOnce(delay, this::open, system.dispatcher());
      return;
    }
    attempt = session;
    session
        .welcome()
        .orTimeout(settings.welcomeTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(
            (welcome, failure) -> {
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
      welcomed++;
      openedAtNanos = System.nanoTime();
    }
    log.info(
        "Session {} ({}) with the broker at {} is open",
        welcome.getSessionId(),
        session.generation(),
        session.broker());
    events.onConnected(session, welcome);
    firstWelcome.complete(welcome);
  }

  private void ended(SessionConnection session, Throwable failure) {
    SessionRefusedException refusal = session.refusal();
    Duration delay = null;
    BrokerEndpoint nextBroker;
    synchronized (this) {
      if (attempt != session) {
        return;
      }
      boolean wasOpen = current == session;
      nextBroker = settings.brokers().get(next);
      attempt = null;
      current = null;
      if (refusal != null) {
        stopped = true;
      } else {
        delay =
            wasOpen
                    && settings.brokers().size() > 1
                    && System.nanoTime() - openedAtNanos >= settings.failoverAfterOpen().toNanos()
                ? Duration.ZERO
                : settings.reconnect().delay(++failures);
        system.scheduler().scheduleOnce(delay, this::open, system.dispatcher());
      }
    }
    if (refusal != null) {
      log.error(
          "The broker at {} refused the session; not reconnecting: {}",
          session.broker(),
          refusal.getMessage());
      events.onStopped(refusal);
      firstWelcome.completeExceptionally(refusal);
      return;
    }
    Throwable cause =
        failure != null ? failure : new PeyvandException("the broker ended the session");
    log.info(
        "Session {} with the broker at {} ended ({}); reconnecting to {} in {} ms",
        session.generation(),
        session.broker(),
        cause.toString(),
        nextBroker,
        delay.toMillis());
    events.onDisconnected(session, cause, nextBroker, delay);
  }
}
