package io.peyvand.protocol.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.peyvand.protocol.v1.CallAccepted;
import io.peyvand.protocol.v1.CallRequest;
import io.peyvand.protocol.v1.CallResult;
import io.peyvand.protocol.v1.CallState;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pending call requests, without actors: correlation, session loss, limits. */
class CallTrackerTest {
  private static final CallRequest HANGUP =
      CallRequests.hangup(CallRequests.ref(UserAddresses.parse("bale:ali"), "c-1")).toBuilder()
          .setCorrelationId(42)
          .build();

  private static CallResult answer(long correlationId) {
    return CallResult.newBuilder()
        .setCorrelationId(correlationId)
        .setAccepted(CallAccepted.newBuilder().setState(CallState.ENDED_STATE))
        .build();
  }

  @Test
  void eachRequestGetsACorrelationIdOfItsOwnInPlaceOfTheCallers() {
    CallTracker tracker = new CallTracker(10);
    CallTracker.Pending first = tracker.register(HANGUP, 1);
    CallTracker.Pending second = tracker.register(HANGUP, 1);
    assertEquals(
        List.of(1L, 2L),
        List.of(first.request.getCorrelationId(), second.request.getCorrelationId()));
    assertNull(tracker.onResult(answer(42)), "the caller's id means nothing");
    assertSame(second, tracker.onResult(answer(2)).pending());
    assertNull(tracker.onResult(answer(2)), "answered once");
    assertEquals(1, tracker.size());
  }

  @Test
  void aLostSessionFailsWhatWasSentOnItAndRefusesNewRequestsForIt() {
    CallTracker tracker = new CallTracker(10);
    CallTracker.Pending onFirst = tracker.register(HANGUP, 1);
    CallTracker.Pending onSecond = tracker.register(HANGUP, 2);
    List<CallTracker.Resolution> failed = tracker.onSessionLost(1);
    assertEquals(1, failed.size());
    assertSame(onFirst, failed.get(0).pending());
    assertInstanceOf(NotAnsweredException.class, failed.get(0).failure());
    assertThrows(NotAnsweredException.class, () -> tracker.register(HANGUP, 1));
    assertEquals(1, tracker.size());
    assertSame(onSecond, tracker.onResult(answer(onSecond.correlationId)).pending());
  }

  @Test
  void beyondTheLimitNothingIsRegistered() {
    CallTracker tracker = new CallTracker(1);
    CallTracker.Pending p = tracker.register(HANGUP, 1);
    assertThrows(BackpressureException.class, () -> tracker.register(HANGUP, 1));
    tracker.remove(p);
    tracker.register(HANGUP, 1);
    assertEquals(1, tracker.size());
  }
}
