package io.peyvand.protocol.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.protocol.sdk.SubmitOutcome.Accepted;
import io.peyvand.protocol.sdk.SubmitOutcome.Refused;
import io.peyvand.protocol.sdk.SubmitTracker.Pending;
import io.peyvand.protocol.sdk.SubmitTracker.Resolution;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.SubmitResult;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubmitTrackerTest {
  /** 3 attempts; waits of 100, 200 ms (random 0.5: the jitter spreads nothing). */
  private final SubmitTracker tracker =
      new SubmitTracker(
          new RetryPolicy(3, new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 0.5)),
          2,
          () -> 0.5);

  private static Envelope envelope(String id) {
    return Envelope.newBuilder().setMessageId(id).build();
  }

  private static SubmitResult accepted(Pending p, long sequence) {
    return SubmitResult.newBuilder()
        .setCorrelationId(p.correlationId)
        .setAccepted(io.peyvand.protocol.v1.Accepted.newBuilder().setSequence(sequence))
        .build();
  }

  private static SubmitResult refused(Pending p, ErrorCode code, long retryAfterMs) {
    return SubmitResult.newBuilder()
        .setCorrelationId(p.correlationId)
        .setRefused(Error.newBuilder().setCode(code).setRetryAfterMs(retryAfterMs))
        .build();
  }

  @Test
  void aSubmitIsSentOnceAndResolvedByTheBrokersAnswer() {
    Pending p = tracker.register(envelope("m-1"));
    assertEquals(List.of(p), tracker.takeDue(1, 0));
    assertEquals(List.of(), tracker.takeDue(1, 0), "sent, awaiting the answer");
    Resolution r = tracker.onResult(accepted(p, 12), 10);
    assertEquals(new Accepted("m-1", 12, 0, false), r.outcome());
    assertEquals(0, tracker.size());
  }

  @Test
  void aDuplicateAnswerIsAcceptedWithTheDuplicateFlag() {
    Pending p = tracker.register(envelope("m-1"));
    tracker.takeDue(1, 0);
    Resolution r =
        tracker.onResult(
            SubmitResult.newBuilder()
                .setCorrelationId(p.correlationId)
                .setDuplicate(io.peyvand.protocol.v1.Accepted.newBuilder().setSequence(4))
                .build(),
            0);
    assertEquals(new Accepted("m-1", 4, 0, true), r.outcome());
  }

  @Test
  void aRetryableRefusalWaitsTheBackoffOrTheBrokersHintWhicheverIsLonger() {
    Pending p = tracker.register(envelope("m-1"));
    tracker.takeDue(1, 1000);
    assertNull(tracker.onResult(refused(p, ErrorCode.UNAVAILABLE, 0), 1000));
    assertEquals(List.of(), tracker.takeDue(1, 1099));
    assertEquals(List.of(p), tracker.takeDue(1, 1100), "first retry after 100 ms");
    assertNull(tracker.onResult(refused(p, ErrorCode.RATE_LIMITED, 500), 2000));
    assertEquals(List.of(), tracker.takeDue(1, 2499), "the broker's 500 ms beat 200 ms");
    assertEquals(List.of(p), tracker.takeDue(1, 2500));
  }

  @Test
  void retriesExhaustedResolveWithTheLastRefusal() {
    Pending p = tracker.register(envelope("m-1"));
    Resolution last = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      assertEquals(List.of(p), tracker.takeDue(1, attempt * 10_000L));
      last = tracker.onResult(refused(p, ErrorCode.UNAVAILABLE, 0), attempt * 10_000L);
    }
    Refused refused = assertInstanceOf(Refused.class, last.outcome());
    assertEquals(ErrorCode.UNAVAILABLE, refused.error().getCode());
    assertEquals(3, tracker.attempts(p));
    assertEquals(0, tracker.size());
  }

  @Test
  void aFinalRefusalIsNotRetried() {
    Pending p = tracker.register(envelope("m-1"));
    tracker.takeDue(1, 0);
    Resolution r = tracker.onResult(refused(p, ErrorCode.INVALID_ADDRESS, 0), 0);
    assertEquals(ErrorCode.INVALID_ADDRESS, ((Refused) r.outcome()).error().getCode());
  }

  @Test
  void aLostSessionResendsOnTheNextSessionWithoutWaiting() {
    Pending p = tracker.register(envelope("m-1"));
    tracker.takeDue(1, 0);
    assertEquals(List.of(), tracker.onSessionLost(1));
    assertEquals(List.of(p), tracker.takeDue(2, 0));
    assertEquals(2, tracker.attempts(p));
    assertEquals(new Accepted("m-1", 5, 0, false), tracker.onResult(accepted(p, 5), 0).outcome());
  }

  @Test
  void nothingIsTakenForASessionAlreadyReportedLost() {
    Pending p = tracker.register(envelope("m-1"));
    tracker.onSessionLost(1);
    assertEquals(List.of(), tracker.takeDue(1, 0));
    assertEquals(List.of(p), tracker.takeDue(2, 0));
  }

  @Test
  void attemptsUsedUpOnLostSessionsFailWithNotAnswered() {
    Pending p = tracker.register(envelope("m-1"));
    List<Resolution> resolved = List.of();
    for (long session = 1; session <= 3; session++) {
      assertEquals(List.of(p), tracker.takeDue(session, 0));
      resolved = tracker.onSessionLost(session);
    }
    assertEquals(1, resolved.size());
    assertInstanceOf(NotAnsweredException.class, resolved.get(0).failure());
    assertTrue(resolved.get(0).failure().getMessage().contains("m-1"));
  }

  @Test
  void aSendThatCouldNotBeWrittenIsNotCountedAsAnAttempt() {
    Pending p = tracker.register(envelope("m-1"));
    tracker.takeDue(1, 0);
    tracker.notSent(p, 1);
    assertEquals(0, tracker.attempts(p));
    assertEquals(List.of(p), tracker.takeDue(1, 0));
  }

  @Test
  void aNewSubmitIsTakenAtOnceOnlyOnALiveSession() {
    Pending p = tracker.register(envelope("m-1"));
    tracker.onSessionLost(1);
    assertEquals(false, tracker.take(p, 1), "session 1 is gone");
    assertEquals(true, tracker.take(p, 2));
    assertEquals(false, tracker.take(p, 2), "already sent");
    assertEquals(List.of(), tracker.takeDue(2, 0));
  }

  @Test
  void pendingSubmitsAreBounded() {
    tracker.register(envelope("m-1"));
    tracker.register(envelope("m-2"));
    assertNull(tracker.register(envelope("m-3")));
  }

  @Test
  void aStaleRetryableAnswerDoesNotDisturbAPlannedResend() {
    Pending p = tracker.register(envelope("m-1"));
    tracker.takeDue(1, 0);
    tracker.onSessionLost(1);
    assertNull(tracker.onResult(refused(p, ErrorCode.UNAVAILABLE, 0), 0));
    assertEquals(List.of(p), tracker.takeDue(2, 0), "still due at once");
  }

  @Test
  void anExpiredSubmitResolvesWithItsLastRefusalOrNotAnswered() {
    Pending refusedOnce = tracker.register(envelope("m-1"));
    Pending silent = tracker.register(envelope("m-2"));
    tracker.takeDue(1, 0);
    tracker.onResult(refused(refusedOnce, ErrorCode.UNAVAILABLE, 0), 0);
    assertInstanceOf(Refused.class, tracker.expire(refusedOnce.correlationId, "late").outcome());
    assertInstanceOf(
        NotAnsweredException.class, tracker.expire(silent.correlationId, "late").failure());
    assertNull(tracker.expire(silent.correlationId, "late"), "resolved once");
  }
}
