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
import io.peyvand.broker.model.Message;
import io.peyvand.broker.model.Status;
import io.peyvand.broker.model.StatusNotice;
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
 * Statuses by recipient (PROTOCOL.md §5.5, docs/DELIVERY-PATH.md step 4): a message accepted for a
 * sender's platform that declared the capability owes its statuses to that platform directly, as
 * items of the recipient mailbox's status stream for it. The mailboxes here never tick
 * (tick-interval of an hour), so what is stored is only what a command or the flush wrote.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatusesByRecipientTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Config CONFIG = PersistenceTestKitPlugin.getInstance().config()
      .withFallback(PersistenceTestKitSnapshotPlugin.config())
      .withFallback(ConfigFactory.parseString("""
          pekko.remote.artery.canonical.port = 0
          peyvand.mailbox.tick-interval = 1h
          peyvand.mailbox.redelivery-after = 1h
          peyvand.mailbox.status-flush-after = 50ms
          """))
      .withFallback(ConfigFactory.load());

  private final ActorTestKit testKit = ActorTestKit.create("StatusesByRecipientTest", CONFIG);
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
    // Sharded as in the broker, so that a status sent to a sender's mailbox would be seen.
    UserMailbox.init(testKit.system(), settings, registry,
        new MailboxSnapshots(settings.limits()));
    journal = PersistenceTestKit.create(testKit.system());
    bale = TestSessions.register(testKit, "bale", 1, WAIT);
    eitaa = TestSessions.register(testKit, "eitaa", 1, WAIT);
  }

  @AfterAll
  void stop() {
    testKit.shutdownTestKit();
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

  private void accept(ActorRef<UserMailbox.Command> mailbox, Message message,
      boolean byRecipient) {
    TestProbe<UserMailbox.AcceptReply> reply = testKit.createTestProbe();
    mailbox.tell(new UserMailbox.Accept(message, new UserMailbox.RecipientPolicy(true, 0),
        reply.ref(), byRecipient));
    assertInstanceOf(UserMailbox.Accepted.class, reply.receiveMessage(WAIT));
  }

  private void ack(ActorRef<UserMailbox.Command> mailbox, long upTo) {
    TestProbe<UserMailbox.Outcome> reply = testKit.createTestProbe();
    mailbox.tell(new UserMailbox.Acknowledge("bale", upTo, reply.ref()));
    assertEquals(new UserMailbox.Done(upTo), reply.receiveMessage(WAIT));
  }

  private UserMailbox.Outcome ackStatuses(ActorRef<UserMailbox.Command> mailbox, String platform,
      long upTo) {
    TestProbe<UserMailbox.Outcome> reply = testKit.createTestProbe();
    mailbox.tell(new UserMailbox.AcknowledgeStatuses(platform, upTo, reply.ref()));
    return reply.receiveMessage(WAIT);
  }

  /** The next push of {@code stream} to {@code session}, others ignored. */
  private Deliver next(TestProbe<Deliver> session, Deliver.Stream stream) {
    return session.fishForMessage(WAIT, d -> d.stream().equals(stream)
        ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore()).get(0);
  }

  /** Nothing of {@code stream} reaches {@code session} within 300 ms; others are ignored. */
  private static void expectNone(TestProbe<Deliver> session, Deliver.Stream stream) {
    long deadline = System.nanoTime() + Duration.ofMillis(300).toNanos();
    for (long left = 300_000_000; left > 0; left = deadline - System.nanoTime()) {
      Deliver pushed;
      try {
        pushed = session.receiveMessage(Duration.ofNanos(left));
      } catch (AssertionError timeout) {
        return;
      }
      assertFalse(pushed.stream().equals(stream), "pushed: " + pushed);
    }
  }

  private List<Object> stored(Address mailbox) {
    return journal.persistedInStorage(UserMailbox.ENTITY_KEY.name() + "|" + mailbox);
  }

  @Test
  void statusesComeFromTheRecipientsMailboxOnceTheAcknowledgementIsStored() {
    Address alice = new Address("eitaa", "alice-1");
    Address bob = new Address("bale", "bob-1");
    ActorRef<UserMailbox.Command> mailbox = spawn(bob);
    Message first = text(alice, bob);
    Message second = text(alice, bob);
    accept(mailbox, first, true);
    accept(mailbox, second, true);
    next(bale, Deliver.Stream.mailbox(bob));
    next(bale, Deliver.Stream.mailbox(bob));

    ack(mailbox, 2);
    Deliver delivered = next(eitaa, Deliver.Stream.statuses(bob));
    // Pushed only once the acknowledgement that numbered it is stored (within the flush delay).
    assertTrue(stored(bob).stream().anyMatch(e -> e instanceof UserMailbox.ItemsAcknowledged a
        && a.upToSequence() == 2), stored(bob).toString());
    assertEquals(1, delivered.sequence());
    assertFalse(delivered.redelivery());
    StatusNotice notice = (StatusNotice) delivered.item();
    assertEquals(alice, notice.sender());
    assertEquals(new Status(first.messageId(), bob, Status.Kind.DELIVERED, Status.Failure.NONE,
        1, notice.status().atMs()), notice.status());
    Deliver next = next(eitaa, Deliver.Stream.statuses(bob));
    assertEquals(2, next.sequence());
    assertEquals(second.messageId(), ((StatusNotice) next.item()).status().messageId());

    // A read receipt owes READ statuses: the stream goes on.
    TestProbe<UserMailbox.Outcome> read = testKit.createTestProbe();
    mailbox.tell(new UserMailbox.MarkRead("bale", 1, read.ref()));
    assertEquals(new UserMailbox.Done(1), read.receiveMessage(WAIT));
    Deliver readStatus = next(eitaa, Deliver.Stream.statuses(bob));
    assertEquals(3, readStatus.sequence());
    assertEquals(Status.Kind.READ, ((StatusNotice) readStatus.item()).status().kind());

    // The sender's mailbox took no part: nothing stored, nothing pushed from it.
    assertEquals(List.of(), stored(alice));
    expectNone(eitaa, Deliver.Stream.mailbox(alice));
    testKit.stop(mailbox);
  }

  @Test
  void messagesOfPlatformsWithoutTheCapabilityKeepTheirStatusesInTheSendersMailbox() {
    Address alice = new Address("eitaa", "alice-2");
    Address bob = new Address("bale", "bob-2");
    ActorRef<UserMailbox.Command> mailbox = spawn(bob);
    Message message = text(alice, bob);
    accept(mailbox, message, false);
    next(bale, Deliver.Stream.mailbox(bob));
    ack(mailbox, 1);
    Deliver status = next(eitaa, Deliver.Stream.mailbox(alice));
    assertEquals(1, status.sequence(), "the sender's mailbox stored and pushed it");
    assertTrue(stored(alice).stream().anyMatch(e -> e instanceof UserMailbox.StatusAccepted));
    testKit.stop(mailbox);
  }

  @Test
  void statusAcknowledgementsAreStoredLaterAndAStopRedeliversTheStatusesFlaggedInPlace() {
    Address alice = new Address("eitaa", "alice-3");
    Address bob = new Address("bale", "bob-3");
    ActorRef<UserMailbox.Command> mailbox = spawn(bob);
    Message message = text(alice, bob);
    accept(mailbox, message, true);
    next(bale, Deliver.Stream.mailbox(bob));
    ack(mailbox, 1);
    assertEquals(1, next(eitaa, Deliver.Stream.statuses(bob)).sequence());
    assertEquals(new UserMailbox.Done(1), ackStatuses(mailbox, "eitaa", 1));
    assertFalse(stored(bob).stream().anyMatch(e -> e instanceof UserMailbox.StatusesAcknowledged),
        "taken at once, stored with the next write");

    // A crash before the next write: the status comes again, flagged, at the same position.
    testKit.stop(mailbox);
    ActorRef<UserMailbox.Command> again = spawn(bob);
    again.tell(UserMailbox.WakeUp.INSTANCE);
    Deliver repeated = next(eitaa, Deliver.Stream.statuses(bob));
    assertEquals(1, repeated.sequence());
    assertTrue(repeated.redelivery());
    assertEquals(message.messageId(), ((StatusNotice) repeated.item()).status().messageId());

    assertEquals(new UserMailbox.Done(1), ackStatuses(again, "eitaa", 1));
    again.tell(UserMailbox.Passivate.INSTANCE);
    testKit.createTestProbe().expectTerminated(again, WAIT);
    assertTrue(stored(bob).stream().anyMatch(e -> e instanceof UserMailbox.StatusesAcknowledged a
        && a.platformId().equals("eitaa") && a.upToSequence() == 1), stored(bob).toString());

    // Drained: woken again, it pushes nothing more.
    ActorRef<UserMailbox.Command> third = spawn(bob);
    third.tell(UserMailbox.WakeUp.INSTANCE);
    expectNone(eitaa, Deliver.Stream.statuses(bob));
    // A repeated acknowledgement (the platform's own lost its answer) is taken, not refused,
    // though this incarnation pushed nothing of the stream.
    assertEquals(new UserMailbox.Done(1), ackStatuses(third, "eitaa", 1));
    testKit.stop(third);
  }

  @Test
  void aStatusAcknowledgementBeyondWhatWasSentIsRefused() {
    Address alice = new Address("eitaa", "alice-4");
    Address bob = new Address("bale", "bob-4");
    ActorRef<UserMailbox.Command> mailbox = spawn(bob);
    UserMailbox.Refused none = assertInstanceOf(UserMailbox.Refused.class,
        ackStatuses(mailbox, "eitaa", 1));
    assertEquals(Refusal.UNKNOWN_SEQUENCE, none.reason());
    accept(mailbox, text(alice, bob), true);
    next(bale, Deliver.Stream.mailbox(bob));
    ack(mailbox, 1);
    next(eitaa, Deliver.Stream.statuses(bob));
    UserMailbox.Refused beyond = assertInstanceOf(UserMailbox.Refused.class,
        ackStatuses(mailbox, "eitaa", 2));
    assertTrue(beyond.message().contains("the highest sent is 1"), beyond.message());
    // Another platform has no stream here: nothing of eitaa's can be acknowledged by it.
    assertInstanceOf(UserMailbox.Refused.class, ackStatuses(mailbox, "soroush", 1));
    testKit.stop(mailbox);
  }
}
