package io.peyvand.protocol.sdk;

import io.peyvand.protocol.sdk.SubmitTracker.Pending;
import io.peyvand.protocol.sdk.SubmitTracker.Resolution;
import io.peyvand.protocol.v1.Acknowledge;
import io.peyvand.protocol.v1.CallEvent;
import io.peyvand.protocol.v1.CallRequest;
import io.peyvand.protocol.v1.CallResult;
import io.peyvand.protocol.v1.ClientFrame;
import io.peyvand.protocol.v1.Delivery;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.GroupAcknowledge;
import io.peyvand.protocol.v1.GroupAddress;
import io.peyvand.protocol.v1.GroupDelivery;
import io.peyvand.protocol.v1.InterconnectClient;
import io.peyvand.protocol.v1.ReadReceipt;
import io.peyvand.protocol.v1.ServerFrame;
import io.peyvand.protocol.v1.StatusAcknowledge;
import io.peyvand.protocol.v1.StatusDelivery;
import io.peyvand.protocol.v1.Submit;
import io.peyvand.protocol.v1.UserAddress;
import io.peyvand.protocol.v1.Welcome;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Cancellable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's moving parts wired together: frames from the session go to the trackers, and a pump
 * that runs every acknowledge-interval (and when a session opens) writes what the trackers hold:
 * one Acknowledge per mailbox, one GroupAcknowledge per group, read receipts, due submits, and a
 * Ping when the session is quiet. Call requests are written at once on the welcomed session and
 * wait for their CallResult in a {@link CallTracker}; call events go to the {@link CallHandler} on
 * the stream's thread, in order. Futures are completed on the actor system's dispatcher, never on a
 * stream thread.
 */
final class ClientEngine implements SessionConnection.Inbound, SessionKeeper.Events {
  private static final Logger log = LoggerFactory.getLogger(ClientEngine.class);
  private static final CompletionStage<Done> DONE =
      CompletableFuture.completedFuture(Done.getInstance());

  private final ClientSettings settings;
  private final ActorSystem system;
  private final DeliveryHandler handler;
  private final CallHandler callHandler;
  private final SessionListener listener;
  private final AckTracker acks;
  private final SubmitTracker submits;
  private final CallTracker calls;
  private final LatestMarks<UserAddress> receipts = new LatestMarks<>();
  private final SessionKeeper keeper;
  private final Cancellable pumpTimer;

  ClientEngine(
      ClientSettings settings,
      ActorSystem system,
      IntFunction<InterconnectClient> grpc,
      DeliveryHandler handler,
      CallHandler callHandler,
      SessionListener listener) {
    this.settings = settings;
    this.system = system;
    this.handler = handler;
    this.callHandler = callHandler;
    this.listener = listener;
    this.calls = new CallTracker(settings.maxPendingSubmits());
    this.acks =
        new AckTracker(
            settings.autoAcknowledge(), settings.deduplicate(), settings.trackedMailboxes());
    this.submits =
        new SubmitTracker(
            settings.submitRetry(),
            settings.maxPendingSubmits(),
            () -> ThreadLocalRandom.current().nextDouble());
    this.keeper = new SessionKeeper(settings, system, grpc, this, this);
    this.pumpTimer =
        system
            .scheduler()
            .scheduleWithFixedDelay(
                settings.acknowledgeInterval(),
                settings.acknowledgeInterval(),
                this::pump,
                system.dispatcher());
  }

  CompletionStage<Welcome> connect() {
    return keeper.start();
  }

  boolean isConnected() {
    return keeper.current() != null;
  }

  /** The node of the welcomed session, or null between sessions. */
  BrokerEndpoint currentBroker() {
    SessionConnection session = keeper.current();
    return session != null ? session.broker() : null;
  }

  /** The index in settings.brokers() of the node unary calls go to first. */
  int brokerIndex() {
    return keeper.brokerIndex();
  }

  long reconnects() {
    return keeper.reconnects();
  }

  CompletionStage<SubmitOutcome> submit(Envelope envelope) {
    Pending p = submits.register(envelope);
    if (p == null) {
      return CompletableFuture.failedFuture(
          new BackpressureException(
              settings.maxPendingSubmits() + " submits already wait for their answer"));
    }
    Cancellable timer =
        system
            .scheduler()
            .scheduleOnce(
                settings.submitTimeout(),
                () ->
                    resolve(
                        submits.expire(
                            p.correlationId,
                            "no final answer within "
                                + settings.submitTimeout().toMillis()
                                + " ms")),
                system.dispatcher());
    p.cancelTimeout = timer::cancel;
    SessionConnection session = keeper.current();
    if (session != null && submits.take(p, session.generation())) {
      send(session, p);
    }
    return p.result.copy();
  }

  /**
   * Writes {@code request} (validated by the caller) with a correlation id of its own on the
   * welcomed session; completes with the broker's CallResult, or fails with {@link
   * NotAnsweredException} (no session, the session ended first, no answer within call-timeout, the
   * client closed) or {@link BackpressureException} (too many waiting, or the outgoing queue full).
   */
  CompletionStage<CallResult> call(CallRequest request) {
    SessionConnection session = keeper.current();
    if (session == null) {
      return CompletableFuture.failedFuture(
          new NotAnsweredException(
              "not sent: no session is open (connect() first, or wait for the reconnection)"));
    }
    CallTracker.Pending p;
    try {
      p = calls.register(request, session.generation());
    } catch (PeyvandException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (!session.offer(ClientFrame.newBuilder().setCall(p.request).build())) {
      if (calls.remove(p)) {
        return CompletableFuture.failedFuture(
            new BackpressureException(
                "not sent: the session's outgoing queue is full or the session is ending"));
      }
      return p.result.copy(); // the session's loss resolved it meanwhile
    }
    Cancellable timer =
        system
            .scheduler()
            .scheduleOnce(
                settings.callTimeout(),
                () ->
                    resolveCall(
                        calls.expire(
                            p.correlationId,
                            "no CallResult within call-timeout ("
                                + settings.callTimeout().toMillis()
                                + " ms)")),
                system.dispatcher());
    p.cancelTimeout = timer::cancel;
    if (p.result.isDone()) {
      timer.cancel();
    }
    return p.result.copy();
  }

  void acknowledge(UserAddress mailbox, long upTo) {
    acks.acknowledge(mailbox, upTo);
  }

  void acknowledge(GroupAddress group, long upTo) {
    acks.acknowledge(group, upTo);
  }

  void acknowledgeStatuses(UserAddress recipient, long upTo) {
    acks.acknowledge(new AckTracker.StatusStream(recipient), upTo);
  }

  void readReceipt(UserAddress reader, long upTo) {
    receipts.raise(reader, upTo);
  }

  /** Writes the last acknowledgements, closes the session, fails what is still pending. */
  void close() {
    pumpTimer.cancel();
    pump();
    keeper.stop();
    resolve(
        submits.failAll(
            new NotAnsweredException(
                "the client was closed before the broker answered; resubmit with the same message_id")));
    calls
        .failAll(
            new NotAnsweredException(
                "the client was closed before the broker answered the call request"))
        .forEach(this::resolveCall);
  }

  /** Writes what is waiting; runs every acknowledge-interval and when a session opens. */
  void pump() {
    SessionConnection session = keeper.current();
    if (session == null) {
      return;
    }
    try {
      offerEach(
          session,
          acks.drainAcknowledgements(),
          (mailbox, upTo) ->
              ClientFrame.newBuilder()
                  .setAcknowledge(
                      Acknowledge.newBuilder().setMailbox(mailbox).setUpToSequence(upTo)),
          acks::retryAcknowledgement);
      offerEach(
          session,
          acks.drainGroupAcknowledgements(),
          (group, upTo) ->
              ClientFrame.newBuilder()
                  .setGroupAcknowledge(
                      GroupAcknowledge.newBuilder().setGroup(group).setUpToSequence(upTo)),
          acks::retryAcknowledgement);
      offerEach(
          session,
          acks.drainStatusAcknowledgements(),
          (recipient, upTo) ->
              ClientFrame.newBuilder()
                  .setStatusAcknowledge(
                      StatusAcknowledge.newBuilder().setRecipient(recipient).setUpToSequence(upTo)),
          (recipient, upTo) ->
              acks.retryAcknowledgement(new AckTracker.StatusStream(recipient), upTo));
      offerEach(
          session,
          receipts.drain(),
          (reader, upTo) ->
              ClientFrame.newBuilder()
                  .setReadReceipt(ReadReceipt.newBuilder().setReader(reader).setUpToSequence(upTo)),
          receipts::raise);
      sendDueSubmits(session);
      if (!session.keepAlive(System.nanoTime(), settings.keepAliveInterval())) {
        session.abort(
            new TimeoutException(
                "nothing from the broker for three keep-alive"
                    + " intervals of "
                    + settings.keepAliveInterval().toMillis()
                    + " ms"));
      }
    } catch (RuntimeException e) {
      log.error("Writing to session {} failed", session.generation(), e);
    }
  }

  /**
   * Offers one frame per cumulative position drained (an acknowledgement or a read receipt up to a
   * sequence); a position the session's buffer refuses is handed to {@code keep}, to go with the
   * next pump.
   */
  private static <K> void offerEach(
      SessionConnection session,
      Map<K, Long> drained,
      BiFunction<K, Long, ClientFrame.Builder> frame,
      BiConsumer<K, Long> keep) {
    for (Map.Entry<K, Long> position : drained.entrySet()) {
      if (!session.offer(frame.apply(position.getKey(), position.getValue()).build())) {
        keep.accept(position.getKey(), position.getValue());
      }
    }
  }

  private void sendDueSubmits(SessionConnection session) {
    for (Pending p : submits.takeDue(session.generation(), System.currentTimeMillis())) {
      send(session, p);
    }
  }

  private void send(SessionConnection session, Pending p) {
    if (!session.offer(
        ClientFrame.newBuilder()
            .setSubmit(
                Submit.newBuilder().setCorrelationId(p.correlationId).setEnvelope(p.envelope))
            .build())) {
      submits.notSent(p, session.generation()); // the queue is full: the pump tries again
    }
  }

  @Override
  public void onFrame(SessionConnection session, ServerFrame frame) {
    switch (frame.getFrameCase()) {
      case SUBMIT_RESULT ->
          resolve(submits.onResult(frame.getSubmitResult(), System.currentTimeMillis()));
      case CALL_RESULT -> {
        CallTracker.Resolution r = calls.onResult(frame.getCallResult());
        if (r == null) {
          log.debug(
              "A CallResult for correlation id {} that nothing waits for",
              frame.getCallResult().getCorrelationId());
        }
        resolveCall(r);
      }
      case CALL_EVENT -> onCallEvent(frame.getCallEvent());
      case ERROR -> {
        log.warn(
            "The broker refused a frame of session {}: {}: {}{}",
            session.generation(),
            frame.getError().getError().getCode(),
            frame.getError().getError().getMessage(),
            frame.getError().getClosing() ? " (closing the session)" : "");
        notifyListener(
            () ->
                listener.onSessionError(
                    frame.getError().getError(), frame.getError().getClosing()));
      }
      default -> log.debug("Ignored a {} frame", frame.getFrameCase());
    }
  }

  private void onCallEvent(CallEvent event) {
    if (callHandler == CallHandler.NONE) {
      log.debug(
          "Dropped a {} event of call {}/{}: no call handler",
          event.getEventCase(),
          UserAddresses.format(event.getCall().getCaller()),
          event.getCall().getCallId());
      return;
    }
    try {
      callHandler.onCallEvent(event);
    } catch (RuntimeException e) {
      log.warn(
          "The call handler failed on a {} event of call {}/{}",
          event.getEventCase(),
          UserAddresses.format(event.getCall().getCaller()),
          event.getCall().getCallId(),
          e);
    }
  }

  @Override
  public CompletionStage<Done> onDelivery(SessionConnection session, Delivery delivery) {
    UserAddress mailbox = delivery.getMailbox();
    if (acks.onDelivery(mailbox, delivery.getSequence(), delivery.getAcknowledgedUpTo())
        == AckTracker.Decision.SKIP) {
      return DONE;
    }
    return handled(
        mailbox,
        delivery.getSequence(),
        () -> handler.handle(delivery),
        UserAddresses.format(mailbox));
  }

  @Override
  public CompletionStage<Done> onGroupDelivery(SessionConnection session, GroupDelivery delivery) {
    GroupAddress group = delivery.getGroup();
    if (acks.onDelivery(group, delivery.getSequence(), delivery.getAcknowledgedUpTo())
        == AckTracker.Decision.SKIP) {
      return DONE;
    }
    return handled(
        group,
        delivery.getSequence(),
        () -> handler.handleGroup(delivery),
        "group " + UserAddresses.format(group));
  }

  @Override
  public CompletionStage<Done> onStatusDelivery(
      SessionConnection session, StatusDelivery delivery) {
    AckTracker.StatusStream stream = new AckTracker.StatusStream(delivery.getRecipient());
    if (acks.onStatusDelivery(
            delivery.getRecipient(), delivery.getSequence(), delivery.getAcknowledgedUpTo())
        == AckTracker.Decision.SKIP) {
      return DONE;
    }
    return handled(
        stream,
        delivery.getSequence(),
        () -> handler.handleStatus(delivery),
        "statuses of " + UserAddresses.format(delivery.getRecipient()));
  }

  /**
   * Runs the handler on one item of {@code stream} (a mailbox or a group) and tells the tracker how
   * it went; the stage completes when the handler's does, whatever its outcome.
   */
  private CompletionStage<Done> handled(
      Object stream, long sequence, Supplier<CompletionStage<Void>> handle, String what) {
    CompletionStage<Void> handled;
    try {
      handled = handle.get();
      if (handled == null) {
        handled =
            CompletableFuture.failedFuture(
                new NullPointerException("the delivery handler returned null instead of a stage"));
      }
    } catch (RuntimeException e) {
      handled = CompletableFuture.failedFuture(e);
    }
    return handled.handle(
        (ok, failure) -> {
          if (failure == null) {
            acks.handled(stream, sequence);
          } else {
            acks.onFailed(stream, sequence);
            log.warn(
                "The handler failed on {} #{}; it stays unacknowledged and comes again",
                what,
                sequence,
                failure);
          }
          return Done.getInstance();
        });
  }

  @Override
  public void onConnected(SessionConnection session, Welcome welcome) {
    notifyListener(() -> listener.onConnected(welcome, session.broker()));
    pump();
  }

  @Override
  public void onDisconnected(
      SessionConnection session, Throwable cause, BrokerEndpoint next, Duration reconnectIn) {
    resolve(submits.onSessionLost(session.generation()));
    calls.onSessionLost(session.generation()).forEach(this::resolveCall);
    notifyListener(() -> listener.onDisconnected(session.broker(), cause, next, reconnectIn));
  }

  @Override
  public void onStopped(Throwable cause) {
    resolve(submits.failAll(cause));
    calls.failAll(cause).forEach(this::resolveCall);
    notifyListener(() -> listener.onStopped(cause));
  }

  private void resolve(List<Resolution> resolutions) {
    resolutions.forEach(this::resolve);
  }

  private void resolve(Resolution r) {
    if (r != null) {
      r.pending().cancelTimeout.run();
      complete(r.pending().result, r.outcome(), r.failure());
    }
  }

  private void resolveCall(CallTracker.Resolution r) {
    if (r != null) {
      r.pending().cancelTimeout.run();
      complete(r.pending().result, r.result(), r.failure());
    }
  }

  /**
   * Completes {@code result} with {@code value}, or with {@code failure} when there is one, on the
   * actor system's dispatcher (never on the stream thread that resolved it).
   */
  private <T> void complete(CompletableFuture<T> result, T value, Throwable failure) {
    Runnable complete =
        failure == null
            ? () -> result.complete(value)
            : () -> result.completeExceptionally(failure);
    try {
      system.dispatcher().execute(complete);
    } catch (RejectedExecutionException e) {
      complete.run(); // the actor system is shutting down
    }
  }

  private void notifyListener(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      log.warn("The session listener failed", e);
    }
  }
}
