package io.peyvand.broker.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.peyvand.broker.TestConfig;
import io.peyvand.broker.calls.CallSignal;
import io.peyvand.broker.delivery.Deliver;
import io.peyvand.broker.delivery.SessionDirectory;
import io.peyvand.broker.model.Address;
import io.peyvand.broker.model.Content;
import io.peyvand.broker.model.MailboxItem;
import io.peyvand.broker.model.Message;
import io.peyvand.protocol.v1.ServerFrame;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** A full session refuses a mailbox's items without ever letting one overtake another. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final Address BOB = new Address("bale", "bob");

  @JUnit5TestKit
  private final ActorTestKit testKit = ActorTestKit.create("SessionTest", TestConfig.local());

  private static Deliver item(long sequence, boolean resume, ActorRef<Deliver.Busy> busy) {
    Message m =
        new Message(
            "m-" + sequence, new Address("eitaa", "alice"), BOB, 1, "", new Content.Text("x"));
    return new Deliver(
        Deliver.Stream.mailbox(BOB),
        sequence,
        false,
        1,
        0,
        resume,
        new MailboxItem.Incoming(m),
        busy);
  }

  @Test
  void afterARefusalLaterItemsAreRefusedUntilTheMailboxResumes() throws Exception {
    Pair<BoundedSourceQueue<ServerFrame>, Source<ServerFrame, NotUsed>> queue =
        Source.<ServerFrame>queue(2).preMaterialize(testKit.system());
    testKit.spawn(Session.create("bale", queue.first()));
    TestProbe<Receptionist.Listing> listing = testKit.createTestProbe();
    ActorRef<Deliver> inbox = null;
    while (inbox == null) {
      testKit
          .system()
          .receptionist()
          .tell(Receptionist.find(SessionDirectory.keyFor("bale"), listing.ref()));
      var found = listing.receiveMessage(WAIT).getServiceInstances(SessionDirectory.keyFor("bale"));
      inbox = found.isEmpty() ? null : found.iterator().next();
    }
    TestProbe<Deliver.Busy> busy = testKit.createTestProbe();

    // Nobody reads the session yet: its bounded buffers fill and it starts refusing.
    int sent = 64;
    for (long seq = 1; seq <= sent; seq++) {
      inbox.tell(item(seq, seq == 1, busy.ref()));
    }
    long firstRefused = busy.receiveMessage(WAIT).sequence();
    for (long seq = firstRefused + 1; seq <= sent; seq++) {
      assertEquals(seq, busy.receiveMessage(WAIT).sequence(), "every later item is refused");
    }
    ConcurrentLinkedQueue<Long> written = new ConcurrentLinkedQueue<>();
    queue
        .second()
        .runWith(Sink.foreach(f -> written.add(f.getDelivery().getSequence())), testKit.system());
    awaitSize(written, (int) firstRefused - 1);

    inbox.tell(item(sent + 1, false, busy.ref())); // room now, but the refused come first
    assertEquals(sent + 1, busy.receiveMessage(WAIT).sequence());

    // Behave as the mailbox does: after a refusal, resume from the lowest refused item.
    long next = firstRefused;
    long last = sent + 1;
    while (written.size() < last) {
      for (long seq = next; seq <= last; seq++) {
        inbox.tell(item(seq, seq == next, busy.ref()));
      }
      Deliver.Busy refused = poll(busy, Duration.ofMillis(300));
      next = refused == null ? last + 1 : refused.sequence();
      while (poll(busy, Duration.ofMillis(50)) != null) {
        // the rest of this round was refused too
      }
      if (next > last) {
        awaitSize(written, (int) last);
      }
    }
    List<Long> expected = java.util.stream.LongStream.rangeClosed(1, last).boxed().toList();
    assertEquals(expected, List.copyOf(written), "in order, none overtaking another");
    queue.first().complete();
  }

  /**
   * A session whose stream ended leaves its node's directory at once and, while it lingers, answers
   * every item still pushed to it "gone", naming itself.
   */
  @Test
  void anEndedSessionLeavesTheDirectoryAndAnswersGone() {
    Pair<BoundedSourceQueue<ServerFrame>, Source<ServerFrame, NotUsed>> queue =
        Source.<ServerFrame>queue(8).preMaterialize(testKit.system());
    CompletableFuture<ActorRef<CallSignal>> registered = new CompletableFuture<>();
    ActorRef<Session.Command> session =
        testKit.spawn(
            Session.create("soroush", false, queue.first(), Duration.ofSeconds(30), registered));
    registered.orTimeout(5, TimeUnit.SECONDS).join();
    SessionDirectory directory = SessionDirectory.get(testKit.system());
    assertEquals(1, directory.sessionCount("soroush"), "known once registered");
    ActorRef<Deliver> inbox = directory.sessionFor("soroush", "bale:bob").orElseThrow();

    session.tell(Session.Stop.INSTANCE);
    TestProbe<Deliver.Busy> busy = testKit.createTestProbe();
    inbox.tell(item(1, true, busy.ref()));
    Deliver.Busy answer = busy.receiveMessage(WAIT);
    assertEquals(new Deliver.Busy("soroush", 1, inbox, true, Deliver.Stream.mailbox(BOB)), answer);
    assertEquals(0, directory.sessionCount("soroush"), "out of the directory at once");
    queue.first().complete();
  }

  private static Deliver.Busy poll(TestProbe<Deliver.Busy> probe, Duration timeout) {
    try {
      return probe.receiveMessage(timeout);
    } catch (AssertionError nothing) {
      return null;
    }
  }

  private static void awaitSize(ConcurrentLinkedQueue<Long> queue, int size)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (queue.size() < size && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(size, queue.size(), queue.toString());
  }
}
