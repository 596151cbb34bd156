package io.peyvand.broker.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.peyvand.broker.delivery.Deliver;
import io.peyvand.broker.delivery.TestSessions;
import io.peyvand.broker.model.Address;
import io.peyvand.broker.model.Content;
import io.peyvand.broker.model.MailboxItem;
import io.peyvand.broker.model.Message;
import io.peyvand.broker.model.Status;
import io.peyvand.broker.serialization.MailboxSnapshots;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Acknowledgements are taken at once and stored with the mailbox's next write (PROTOCOL.md §5.4,
 * docs/DELIVERY-PATH.md step 2). The mailboxes here never tick (tick-interval of an hour), so
 * what is stored is only what a command wrote: the in-memory journal's events show it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CoalescedAcknowledgementsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Config CONFIG = PersistenceTestKitPlugin.getInstance().config()
      .withFallback(PersistenceTestKitSnapshotPlugin.config())
      .withFallback(ConfigFactory.parseString("""
          pekko.remote.artery.canonical.port = 0
          peyvand.mailbox.tick-interval = 1h
          peyvand.mailbox.redelivery-after = 1h
          """))
      .withFallback(ConfigFactory.load());

  private final ActorTestKit testKit = ActorTestKit.create("CoalescedAcknowledgementsTest",
      CONFIG);
  private final AtomicLong ids = new AtomicLong();
  private MailboxSettings settings;
  private PersistenceTestKit journal;
  private TestProbe<Deliver> bale;
  private TestProbe<Deliver> eitaa;
  private final PendingRegistry registry = NoPendingIndex.INSTANCE;

  @BeforeAll
  void start() {
    Cluster.get(testKit.system()).manager().tell(Join.create(
        Cluster.get(testKit.system()).selfMember().address()));
    settings = MailboxSettings.fromConfig(testKit.system().settings().config());
    // The senders' mailboxes, which receive the statuses, are sharded as in the broker.
    UserMailbox.init(testKit.system(), settings, registry,
        new MailboxSnapshots(settings.limits()));
    journal = PersistenceTestKit.create(testKit.system());
    bale = session("bale");
    eitaa = session("eitaa");
  }

  @AfterAll
  void stop() {
    testKit.shutdownTestKit();
  }

  private TestProbe<Deliver> session(String platform) {
    return TestSessions.register(testKit, platform, 1, WAIT);
  }

  /** The recipient's mailbox as its own actor, so that a test can stop it like a crash. */
  private ActorRef<UserMailbox.Command> spawn(Address owner) {
    return testKit.spawn(UserMailbox.create(owner, settings, registry,
        new MailboxSnapshots(settings.limits()), Clock.systemUTC()));
  }

  private Message text(Address from, Address to) {
    return new Message("m-" + ids.incrementAndGet(), from, to, System.currentTimeMillis(), "",
        new Content.Text("salam"));
  }

  private UserMailbox.Accepted accept(ActorRef<UserMailbox.Command> mailbox, Message message) {
    TestProbe<UserMailbox.AcceptReply> reply = testKit.createTestProbe();
    mailbox.tell(new UserMailbox.Accept(message, new UserMailbox.RecipientPolicy(true, 0),
        reply.ref()));
    return assertInstanceOf(UserMailbox.Accepted.class, reply.receiveMessage(WAIT));
  }

  private void ack(ActorRef<UserMailbox.Command> mailbox, long upTo) {
    TestProbe<UserMailbox.Outcome> reply = testKit.createTestProbe();
    mailbox.tell(new UserMailbox.Acknowledge("bale", upTo, reply.ref()));
    assertEquals(new UserMailbox.Done(upTo), reply.receiveMessage(WAIT));
  }

  private Deliver next(TestProbe<Deliver> session, Address mailbox) {
    return session.fishForMessage(WAIT, d -> d.stream().address().equals(mailbox)
        ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore()).get(0);
  }

  private List<Object> stored(Address mailbox) {
    return journal.persistedInStorage(UserMailbox.ENTITY_KEY.name() + "|" + mailbox);
  }

  @Test
  void anAcknowledgementIsAnsweredAtOnceAndStoredWithTheNextWrite() {
    Address alice = new Address("eitaa", "alice-1");
    Address bob = new Address("bale", "bob-1");
    ActorRef<UserMailbox.Command> mailbox = spawn(bob);
    Message first = text(alice, bob);
    accept(mailbox, first);
    assertEquals(1, next(bale, bob).sequence());

    ack(mailbox, 1);
    // The sender learns at once, before anything of the acknowledgement is stored.
    Status status = ((MailboxItem.StatusUpdate) next(eitaa, alice).item()).status();
    assertEquals(first.messageId(), status.messageId());
    assertEquals(Status.Kind.DELIVERED, status.kind());
    assertEquals(1, stored(bob).size(), "only the message is stored: " + stored(bob));

    accept(mailbox, text(alice, bob));
    List<Object> events = stored(bob);
    assertEquals(3, events.size(), events.toString());
    assertEquals(new UserMailbox.ItemsAcknowledged(1,
        ((UserMailbox.ItemsAcknowledged) events.get(1)).atMs()), events.get(1));
    assertInstanceOf(UserMailbox.MessageAccepted.class, events.get(2));
    Deliver second = next(bale, bob);
    assertEquals(2, second.sequence());
    assertEquals(1, second.acknowledgedUpTo(), "the cursor the platform sees moved at once");
    testKit.stop(mailbox);
  }

  @Test
  void acknowledgementsNotYetStoredWhenTheMailboxStopsAreRedeliveredFlagged() {
    Address alice = new Address("eitaa", "alice-2");
    Address bob = new Address("bale", "bob-2");
    ActorRef<UserMailbox.Command> mailbox = spawn(bob);
    accept(mailbox, text(alice, bob));
    accept(mailbox, text(alice, bob));
    assertEquals(1, next(bale, bob).sequence());
    assertEquals(2, next(bale, bob).sequence());
    ack(mailbox, 2);
    assertFalse(stored(bob).stream().anyMatch(e -> e instanceof UserMailbox.ItemsAcknowledged));

    // A crash: the actor stops without a word (no passivation, which would store them).
    testKit.stop(mailbox);
    ActorRef<UserMailbox.Command> again = spawn(bob);
    again.tell(UserMailbox.WakeUp.INSTANCE);
    Deliver first = next(bale, bob);
    assertEquals(1, first.sequence());
    assertTrue(first.redelivery(), "pushed before the crash: flagged");
    Deliver second = next(bale, bob);
    assertEquals(2, second.sequence());
    assertTrue(second.redelivery());
    // The platform acknowledges them again, and this time the passivation stores it.
    ack(again, 2);
    again.tell(UserMailbox.Passivate.INSTANCE);
    TestProbe<Object> watcher = testKit.createTestProbe();
    watcher.expectTerminated(again, WAIT);
    assertTrue(stored(bob).stream().anyMatch(e -> e instanceof UserMailbox.ItemsAcknowledged a
        && a.upToSequence() == 2), stored(bob).toString());
  }
}
