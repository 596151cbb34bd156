package io.peyvand.protocol.sdk;

import io.peyvand.protocol.v1.CallRequest;
import io.peyvand.protocol.v1.CallResult;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The call requests (ClientFrame.call) waiting for their CallResult. Thread-safe, with no I/O, like
 * {@link SubmitTracker}: the client registers a request for the session it is about to be written
 * on, tells the tracker what was answered and when a session was lost, and completes the {@link
 * Resolution}s it returns.
 *
 * <p>Unlike a submit, a call request is sent once and never again: a request the session took with
 * it may or may not have reached the broker, and repeating an answer or a hangup is the adapter's
 * decision (after a reconnect it sends resume). Each request gets a correlation id of its own, from
 * 1, which replaces the one the caller set.
 *
 * <p>Sessions are numbered; a request registered for a session already reported lost is refused,
 * which closes the race between a send and the loss of the session it goes to.
 */
final class CallTracker {
  /** One request the caller waits for. */
  static final class Pending {
    final long correlationId;

    /** The request as sent: with {@link #correlationId}. */
    final CallRequest request;

    final long session;
    final CompletableFuture<CallResult> result = new CompletableFuture<>();

    /** Cancels the call-timeout timer; set by the client. */
    volatile Runnable cancelTimeout = () -> {};

    private Pending(long correlationId, CallRequest request, long session) {
      this.correlationId = correlationId;
      this.request = request;
      this.session = session;
    }
  }

  /** What to complete a pending request with: the broker's result, or else a failure. */
  record Resolution(Pending pending, CallResult result, Throwable failure) {}

  private final int maxPending;
  private final Map<Long, Pending> pending = new LinkedHashMap<>();
  private long nextCorrelationId = 1;
  private long lostSessionsUpTo;

  CallTracker(int maxPending) {
    this.maxPending = maxPending;
  }

  /**
   * A new request to write on {@code session}, its correlation id set. Throws {@link
   * BackpressureException} when {@code maxPending} requests already wait, {@link
   * NotAnsweredException} when {@code session} was reported lost: nothing is registered then.
   */
  synchronized Pending register(CallRequest request, long session) {
    if (session <= lostSessionsUpTo) {
      throw new NotAnsweredException(
          "not sent: the session ended before the call request could be written");
    }
    if (pending.size() >= maxPending) {
      throw new BackpressureException(
          maxPending + " call requests already wait for their answer; nothing was sent");
    }
    long id = nextCorrelationId++;
    Pending p = new Pending(id, request.toBuilder().setCorrelationId(id).build(), session);
    pending.put(id, p);
    return p;
  }

  /** {@code p} was not written after all: forget it. True if it was still pending. */
  synchronized boolean remove(Pending p) {
    return pending.remove(p.correlationId, p);
  }

  /** The broker answered; the resolution of the request it answers, or null if none waits. */
  synchronized Resolution onResult(CallResult result) {
    Pending p = pending.remove(result.getCorrelationId());
    return p == null ? null : new Resolution(p, result, null);
  }

  /**
   * Session {@code session} (and every earlier one) ended: what was sent on it and not answered
   * fails with {@link NotAnsweredException}.
   */
  synchronized List<Resolution> onSessionLost(long session) {
    lostSessionsUpTo = Math.max(lostSessionsUpTo, session);
    List<Resolution> resolved = new ArrayList<>();
    for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
      Pending p = it.next();
      if (p.session <= session) {
        it.remove();
        resolved.add(new Resolution(p, null, notAnswered(p, "the session ended")));
      }
    }
    return resolved;
  }

  /** The request's call-timeout passed: a resolution if it was still pending, else null. */
  synchronized Resolution expire(long correlationId, String why) {
    Pending p = pending.remove(correlationId);
    return p == null ? null : new Resolution(p, null, notAnswered(p, why));
  }

  /** The client stops: every pending request fails with {@code cause}. */
  synchronized List<Resolution> failAll(Throwable cause) {
    return PendingRequests.takeAll(pending, p -> new Resolution(p, null, cause));
  }

  synchronized int size() {
    return pending.size();
  }

  private static NotAnsweredException notAnswered(Pending p, String why) {
    return new NotAnsweredException(
        "no answer to the "
            + p.request.getActionCase().name().toLowerCase(Locale.ROOT)
            + " of call "
            + UserAddresses.format(p.request.getCall().getCaller())
            + "/"
            + p.request.getCall().getCallId()
            + ": "
            + why
            + "; the broker may have acted on it (after a reconnect, send resume to take the"
            + " call over)");
  }
}
