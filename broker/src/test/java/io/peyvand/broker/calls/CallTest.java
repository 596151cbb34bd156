package io.peyvand.broker.calls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.broker.delivery.PendingEntries;
import io.peyvand.broker.entity.EntityTestKits;
import io.peyvand.broker.model.Address;
import io.peyvand.broker.model.CallEnd;
import io.peyvand.broker.model.CallMedia;
import io.peyvand.broker.model.Content;
import io.peyvand.broker.model.Message;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Call entity's rules on the in-memory journal, with its events serialized: the deadline, a
 * side's session that goes away, the missed-call records (retried until stored), ringing again
 * after a recovery, and the first answer winning. Its callee's platform is "eitaa" and every test
 * rings a session registered for it.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CallTest {
  private static final Address CALLER = new Address("bale", "amir");
  private static final Address CALLEE = new Address("eitaa", "bita");
  private static final CallSettings SETTINGS =
      new CallSettings(
          Duration.ofMillis(300),
          Duration.ofSeconds(30),
          Duration.ofMillis(100),
          new RelayCredentials.Settings("0123456789abcdef0123", Duration.ofHours(2), List.of()));

  @JUnit5TestKit private final ActorTestKit testKit = EntityTestKits.actorTestKit();
  private final List<Message> stored = new CopyOnWriteArrayList<>();
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private int calls;
  private CallKey key;
  private EventSourcedBehaviorTestKit<Call.Command, Call.Event, Call.State> call;
  private TestProbe<CallSignal> caller;
  private TestProbe<CallSignal> ringing;

  @BeforeEach
  void fresh() {
    stored.clear();
    failuresLeft.set(0);
    key = new CallKey(CALLER, "c-" + ++calls);
    CallRecords records =
        record -> {
          if (failuresLeft.getAndDecrement() > 0) {
            return CompletableFuture.completedFuture(false);
          }
          stored.add(record);
          return CompletableFuture.completedFuture(true);
        };
    call =
        EntityTestKits.of(
            testKit.system(),
            Call.create(
                key,
                SETTINGS,
                new RelayCredentials(SETTINGS.relay(), Clock.systemUTC()),
                PendingEntries.none(),
                records,
                Clock.systemUTC(),
                (call, callee) -> {},
                null));
    caller = testKit.createTestProbe(CallSignal.class);
    ringing = testKit.createTestProbe(CallSignal.class);
    testKit
        .system()
        .receptionist()
        .tell(Receptionist.register(CallSignal.ringingKey("eitaa"), ringing.getRef()));
  }

  private Call.Reply invite(Duration lifetime) {
    return call.<Call.Reply>runCommand(
            replyTo ->
                new Call.Act(
                    "bale",
                    new Call.Invite(CALLEE, List.of(CallMedia.AUDIO), "v=0", lifetime),
                    caller.getRef(),
                    replyTo))
        .reply();
  }

  private Call.Reply act(String platform, Call.Action action, TestProbe<CallSignal> session) {
    return call.<Call.Reply>runCommand(
            replyTo -> new Call.Act(platform, action, session.getRef(), replyTo))
        .reply();
  }

  private CallSignal expect(TestProbe<CallSignal> session, CallSignal.Kind kind) {
    CallSignal signal =
        session
            .fishForMessage(
                Duration.ofSeconds(5),
                s ->
                    s.call().equals(key) && s.kind() == kind
                        ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
                        : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes
                            .continueAndIgnore())
            .get(0);
    return signal;
  }

  @Test
  void atTheDeadlineTheCallerHearsNoAnswerTheCalleeMissedAndBothGetARecord() {
    Call.Reply rings = invite(Duration.ofMillis(500));
    assertEquals(Call.Phase.RINGING, rings.phase());
    CallSignal invited = expect(ringing, CallSignal.Kind.INVITED);
    assertFalse(invited.resumed());
    assertTrue(invited.relay().orElseThrow().username().endsWith(":eitaa:bita"));

    assertEquals(CallEnd.NO_ANSWER, expect(caller, CallSignal.Kind.ENDED).ended());
    assertEquals(CallEnd.MISSED, expect(ringing, CallSignal.Kind.ENDED).ended());
    awaitRecords(2);
    Message toCallee = recordFor(CALLEE);
    assertEquals("call." + key.callId(), toCallee.messageId());
    assertEquals(CALLER, toCallee.sender());
    assertEquals(CallEnd.MISSED, ((Content.CallRecord) toCallee.content()).reason());
    assertEquals(CallEnd.NO_ANSWER, ((Content.CallRecord) recordFor(CALLER).content()).reason());
  }

  @Test
  void aCallerWhoseSessionGoesAwayAndIsNotResumedFailsForTheCallee() {
    invite(Duration.ofSeconds(60));
    expect(ringing, CallSignal.Kind.INVITED);
    long stopped = System.nanoTime();
    caller.stop();
    CallSignal ended = expect(ringing, CallSignal.Kind.ENDED);
    long tookMs = (System.nanoTime() - stopped) / 1_000_000;
    assertEquals(CallEnd.FAILED, ended.ended());
    assertTrue(tookMs >= SETTINGS.sessionGrace().toMillis(), "not before the grace: " + tookMs);
    awaitRecords(2);
    assertEquals(CallEnd.MISSED, ((Content.CallRecord) recordFor(CALLEE).content()).reason());
  }

  @Test
  void aSessionThatResumesInTimeKeepsTheCall() throws Exception {
    invite(Duration.ofSeconds(60));
    expect(ringing, CallSignal.Kind.INVITED);
    TestProbe<CallSignal> again = testKit.createTestProbe(CallSignal.class);
    caller.stop();
    assertEquals(Call.Phase.RINGING, act("bale", new Call.Resume(), again).phase());
    Thread.sleep(SETTINGS.sessionGrace().toMillis() * 2);
    act("eitaa", new Call.Answer("v=0 answer"), ringing);
    assertEquals("v=0 answer", expect(again, CallSignal.Kind.ANSWERED).sdp());
  }

  @Test
  void recordsThatCouldNotBeStoredAreTriedAgainUntilTheyAre() {
    failuresLeft.set(3);
    invite(Duration.ofSeconds(60));
    expect(ringing, CallSignal.Kind.INVITED);
    Call.Reply declined = act("eitaa", new Call.Reject(CallEnd.DECLINED), ringing);
    assertEquals(Call.Phase.ENDED, declined.phase());
    assertEquals(CallEnd.DECLINED, expect(caller, CallSignal.Kind.ENDED).ended());
    awaitRecords(2);
    assertEquals(CallEnd.DECLINED, ((Content.CallRecord) recordFor(CALLEE).content()).reason());
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!(call.getState().phase() == Call.Phase.ENDED && !call.getState().owesRecords())
        && System.nanoTime() < deadline) {
      Thread.yield();
    }
    assertFalse(call.getState().owesRecords(), "the records are marked stored");
  }

  @Test
  void aRecoveredRingingCallRingsAgainFlaggedResumed() {
    invite(Duration.ofSeconds(60));
    expect(ringing, CallSignal.Kind.INVITED);
    call.restart();
    CallSignal again = expect(ringing, CallSignal.Kind.INVITED);
    assertTrue(again.resumed());
    assertEquals("v=0", again.sdp());
  }

  /**
   * A node dying after the answer: the media never went through the broker, so the call goes on;
   * the recovered call tells both sides RESUMED (restart ICE if needed) and still carries their
   * frames.
   */
  @Test
  void aRecoveredAnsweredCallTellsBothSidesResumedAndGoesOn() {
    invite(Duration.ofSeconds(60));
    expect(ringing, CallSignal.Kind.INVITED);
    act("eitaa", new Call.Answer("a"), ringing);
    expect(caller, CallSignal.Kind.ANSWERED);
    call.restart();
    expect(caller, CallSignal.Kind.RESUMED);
    expect(ringing, CallSignal.Kind.RESUMED);
    assertEquals(Call.Phase.ANSWERED, call.getState().phase());
    act("bale", new Call.Hangup(), caller);
    assertEquals(CallEnd.ENDED, expect(ringing, CallSignal.Kind.ENDED).ended());
  }

  @Test
  void theFirstAnswerWinsAndAnAnsweredCallLeavesNoRecord() {
    TestProbe<CallSignal> other = testKit.createTestProbe(CallSignal.class);
    testKit
        .system()
        .receptionist()
        .tell(Receptionist.register(CallSignal.ringingKey("eitaa"), other.getRef()));
    invite(Duration.ofSeconds(60));
    expect(ringing, CallSignal.Kind.INVITED);
    expect(other, CallSignal.Kind.INVITED);
    assertEquals(Call.Phase.ANSWERED, act("eitaa", new Call.Answer("a"), ringing).phase());
    assertEquals(CallEnd.ANSWERED_ELSEWHERE, expect(other, CallSignal.Kind.ENDED).ended());
    Call.Reply late = act("eitaa", new Call.Answer("b"), other);
    assertEquals(Call.Problem.ALREADY_ANSWERED, late.problem());
    assertEquals(Call.Problem.NOT_PERMITTED, act("rubika", new Call.Hangup(), other).problem());
    act("bale", new Call.Hangup(), caller);
    assertEquals(CallEnd.ENDED, expect(ringing, CallSignal.Kind.ENDED).ended());
    assertFalse(call.getState().owesRecords());
    assertNull(stored.isEmpty() ? null : stored, "no record of an answered call");
  }

  /**
   * Waits until the records reached {@code count} mailboxes. A round that stored one record and not
   * the other stores both again: at least once, the mailbox answers the repeat "duplicate".
   */
  private void awaitRecords(int count) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (recipients() < count && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertEquals(count, recipients(), stored.toString());
  }

  private long recipients() {
    return stored.stream().map(Message::recipient).distinct().count();
  }

  private Message recordFor(Address user) {
    return stored.stream().filter(m -> m.recipient().equals(user)).findFirst().orElseThrow();
  }
}
