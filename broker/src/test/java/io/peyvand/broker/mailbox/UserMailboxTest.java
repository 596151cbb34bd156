package io.peyvand.broker.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.peyvand.broker.ManualClock;
import io.peyvand.broker.TestConfig;
import io.peyvand.broker.delivery.Deliver;
import io.peyvand.broker.delivery.TestSessions;
import io.peyvand.broker.model.Address;
import io.peyvand.broker.model.Content;
import io.peyvand.broker.model.MailboxItem;
import io.peyvand.broker.model.Message;
import io.peyvand.broker.model.Status;
import io.peyvand.broker.serialization.MailboxSnapshots;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The mailbox's delivery logic on a one-node cluster with the in-memory journal (events still go
 * through the stored-event serializer). Sessions are test probes registered like real sessions.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UserMailboxTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Config CONFIG =
      TestConfig.inMemory(
          """
          peyvand.mailbox.redelivery-after = 1s
          peyvand.mailbox.tick-interval = 200ms
          peyvand.mailbox.delivery-window = 3
          peyvand.mailbox.snapshot-every = 5
          """);

  private final ActorTestKit testKit = ActorTestKit.create("UserMailboxTest", CONFIG);
  private final Set<Address> pendingIndex = ConcurrentHashMap.newKeySet();
  private final AtomicLong ids = new AtomicLong();
  private final AtomicLong platforms = new AtomicLong();
  private TestProbe<Deliver> bale;
  private TestProbe<Deliver> eitaa;
  private String baleId;
  private String eitaaId;

  @BeforeAll
  void start() {
    TestConfig.joinItself(testKit.system());
    MailboxSettings settings = MailboxSettings.fromConfig(testKit.system().settings().config());
    UserMailbox.init(
        testKit.system(),
        settings,
        new PendingRegistry() {
          @Override
          public CompletionStage<Void> register(Address mailbox) {
            pendingIndex.add(mailbox);
            return CompletableFuture.completedFuture(null);
          }

          @Override
          public CompletionStage<Void> unregister(Address mailbox) {
            pendingIndex.remove(mailbox);
            return CompletableFuture.completedFuture(null);
          }
        },
        new MailboxSnapshots(settings.limits()));
  }

  /** Each test gets two platforms of its own, so redeliveries of one never reach another. */
  @BeforeEach
  void platforms() {
    long n = platforms.incrementAndGet();
    baleId = "bale" + n;
    eitaaId = "eitaa" + n;
    bale = session(baleId);
    eitaa = session(eitaaId);
  }

  @AfterAll
  void stop() {
    testKit.shutdownTestKit();
  }

  private TestProbe<Deliver> session(String platform) {
    return session(platform, 1);
  }

  /** Registers a session of the platform and waits until the directory knows {@code count}. */
  private TestProbe<Deliver> session(String platform, int count) {
    return TestSessions.register(testKit, platform, count, WAIT);
  }

  private EntityRef<UserMailbox.Command> mailbox(Address address) {
    return ClusterSharding.get(testKit.system())
        .entityRefFor(UserMailbox.ENTITY_KEY, address.toString());
  }

  /** What {@code owner}'s mailbox answers {@code command} (given where to reply), within WAIT. */
  private <R> R ask(Address owner, Function<ActorRef<R>, UserMailbox.Command> command) {
    TestProbe<R> reply = testKit.createTestProbe();
    mailbox(owner).tell(command.apply(reply.ref()));
    return reply.receiveMessage(WAIT);
  }

  private UserMailbox.AcceptReply accept(Message message, boolean defaultOptedIn) {
    return ask(
        message.recipient(),
        reply ->
            new UserMailbox.Accept(
                message, new UserMailbox.RecipientPolicy(defaultOptedIn, 0), reply));
  }

  private Message text(Address from, Address to, String body) {
    return MailboxKit.text("m-" + ids.incrementAndGet(), from, to, body);
  }

  private UserMailbox.Outcome ack(Address mailbox, String platform, long upTo) {
    return ask(mailbox, reply -> new UserMailbox.Acknowledge(platform, upTo, reply));
  }

  @Test
  void aUserIdWithAVerticalBarHasAMailbox() {
    // '|' is allowed in user ids but reserved by PersistenceId.of: the mailbox must not use it.
    Address alice = new Address(eitaaId, "alice-bar");
    Address bar = new Address(baleId, "b|ob");
    assertInstanceOf(UserMailbox.Accepted.class, accept(text(alice, bar, "salam"), true));
  }

  @Test
  void acceptedMessagesGetIncreasingSequencesAndAreDeliveredInOrder() {
    Address alice = new Address(eitaaId, "alice-1");
    Address bob = new Address(baleId, "bob-1");
    for (int i = 1; i <= 3; i++) {
      UserMailbox.Accepted accepted =
          assertInstanceOf(UserMailbox.Accepted.class, accept(text(alice, bob, "m" + i), true));
      assertEquals(i, accepted.sequence());
      assertFalse(accepted.duplicate());
    }
    for (int i = 1; i <= 3; i++) {
      Deliver d = bale.receiveMessage(WAIT);
      assertEquals(bob, d.stream().address());
      assertEquals(i, d.sequence());
      assertFalse(d.redelivery());
    }
    assertTrue(pendingIndex.contains(bob), "a mailbox holding items is in the pending index");
    assertInstanceOf(UserMailbox.Done.class, ack(bob, baleId, 3));
  }

  @Test
  void theWindowBoundsItemsInFlightAndAnAcknowledgementOpensIt() {
    Address alice = new Address(eitaaId, "alice-2");
    Address bob = new Address(baleId, "bob-2");
    for (int i = 1; i <= 5; i++) {
      accept(text(alice, bob, "m" + i), true);
    }
    for (int i = 1; i <= 3; i++) {
      assertEquals(i, bale.receiveMessage(WAIT).sequence());
    }
    bale.expectNoMessage(Duration.ofMillis(300));
    ack(bob, baleId, 2);
    assertEquals(4, bale.receiveMessage(WAIT).sequence());
    assertEquals(5, bale.receiveMessage(WAIT).sequence());
    ack(bob, baleId, 5);
  }

  @Test
  void aRepeatedMessageIdIsADuplicateWithTheOriginalSequenceAndIsNotDeliveredAgain() {
    Address alice = new Address(eitaaId, "alice-3");
    Address bob = new Address(baleId, "bob-3");
    Message message = text(alice, bob, "once");
    long sequence = ((UserMailbox.Accepted) accept(message, true)).sequence();
    assertEquals(sequence, bale.receiveMessage(WAIT).sequence());
    UserMailbox.Accepted again =
        assertInstanceOf(UserMailbox.Accepted.class, accept(message, true));
    assertTrue(again.duplicate());
    assertEquals(sequence, again.sequence());
    ack(bob, baleId, sequence);
    bale.expectNoMessage(Duration.ofMillis(1500));
  }

  @Test
  void itemsASessionDoesNotAcknowledgeAreRedeliveredThroughThePlatformsOtherSession() {
    TestProbe<Deliver> second = session(baleId, 2);
    Address alice = new Address(eitaaId, "alice-rot");
    Address bob = new Address(baleId, "bob-rot");
    accept(text(alice, bob, "through whichever session"), true);
    // The first push goes to one of bale's two sessions, which loses it (never acknowledges).
    Deliver first = firstOf(bale, second);
    TestProbe<Deliver> losing = first == lastFrom ? bale : second;
    TestProbe<Deliver> other = losing == bale ? second : bale;
    Deliver again = other.receiveMessage(WAIT);
    assertEquals(first.sequence(), again.sequence());
    assertTrue(again.redelivery());
    assertTrue(again.resume(), "a new stream for the mailbox starts with resume");
    ack(bob, baleId, again.sequence());
  }

  private Deliver lastFrom;

  /** The first Deliver either probe receives (remembering which in lastFrom). */
  private Deliver firstOf(TestProbe<Deliver> a, TestProbe<Deliver> b) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      var fromA = a.getRef() != null ? pollOnce(a) : null;
      if (fromA != null) {
        lastFrom = fromA;
        return fromA;
      }
      var fromB = pollOnce(b);
      if (fromB != null) {
        lastFrom = null;
        return fromB;
      }
    }
    throw new AssertionError("no delivery to either session");
  }

  private static Deliver pollOnce(TestProbe<Deliver> probe) {
    return TestSessions.poll(probe, Duration.ofMillis(50));
  }

  /**
   * A message accepted while its platform has no session is pushed the moment a session connects,
   * without the pending index's sweep (this test runs none): the mailbox waits in the node's
   * session directory. Relying on the sweep alone lost the race where the session connected between
   * the mailbox finding none and its pending-index row being written: the sweep read the index
   * before the row, and the message waited for the next periodic sweep (30 s).
   */
  @Test
  void aMessageForAPlatformWithoutSessionsIsPushedWhenASessionConnects() {
    String lateId = "late" + platforms.incrementAndGet();
    Address alice = new Address(eitaaId, "alice-late");
    Address bob = new Address(lateId, "bob-late");
    UserMailbox.AcceptReply reply = accept(text(alice, bob, "before the platform connected"), true);
    assertInstanceOf(UserMailbox.Accepted.class, reply);
    TestProbe<Deliver> late = session(lateId);
    Deliver first = late.receiveMessage(Duration.ofSeconds(3));
    assertEquals(((UserMailbox.Accepted) reply).sequence(), first.sequence());
    assertFalse(first.redelivery());
    ack(bob, lateId, first.sequence());
  }

  @Test
  void unacknowledgedItemsAreRedeliveredFlagged() {
    Address alice = new Address(eitaaId, "alice-4");
    Address bob = new Address(baleId, "bob-4");
    accept(text(alice, bob, "lost"), true);
    Deliver first = bale.receiveMessage(WAIT);
    assertFalse(first.redelivery());
    Deliver again = bale.receiveMessage(WAIT);
    assertEquals(first.sequence(), again.sequence());
    assertTrue(again.redelivery());
    ack(bob, baleId, first.sequence());
  }

  @Test
  void acknowledgingTellsTheSenderDeliveredAndTheSenderPlatformGetsTheStatus() {
    Address alice = new Address(eitaaId, "alice-5");
    Address bob = new Address(baleId, "bob-5");
    Message message = text(alice, bob, "hello");
    accept(message, true);
    Deliver delivered = bale.receiveMessage(WAIT);
    ack(bob, baleId, delivered.sequence());
    Deliver status =
        eitaa
            .fishForMessage(
                WAIT,
                d ->
                    d.stream().address().equals(alice)
                        ? FishingOutcomes.complete()
                        : FishingOutcomes.continueAndIgnore())
            .get(0);
    Status s = ((MailboxItem.StatusUpdate) status.item()).status();
    assertEquals(message.messageId(), s.messageId());
    assertEquals(Status.Kind.DELIVERED, s.kind());
    assertEquals(bob, s.recipient());
    assertEquals(delivered.sequence(), s.recipientSequence());
    ack(alice, eitaaId, status.sequence());
  }

  @Test
  void consentDefaultsToThePlatformAndBlockingRefusesWithTheSameAnswer() {
    Address alice = new Address(eitaaId, "alice-6");
    Address bob = new Address(baleId, "bob-6");
    UserMailbox.Refused notOptedIn =
        assertInstanceOf(UserMailbox.Refused.class, accept(text(alice, bob, "hi"), false));
    assertEquals(Refusal.RECIPIENT_NOT_ACCEPTING, notOptedIn.reason());

    TestProbe<UserMailbox.ConsentView> view = testKit.createTestProbe();
    mailbox(bob).tell(new UserMailbox.SetConsent(true, false, view.ref()));
    assertTrue(view.receiveMessage(WAIT).optedIn());
    assertInstanceOf(UserMailbox.Accepted.class, accept(text(alice, bob, "hi"), false));

    mailbox(bob).tell(new UserMailbox.SetBlocked(alice, true, false, view.ref()));
    assertEquals(1, view.receiveMessage(WAIT).blockedSenders());
    mailbox(bob).tell(new UserMailbox.SetConsent(false, false, view.ref()));
    view.receiveMessage(WAIT);
    mailbox(bob)
        .tell(new UserMailbox.SetBlocked(new Address(eitaaId, "eve"), true, false, view.ref()));
    assertEquals(2, view.receiveMessage(WAIT).blockedSenders(), "opting out is not blocking");
    mailbox(bob).tell(new UserMailbox.SetConsent(true, false, view.ref()));
    view.receiveMessage(WAIT);
    UserMailbox.Refused blocked =
        assertInstanceOf(UserMailbox.Refused.class, accept(text(alice, bob, "hi again"), true));
    assertEquals(notOptedIn.reason(), blocked.reason());
    assertEquals(notOptedIn.message(), blocked.message(), "a refusal reveals nothing more");
    ack(bob, baleId, bale.receiveMessage(WAIT).sequence());
  }

  @Test
  void mayContactAnswersAsAMessageWouldBeAnsweredAndStoresNothing() {
    Address alice = new Address(eitaaId, "alice-12");
    Address eve = new Address(eitaaId, "eve-12");
    Address bob = new Address(baleId, "bob-12");
    assertEquals(UserMailbox.Contactable.INSTANCE, mayContact(bob, alice, true), "by default");
    UserMailbox.Refused byDefault =
        assertInstanceOf(UserMailbox.Refused.class, mayContact(bob, alice, false));
    assertEquals(accept(text(alice, bob, "hi"), false), byDefault, "as a message is refused");

    TestProbe<UserMailbox.ConsentView> view = testKit.createTestProbe();
    mailbox(bob).tell(new UserMailbox.SetConsent(false, true, view.ref()));
    view.receiveMessage(WAIT);
    assertEquals(byDefault, mayContact(bob, alice, true), "opted out, whatever the default");
    mailbox(bob).tell(new UserMailbox.SetConsent(true, false, view.ref()));
    view.receiveMessage(WAIT);
    assertEquals(UserMailbox.Contactable.INSTANCE, mayContact(bob, alice, false), "opted in");

    mailbox(bob).tell(new UserMailbox.SetBlocked(alice, true, false, view.ref()));
    view.receiveMessage(WAIT);
    assertEquals(byDefault, mayContact(bob, alice, true), "blocked: the same refusal");
    assertEquals(UserMailbox.Contactable.INSTANCE, mayContact(bob, eve, true), "another sender");

    assertEquals(
        0,
        this.<UserMailbox.View>ask(bob, UserMailbox.GetView::new).lastSequence(),
        "nothing stored");
  }

  private UserMailbox.ContactReply mayContact(
      Address user, Address sender, boolean platformDefault) {
    return ask(user, reply -> new UserMailbox.MayContact(sender, platformDefault, reply));
  }

  @Test
  void acknowledgementsFromAnotherPlatformOrBeyondWhatWasDeliveredAreRefused() {
    Address alice = new Address(eitaaId, "alice-7");
    Address bob = new Address(baleId, "bob-7");
    accept(text(alice, bob, "x"), true);
    long sequence = bale.receiveMessage(WAIT).sequence();
    UserMailbox.Refused other =
        assertInstanceOf(UserMailbox.Refused.class, ack(bob, eitaaId, sequence));
    assertEquals(Refusal.NOT_PERMITTED, other.reason());
    UserMailbox.Refused beyond =
        assertInstanceOf(UserMailbox.Refused.class, ack(bob, baleId, sequence + 10));
    assertEquals(Refusal.UNKNOWN_SEQUENCE, beyond.reason());
    assertInstanceOf(UserMailbox.Done.class, ack(bob, baleId, sequence));
  }

  @Test
  void aReadReceiptTellsTheSenderRead() {
    Address alice = new Address(eitaaId, "alice-9");
    Address bob = new Address(baleId, "bob-9");
    Message message = text(alice, bob, "read me");
    accept(message, true);
    long sequence = bale.receiveMessage(WAIT).sequence();
    ack(bob, baleId, sequence);
    assertInstanceOf(
        UserMailbox.Done.class,
        this.<UserMailbox.Outcome>ask(
            bob, reply -> new UserMailbox.MarkRead(baleId, sequence, reply)));
    boolean delivered = false;
    boolean read = false;
    while (!(delivered && read)) {
      Deliver d = eitaa.receiveMessage(WAIT);
      Status s = ((MailboxItem.StatusUpdate) d.item()).status();
      assertEquals(message.messageId(), s.messageId());
      delivered |= s.kind() == Status.Kind.DELIVERED;
      read |= s.kind() == Status.Kind.READ;
      ack(alice, eitaaId, d.sequence());
    }
  }

  @Test
  void messagesUndeliveredPastTheRetentionPeriodFailAndTheSenderIsTold() {
    Address alice = new Address(eitaaId, "alice-10");
    Address offline = new Address("offline" + platforms.get(), "carol");
    MailboxSettings settings =
        MailboxSettings.fromConfig(
            ConfigFactory.parseString("peyvand.mailbox.retention = 1s").withFallback(CONFIG));
    var carol =
        testKit.spawn(
            UserMailbox.create(
                offline,
                settings,
                NoPendingIndex.INSTANCE,
                new MailboxSnapshots(settings.limits()),
                java.time.Clock.systemUTC()));
    Message message = text(alice, offline, "nobody home");
    TestProbe<UserMailbox.AcceptReply> reply = testKit.createTestProbe();
    carol.tell(
        new UserMailbox.Accept(message, new UserMailbox.RecipientPolicy(true, 0), reply.ref()));
    assertInstanceOf(UserMailbox.Accepted.class, reply.receiveMessage(WAIT));
    testKit
        .system()
        .scheduler()
        .scheduleOnce(
            Duration.ofMillis(1500),
            () -> carol.tell(UserMailbox.WakeUp.INSTANCE),
            testKit.system().executionContext());
    Deliver failed = eitaa.receiveMessage(Duration.ofSeconds(15));
    Status s = ((MailboxItem.StatusUpdate) failed.item()).status();
    assertEquals(Status.Kind.FAILED, s.kind());
    assertEquals(Status.Failure.RETENTION_EXPIRED, s.failure());
    assertEquals(message.messageId(), s.messageId());
    ack(alice, eitaaId, failed.sequence());
  }

  @Test
  void onlyTheAuthorMayEditOrDeleteAMessageAndEditsOnlyWithinTheWindow() {
    ManualClock clock = new ManualClock(java.time.Instant.now());
    Address sina = new Address(eitaaId, "sina-13");
    Address sima = new Address(eitaaId, "sima-13");
    Address rana = new Address("offline-authors" + platforms.get(), "rana");
    MailboxSettings settings = MailboxSettings.fromConfig(CONFIG);
    var mailbox =
        testKit.spawn(
            UserMailbox.create(
                rana,
                settings,
                NoPendingIndex.INSTANCE,
                new MailboxSnapshots(settings.limits()),
                clock));
    UserMailbox.RecipientPolicy anyAge = new UserMailbox.RecipientPolicy(true, 0);
    UserMailbox.RecipientPolicy aMinute = new UserMailbox.RecipientPolicy(true, 60);
    java.util.function.BiFunction<Message, UserMailbox.RecipientPolicy, UserMailbox.AcceptReply>
        accept =
            (message, policy) -> {
              TestProbe<UserMailbox.AcceptReply> reply = testKit.createTestProbe();
              mailbox.tell(new UserMailbox.Accept(message, policy, reply.ref()));
              return reply.receiveMessage(WAIT);
            };
    assertInstanceOf(
        UserMailbox.Accepted.class,
        accept.apply(message("own-1", sina, rana, new Content.Text("original")), aMinute));

    for (Content forged :
        java.util.List.of(
            new Content.Edit("own-1", "forged"), (Content) new Content.Delete("own-1"))) {
      UserMailbox.Refused refused =
          assertInstanceOf(
              UserMailbox.Refused.class,
              accept.apply(
                  message("forged-" + forged.getClass().getSimpleName(), sima, rana, forged),
                  anyAge));
      assertEquals(Refusal.NOT_PERMITTED, refused.reason());
      assertTrue(refused.message().contains("only its author"), refused.message());
    }
    assertInstanceOf(
        UserMailbox.Accepted.class,
        accept.apply(message("e-1", sina, rana, new Content.Edit("own-1", "edited")), aMinute),
        "the author, within the window");
    assertInstanceOf(
        UserMailbox.Accepted.class,
        accept.apply(message("e-2", sima, rana, new Content.Edit("unknown", "x")), anyAge),
        "a target nobody is known to have sent is not refused without a window");

    clock.advance(Duration.ofSeconds(61));
    UserMailbox.Refused late =
        assertInstanceOf(
            UserMailbox.Refused.class,
            accept.apply(message("e-3", sina, rana, new Content.Edit("own-1", "late")), aMinute));
    assertEquals(Refusal.CAPABILITY_NOT_SUPPORTED, late.reason());
    assertInstanceOf(
        UserMailbox.Accepted.class,
        accept.apply(message("d-1", sina, rana, new Content.Delete("own-1")), aMinute),
        "a delete has no window");

    // Message ids are the sender's: Sima's own own-1 is hers to edit.
    assertInstanceOf(
        UserMailbox.Accepted.class,
        accept.apply(message("own-1", sima, rana, new Content.Text("mine")), anyAge));
    assertInstanceOf(
        UserMailbox.Accepted.class,
        accept.apply(
            message("e-4", sima, rana, new Content.Edit("own-1", "mine, edited")), anyAge));
  }

  private static Message message(String id, Address from, Address to, Content content) {
    return new Message(id, from, to, System.currentTimeMillis(), "", content);
  }

  @Test
  void aRestartedMailboxRedeliversWhatWasNotAcknowledgedFlagged() {
    Address alice = new Address(eitaaId, "alice-8");
    Address bob = new Address(baleId, "bob-8");
    for (int i = 1; i <= 7; i++) { // past snapshot-every, so recovery starts from a snapshot
      accept(text(alice, bob, "m" + i), true);
    }
    ack(bob, baleId, 0);
    for (int i = 1; i <= 3; i++) {
      bale.receiveMessage(WAIT);
    }
    ack(bob, baleId, 2);
    bale.receiveMessage(WAIT);
    bale.receiveMessage(WAIT);
    mailbox(bob).tell(UserMailbox.Passivate.INSTANCE);
    bale.expectNoMessage(Duration.ofMillis(300));
    mailbox(bob).tell(UserMailbox.WakeUp.INSTANCE);
    Deliver after =
        bale.fishForMessage(
                WAIT,
                d ->
                    d.stream().address().equals(bob) && d.sequence() == 3
                        ? FishingOutcomes.complete()
                        : FishingOutcomes.continueAndIgnore())
            .get(0);
    assertTrue(after.redelivery());
    UserMailbox.View v = ask(bob, UserMailbox.GetView::new);
    assertEquals(7, v.lastSequence());
    assertEquals(2, v.acknowledgedUpTo());
    ack(bob, baleId, 5);
  }

  /**
   * FAULTS.md finding 8: a write that fails restarts the mailbox in the same actor, and Pekko
   * applied the event to the state before writing it. The next incarnation must recover from a
   * fresh state: the message whose write failed was never stored, so it is neither pushed nor known
   * as a duplicate, and the next message takes its sequence.
   */
  @Test
  void aMessageWhoseWriteFailedIsForgottenByTheNextIncarnation() {
    Address alice = new Address(eitaaId, "alice-9");
    Address bob = new Address(baleId, "bob-9");
    Message first = text(alice, bob, "stored");
    assertEquals(1, ((UserMailbox.Accepted) accept(first, true)).sequence());
    assertEquals(1, bale.receiveMessage(WAIT).sequence());
    assertInstanceOf(UserMailbox.Done.class, ack(bob, baleId, 1));

    PersistenceTestKit.create(testKit.system())
        .failNextPersisted(UserMailbox.ENTITY_KEY.name() + "|" + bob);
    Message failed = text(alice, bob, "its write fails");
    TestProbe<UserMailbox.AcceptReply> noAnswer = testKit.createTestProbe();
    mailbox(bob)
        .tell(
            new UserMailbox.Accept(
                failed, new UserMailbox.RecipientPolicy(true, 0), noAnswer.ref()));
    noAnswer.expectNoMessage(Duration.ofMillis(500)); // the sender's ask times out: retryable

    Message next = text(alice, bob, "after the restart");
    UserMailbox.Accepted accepted =
        assertInstanceOf(UserMailbox.Accepted.class, accept(next, true));
    assertEquals(2, accepted.sequence());
    Deliver pushed = bale.receiveMessage(WAIT);
    assertEquals(2, pushed.sequence());
    assertEquals(
        next.messageId(),
        ((MailboxItem.Incoming) pushed.item()).message().messageId(),
        "the item pushed at sequence 2 is the stored one, not the one whose write failed");

    UserMailbox.Accepted retried =
        assertInstanceOf(UserMailbox.Accepted.class, accept(failed, true));
    assertFalse(retried.duplicate(), "the failed message was never stored: not a duplicate");
    assertEquals(3, retried.sequence());
    assertEquals(3, bale.receiveMessage(WAIT).sequence());
    assertInstanceOf(UserMailbox.Done.class, ack(bob, baleId, 3));
  }
}
