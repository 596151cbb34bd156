package io.peyvand.broker.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.peyvand.broker.TestConfig;
import io.peyvand.broker.delivery.Deliver;
import io.peyvand.broker.delivery.TestSessions;
import io.peyvand.broker.model.Address;
import io.peyvand.broker.model.Content;
import io.peyvand.broker.model.Message;
import io.peyvand.broker.serialization.MailboxSnapshots;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;

/**
 * Mailboxes on the in-memory journal for the tests of what a mailbox stores and pushes: a one-node
 * cluster with the mailboxes sharded as in the broker (so statuses sent to senders' mailboxes are
 * seen), probes registered as sessions of bale and eitaa, and recipients' mailboxes spawned as
 * actors of their own, so that a test can stop one like a crash. Mailboxes never tick unless {@code
 * config} says so (tick-interval and redelivery-after of an hour).
 */
final class MailboxKit implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(10);

  final ActorTestKit testKit;
  final MailboxSettings settings;
  final PersistenceTestKit journal;
  final TestProbe<Deliver> bale;
  final TestProbe<Deliver> eitaa;
  private final AtomicLong ids = new AtomicLong();
  private final PendingRegistry registry = NoPendingIndex.INSTANCE;

  /** An actor system named {@code name}; {@code config} overrides the mailbox settings. */
  MailboxKit(String name, String config) {
    testKit =
        ActorTestKit.create(
            name,
            TestConfig.inMemory(
                config
                    + """

                    peyvand.mailbox.tick-interval = 1h
                    peyvand.mailbox.redelivery-after = 1h
                    """));
    TestConfig.joinItself(testKit.system());
    settings = MailboxSettings.fromConfig(testKit.system().settings().config());
    UserMailbox.init(testKit.system(), settings, registry, new MailboxSnapshots(settings.limits()));
    journal = PersistenceTestKit.create(testKit.system());
    bale = TestSessions.register(testKit, "bale", 1, WAIT);
    eitaa = TestSessions.register(testKit, "eitaa", 1, WAIT);
  }

  /** {@code owner}'s mailbox as an actor of its own. */
  ActorRef<UserMailbox.Command> spawn(Address owner) {
    return testKit.spawn(
        UserMailbox.create(
            owner, settings, registry, new MailboxSnapshots(settings.limits()), Clock.systemUTC()));
  }

  /** A text message with a fresh id. */
  Message text(Address from, Address to) {
    return text("m-" + ids.incrementAndGet(), from, to, "salam");
  }

  /** A text message sent now. */
  static Message text(String id, Address from, Address to, String body) {
    return new Message(id, from, to, System.currentTimeMillis(), "", new Content.Text(body));
  }

  /** Stores {@code message} (statuses by recipient or not); fails unless accepted. */
  UserMailbox.Accepted accept(
      ActorRef<UserMailbox.Command> mailbox, Message message, boolean statusesByRecipient) {
    TestProbe<UserMailbox.AcceptReply> reply = testKit.createTestProbe();
    mailbox.tell(
        new UserMailbox.Accept(
            message, new UserMailbox.RecipientPolicy(true, 0), reply.ref(), statusesByRecipient));
    return assertInstanceOf(UserMailbox.Accepted.class, reply.receiveMessage(WAIT));
  }

  /** Bale acknowledges its mailbox up to {@code upTo}; fails unless taken. */
  void ack(ActorRef<UserMailbox.Command> mailbox, long upTo) {
    TestProbe<UserMailbox.Outcome> reply = testKit.createTestProbe();
    mailbox.tell(new UserMailbox.Acknowledge("bale", upTo, reply.ref()));
    assertEquals(new UserMailbox.Done(upTo), reply.receiveMessage(WAIT));
  }

  /** The next push of {@code stream} to {@code session}, others ignored. */
  Deliver next(TestProbe<Deliver> session, Deliver.Stream stream) {
    return session
        .fishForMessage(
            WAIT,
            d ->
                d.stream().equals(stream)
                    ? FishingOutcomes.complete()
                    : FishingOutcomes.continueAndIgnore())
        .get(0);
  }

  /** The events of {@code mailbox} in the journal. */
  List<Object> stored(Address mailbox) {
    return journal.persistedInStorage(UserMailbox.ENTITY_KEY.name() + "|" + mailbox);
  }

  @Override
  public void close() {
    testKit.shutdownTestKit();
  }
}
