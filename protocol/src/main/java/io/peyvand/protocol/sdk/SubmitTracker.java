package io.peyvand.protocol.sdk;

import io.peyvand.protocol.sdk.SubmitOutcome.Refused;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.SubmitResult;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.DoubleSupplier;

/**
 * The submits waiting for their final answer, and when each is (re)sent. Thread-safe, with no I/O:
 * the client asks it what to send, tells it what was answered and when a session was lost, and
 * completes the {@link Resolution}s it returns.
 *
 * <p>A submit is sent on a welcomed session (state SENT, one attempt used) and stays pending until
 * the broker answers accepted, duplicate or a final refusal. A retryable refusal makes it wait
 * (WAITING) for the retry policy's backoff, or the broker's retry_after_ms when longer; a session
 * lost before the answer makes it due again at once on the next session (UNSENT). When attempts run
 * out it resolves with its last refusal, or, if the broker never answered, with {@link
 * NotAnsweredException}. Every send carries the same envelope, so the same message_id, and the same
 * correlation id.
 *
 * <p>Sessions are numbered; a submit taken for a session that was already reported lost is not
 * marked sent, which closes the race between a send and the loss of the session it went to.
 */
final class SubmitTracker {
  private enum State {
    UNSENT,
    SENT,
    WAITING
  }

  /** One submit the caller waits for. */
  static final class Pending {
    final long correlationId;
    final Envelope envelope;
    final CompletableFuture<SubmitOutcome> result = new CompletableFuture<>();

    /** Cancels the submit-timeout timer; set by the client. */
    volatile Runnable cancelTimeout = () -> {};

    private State state = State.UNSENT;
    private int attempts;
    private long session;
    private long notBeforeMs;
    private Refused lastRefusal;

    private Pending(long correlationId, Envelope envelope) {
      this.correlationId = correlationId;
      this.envelope = envelope;
    }
  }

  /** What to complete a pending submit with: an outcome, or else a failure. */
  record Resolution(Pending pending, SubmitOutcome outcome, Throwable failure) {}

  private final RetryPolicy policy;
  private final int maxPending;
  private final DoubleSupplier random;
  private final Map<Long, Pending> pending = new LinkedHashMap<>();
  private long nextCorrelationId = 1;
  private long lostSessionsUpTo;

  SubmitTracker(RetryPolicy policy, int maxPending, DoubleSupplier random) {
    this.policy = policy;
    this.maxPending = maxPending;
    this.random = random;
  }

  /** A new submit, or null when max-pending-submits are already waiting. */
  synchronized Pending register(Envelope envelope) {
    if (pending.size() >= maxPending) {
      return null;
    }
    Pending p = new Pending(nextCorrelationId++, envelope);
    pending.put(p.correlationId, p);
    return p;
  }

  /**
   * The submits to send now on session {@code session}, in submission order, each marked sent and
   * counted as an attempt: the unsent ones and those whose retry time has come.
   */
  synchronized List<Pending> takeDue(long session, long nowMs) {
    if (session <= lostSessionsUpTo) {
      return List.of();
    }
    List<Pending> due = new ArrayList<>();
    for (Pending p : pending.values()) {
      if (p.state == State.UNSENT || (p.state == State.WAITING && p.notBeforeMs <= nowMs)) {
        p.state = State.SENT;
        p.session = session;
        p.attempts++;
        due.add(p);
      }
    }
    return due;
  }

  /** Marks one new submit sent on {@code session}, as {@link #takeDue} would; false if not due. */
  synchronized boolean take(Pending p, long session) {
    if (session <= lostSessionsUpTo
        || p.state != State.UNSENT
        || !pending.containsKey(p.correlationId)) {
      return false;
    }
    p.state = State.SENT;
    p.session = session;
    p.attempts++;
    return true;
  }

  /** A submit taken by {@link #takeDue} could not be written: it does not count as an attempt. */
  synchronized void notSent(Pending p, long session) {
    if (pending.containsKey(p.correlationId) && p.state == State.SENT && p.session == session) {
      p.state = State.UNSENT;
      p.attempts--;
    }
  }

  /** The broker answered; a resolution when that answer is final, else null. */
  synchronized Resolution onResult(SubmitResult result, long nowMs) {
    Pending p = pending.get(result.getCorrelationId());
    if (p == null) {
      return null;
    }
    SubmitOutcome outcome = SubmitOutcome.of(result, p.envelope.getMessageId());
    if (outcome instanceof Refused refused && refused.retryable()) {
      if (p.state != State.SENT) {
        return null; // an answer to an earlier send; a resend is already planned
      }
      p.lastRefusal = refused;
      if (p.attempts < policy.maxAttempts()) {
        p.state = State.WAITING;
        p.notBeforeMs =
            nowMs
                + Math.max(
                    refused.error().getRetryAfterMs(),
                    policy.backoff().delay(p.attempts, random.getAsDouble()).toMillis());
        return null;
      }
    }
    pending.remove(p.correlationId);
    return new Resolution(p, outcome, null);
  }

  /**
   * Session {@code session} (and every earlier one) ended: what was sent on it and not answered is
   * sent again on the next session, or resolved when its attempts are used up.
   */
  synchronized List<Resolution> onSessionLost(long session) {
    lostSessionsUpTo = Math.max(lostSessionsUpTo, session);
    List<Resolution> resolved = new ArrayList<>();
    for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
      Pending p = it.next();
      if (p.state != State.SENT || p.session > session) {
        continue;
      }
      if (p.attempts < policy.maxAttempts()) {
        p.state = State.UNSENT;
      } else {
        it.remove();
        resolved.add(
            giveUp(p, "its last of " + p.attempts + " attempts was lost with the" + " session"));
      }
    }
    return resolved;
  }

  /** The submit's timeout passed: a resolution if it was still pending, else null. */
  synchronized Resolution expire(long correlationId, String why) {
    Pending p = pending.remove(correlationId);
    return p == null ? null : giveUp(p, why);
  }

  /** The client stops: every pending submit fails with {@code cause}. */
  synchronized List<Resolution> failAll(Throwable cause) {
    return PendingRequests.takeAll(pending, p -> new Resolution(p, null, cause));
  }

  synchronized int size() {
    return pending.size();
  }

  /** Sends of {@code p} so far. */
  synchronized int attempts(Pending p) {
    return p.attempts;
  }

  private static Resolution giveUp(Pending p, String why) {
    if (p.lastRefusal != null) {
      return new Resolution(p, p.lastRefusal, null);
    }
    return new Resolution(
        p,
        null,
        new NotAnsweredException(
            "no answer for message_id "
                + p.envelope.getMessageId()
                + ": "
                + why
                + "; it may have been accepted, resubmit it"
                + " with the same message_id"));
  }
}
