package io.peyvand.protocol.sdk;

import io.peyvand.protocol.v1.ClientFrame;
import io.peyvand.protocol.v1.Delivery;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.GroupDelivery;
import io.peyvand.protocol.v1.Hello;
import io.peyvand.protocol.v1.InterconnectClient;
import io.peyvand.protocol.v1.Ping;
import io.peyvand.protocol.v1.ServerFrame;
import io.peyvand.protocol.v1.StatusDelivery;
import io.peyvand.protocol.v1.Welcome;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Connect stream: Hello first, then whatever is offered, through a bounded queue; the broker's
 * Welcome completes {@link #welcome()}, and every later frame goes to the {@link Inbound}:
 * deliveries (Delivery, GroupDelivery and StatusDelivery) on a path of their own, sharing one
 * limit, at most max-concurrent-deliveries in hand (beyond that the stream stops reading, which
 * backpressures the broker), the rest at once. It ends exactly once ({@link #done()}); reconnecting
 * is {@link SessionKeeper}'s job.
 */
final class SessionConnection {
  private static final Logger log = LoggerFactory.getLogger(SessionConnection.class);

  /** Where the frames of a session go. */
  interface Inbound {
    /** A frame other than Welcome, Pong, Delivery, GroupDelivery and StatusDelivery. */
    void onFrame(SessionConnection session, ServerFrame frame);

    /** A delivery; the stage completes when it is handled (successfully or not). */
    CompletionStage<Done> onDelivery(SessionConnection session, Delivery delivery);

    /** An item of a group; the stage completes when it is handled (successfully or not). */
    CompletionStage<Done> onGroupDelivery(SessionConnection session, GroupDelivery delivery);

    /** A status of a recipient's status stream; the stage completes when it is handled. */
    CompletionStage<Done> onStatusDelivery(SessionConnection session, StatusDelivery delivery);
  }

  private final long generation;
  private final int brokerIndex;
  private final BrokerEndpoint broker;
  private final BoundedSourceQueue<ClientFrame> out;
  private final UniqueKillSwitch killSwitch;
  private final CompletionStage<Done> done;
  private final CompletableFuture<Welcome> welcome = new CompletableFuture<>();
  private volatile SessionRefusedException refusal;
  private volatile long lastReceivedNanos = System.nanoTime();
  private volatile long lastPingNanos = lastReceivedNanos;

  SessionConnection(
      long generation,
      int brokerIndex,
      ClientSettings settings,
      InterconnectClient grpc,
      Inbound inbound,
      ClassicActorSystemProvider system) {
    this.generation = generation;
    this.brokerIndex = brokerIndex;
    this.broker = settings.brokers().get(brokerIndex);
    Pair<BoundedSourceQueue<ClientFrame>, Source<ClientFrame, NotUsed>> outgoing =
        Source.<ClientFrame>queue(settings.outgoingBuffer()).preMaterialize(system);
    this.out = outgoing.first();
    out.offer(
        ClientFrame.newBuilder()
            .setHello(
                Hello.newBuilder()
                    .setProtocolVersion(1)
                    .setPlatformId(settings.platformId())
                    .setSessionName(settings.sessionName())
                    .setRingCalls(settings.ringCalls()))
            .build());
    Sink<ServerFrame, NotUsed> deliveries =
        Flow.<ServerFrame>create()
            .mapAsyncUnordered(settings.maxConcurrentDeliveries(), frame -> deliver(inbound, frame))
            .to(Sink.ignore());
    Pair<UniqueKillSwitch, CompletionStage<Done>> running =
        grpc.connect(outgoing.second())
            .viaMat(KillSwitches.single(), Keep.right())
            .map(this::received)
            .divertTo(
                deliveries,
                frame ->
                    frame.hasDelivery() || frame.hasGroupDelivery() || frame.hasStatusDelivery())
            .toMat(Sink.foreach(frame -> onFrame(inbound, frame)), Keep.both())
            .run(system);
    this.killSwitch = running.first();
    this.done =
        running
            .second()
            .whenComplete(
                (ok, failure) -> {
                  completeOutgoing();
                  welcome.completeExceptionally(
                      failure != null
                          ? failure
                          : new PeyvandException(
                              "the broker ended the session before its Welcome"));
                });
  }

  long generation() {
    return generation;
  }

  /** The index in {@link ClientSettings#brokers} of the node this session is with. */
  int brokerIndex() {
    return brokerIndex;
  }

  /** The node this session is with. */
  BrokerEndpoint broker() {
    return broker;
  }

  /** The broker's Welcome; fails if the session ends or is refused before it. */
  CompletableFuture<Welcome> welcome() {
    return welcome;
  }

  /** Completes when the stream ended, failed when it failed. */
  CompletionStage<Done> done() {
    return done;
  }

  /** The broker's refusal of the session, if it refused it. */
  SessionRefusedException refusal() {
    return refusal;
  }

  /** Queues a frame; false when the queue is full or the session ended. */
  boolean offer(ClientFrame frame) {
    return out.offer(frame).isEnqueued();
  }

  /**
   * Sends a Ping when nothing arrived for {@code interval}; false when nothing arrived for three
   * intervals, so the session is taken as dead.
   */
  boolean keepAlive(long nowNanos, Duration interval) {
    long idle = nowNanos - lastReceivedNanos;
    if (idle > 3 * interval.toNanos()) {
      return false;
    }
    if (idle > interval.toNanos() && nowNanos - lastPingNanos > interval.toNanos()) {
      lastPingNanos = nowNanos;
      offer(ClientFrame.newBuilder().setPing(Ping.newBuilder().setNonce(nowNanos)).build());
    }
    return true;
  }

  /**
   * Completes the outgoing queue. It may be completed already: when the broker ends the stream
   * first (e.g. after a closing SessionError), the request side is cancelled, and completing it
   * again must not turn the session's normal end into a failure.
   */
  private void completeOutgoing() {
    try {
      out.complete();
    } catch (IllegalStateException alreadyCompleted) {
      // nothing more will be written either way
    }
  }

  /** Ends the stream now, failed with {@code cause}. */
  void abort(Throwable cause) {
    killSwitch.abort(cause);
  }

  /**
   * Ends the session gracefully: what is queued is written, the request stream completes, and the
   * broker gets up to {@code timeout} to end its side before the stream is cut.
   */
  void close(Duration timeout) {
    completeOutgoing();
    try {
      done.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      killSwitch.shutdown();
    }
  }

  private ServerFrame received(ServerFrame frame) {
    lastReceivedNanos = System.nanoTime();
    return frame;
  }

  private void onFrame(Inbound inbound, ServerFrame frame) {
    try {
      switch (frame.getFrameCase()) {
        case WELCOME -> welcome.complete(frame.getWelcome());
        case PONG -> {}
        case ERROR -> {
          Error error = frame.getError().getError();
          if (!welcome.isDone() && !SubmitOutcome.isRetryable(error.getCode())) {
            refusal = new SessionRefusedException(error);
            welcome.completeExceptionally(refusal);
          }
          inbound.onFrame(this, frame);
        }
        default -> inbound.onFrame(this, frame);
      }
    } catch (RuntimeException e) {
      log.error(
          "Session {}: a {} frame could not be processed", generation, frame.getFrameCase(), e);
    }
  }

  private CompletionStage<Done> deliver(Inbound inbound, ServerFrame frame) {
    try {
      if (frame.hasStatusDelivery()) {
        return inbound.onStatusDelivery(this, frame.getStatusDelivery());
      }
      return frame.hasDelivery()
          ? inbound.onDelivery(this, frame.getDelivery())
          : inbound.onGroupDelivery(this, frame.getGroupDelivery());
    } catch (RuntimeException e) {
      log.error(
          "Session {}: {} could not be processed",
          generation,
          switch (frame.getFrameCase()) {
            case DELIVERY ->
                "delivery "
                    + UserAddresses.format(frame.getDelivery().getMailbox())
                    + " #"
                    + frame.getDelivery().getSequence();
            case GROUP_DELIVERY ->
                "group delivery "
                    + UserAddresses.format(frame.getGroupDelivery().getGroup())
                    + " #"
                    + frame.getGroupDelivery().getSequence();
            default ->
                "status delivery of "
                    + UserAddresses.format(frame.getStatusDelivery().getRecipient())
                    + " #"
                    + frame.getStatusDelivery().getSequence();
          },
          e);
      return CompletableFuture.completedFuture(Done.getInstance());
    }
  }
}
