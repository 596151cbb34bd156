package io.peyvand.broker.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.broker.TestConfig;
import io.peyvand.broker.model.Address;
import io.peyvand.broker.model.Content;
import io.peyvand.broker.model.MailboxItem;
import io.peyvand.broker.model.Message;
import io.peyvand.broker.observability.MessageMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The redelivery flag marks only what may have reached an adapter: an item a session refused (its
 * buffer full, or its stream ended) is pushed again unflagged, unless an earlier push to another
 * session may have reached one; a session whose stream ended is left at once.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PusherTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final Address BOB = new Address("bale", "bob");

  @JUnit5TestKit
  private final ActorTestKit testKit = ActorTestKit.create("PusherTest", TestConfig.local());

  private int platforms;

  /** A platform of its own per test, with {@code count} sessions. */
  private List<TestProbe<Deliver>> sessions(String platform, int count) {
    List<TestProbe<Deliver>> probes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      TestProbe<Deliver> probe = testKit.createTestProbe(Deliver.class);
      SessionDirectory.get(testKit.system()).connected(platform, probe.ref());
      probes.add(probe);
    }
    return probes;
  }

  private Pusher pusher(String platform) {
    return new Pusher(
        Deliver.Stream.mailbox(new Address(platform, "bob")),
        platform,
        new PushContext(
            SessionDirectory.get(testKit.system()),
            testKit.<Deliver.Busy>createTestProbe().ref(),
            MessageMetrics.get(testKit.system()),
            null));
  }

  private String platform() {
    return "pusher-" + ++platforms;
  }

  private static MailboxItem item(long sequence) {
    return new MailboxItem.Incoming(
        new Message(
            "m-" + sequence, new Address("eitaa", "alice"), BOB, 1, "", new Content.Text("x")));
  }

  private static void round(Pusher pusher, long from, long to) {
    assertTrue(pusher.ready());
    for (long s = from; s <= to; s++) {
      pusher.push(s, 1, 0, item(s), System.currentTimeMillis()).ifPresent(Pusher.Push::send);
    }
  }

  /** A round of items 1 and 2, both taken: where and how the first to arrive went. */
  private static Received roundOfTwo(Pusher pusher, List<TestProbe<Deliver>> probes) {
    round(pusher, 1, 2);
    Received first = next(probes);
    next(probes);
    return first;
  }

  /** Which session of {@code probes} the pusher's pushes reached, and what they were. */
  private static Received next(List<TestProbe<Deliver>> probes) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      for (TestProbe<Deliver> probe : probes) {
        Deliver d = poll(probe);
        if (d != null) {
          return new Received(probe.ref(), d);
        }
      }
    }
    throw new AssertionError("nothing pushed");
  }

  private static Deliver poll(TestProbe<Deliver> probe) {
    return TestSessions.poll(probe, Duration.ofMillis(20));
  }

  private record Received(ActorRef<Deliver> session, Deliver deliver) {}

  @Test
  void itemsTheSessionRefusedArePushedAgainUnflaggedStartingWithAResume() {
    String platform = platform();
    List<TestProbe<Deliver>> probes = sessions(platform, 1);
    Pusher pusher = pusher(platform);
    round(pusher, 1, 3);
    for (long s = 1; s <= 3; s++) {
      Deliver d = probes.get(0).receiveMessage(WAIT);
      assertEquals(s, d.sequence());
      assertFalse(d.redelivery());
    }
    assertEquals(
        Pusher.Retry.LATER,
        pusher.busy(Deliver.Busy.full(platform, 2, probes.get(0).ref())),
        "a full session is retried later, not left");
    round(pusher, 1, 3);
    Deliver two = probes.get(0).receiveMessage(WAIT);
    assertEquals(2, two.sequence(), "1 is still in flight; 2 and 3 go again");
    assertTrue(two.resume());
    assertFalse(two.redelivery(), "the session never took 2");
    assertFalse(probes.get(0).receiveMessage(WAIT).redelivery(), "nor 3");
    assertEquals(3, pusher.highestSent());
  }

  @Test
  void itemsAnEarlierSessionMayHaveHadStayFlaggedWhateverTheNextRefuses() {
    String platform = platform();
    List<TestProbe<Deliver>> probes = sessions(platform, 2);
    Pusher pusher = pusher(platform);
    Received first = roundOfTwo(pusher, probes);
    // Unacknowledged too long: the next round goes to the platform's other session, flagged.
    assertTrue(pusher.redeliveryDue(System.currentTimeMillis() + 60_000, 10_000));
    Received second = roundOfTwo(pusher, probes);
    assertNotEquals(first.session(), second.session());
    assertTrue(second.deliver().redelivery());
    // A refusal from the second session does not unflag what the first may have delivered...
    pusher.busy(Deliver.Busy.full(platform, 1, second.session()));
    Received again = roundOfTwo(pusher, probes);
    assertEquals(1, again.deliver().sequence());
    assertTrue(again.deliver().redelivery());
    // A late refusal from the first session changes nothing: what it refused is in flight on the
    // second one.
    assertEquals(Pusher.Retry.NONE, pusher.busy(Deliver.Busy.full(platform, 1, first.session())));
    round(pusher, 1, 2);
    assertNull(poll(probes.get(0)), "nothing pushed again");
    assertNull(poll(probes.get(1)), "nothing pushed again");
  }

  @Test
  void aSessionWhoseStreamEndedIsLeftAtOnceAndItsItemsGoUnflaggedToAnother() {
    String platform = platform();
    List<TestProbe<Deliver>> probes = sessions(platform, 2);
    Pusher pusher = pusher(platform);
    Received gone = roundOfTwo(pusher, probes);
    assertEquals(
        Pusher.Retry.NOW,
        pusher.busy(Deliver.Busy.gone(platform, 1, gone.session())),
        "a gone session: push again now");
    assertEquals(
        1,
        SessionDirectory.get(testKit.system()).sessionCount(platform),
        "the gone session is out of this node's view");
    round(pusher, 1, 2);
    Received other = next(probes);
    assertNotEquals(gone.session(), other.session());
    assertEquals(1, other.deliver().sequence());
    assertTrue(other.deliver().resume());
    assertFalse(other.deliver().redelivery(), "the gone session never took 1");
    assertFalse(next(probes).deliver().redelivery(), "nor 2");
    // The gone session answers the rest of what it was pushed: nothing is pushed again.
    assertEquals(Pusher.Retry.NONE, pusher.busy(Deliver.Busy.gone(platform, 2, gone.session())));
    round(pusher, 1, 2);
    assertNull(
        poll(other.session().equals(probes.get(0).ref()) ? probes.get(0) : probes.get(1)),
        "the other session's items stay in flight");
  }

  @Test
  void aPushIsDecidedWithoutBeingSentAndAnItemInFlightIsNotTakenAgain() {
    String platform = platform();
    TestProbe<Deliver> only = sessions(platform, 1).get(0);
    Pusher pusher = pusher(platform);
    pusher.recovered(1);
    assertTrue(pusher.ready());
    long now = System.currentTimeMillis();
    Pusher.Push first = pusher.push(1, 1, 0, item(1), now).orElseThrow();
    Pusher.Push second = pusher.push(2, 1, 0, item(2), now).orElseThrow();
    assertEquals(only.ref(), first.session());
    assertTrue(first.frame().redelivery(), "sequence 1 may have been pushed before the restart");
    assertTrue(first.frame().resume(), "a round to a new session starts with a resume");
    assertFalse(second.frame().redelivery());
    assertFalse(second.frame().resume());
    assertTrue(pusher.push(2, 1, 0, item(2), now).isEmpty(), "in flight: not taken again");
    only.expectNoMessage(Duration.ofMillis(100)); // the pusher sent nothing itself
    second.send();
    assertEquals(2, only.receiveMessage(WAIT).sequence());
  }
}
