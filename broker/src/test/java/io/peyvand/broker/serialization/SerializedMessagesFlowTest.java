package io.peyvand.broker.serialization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.typesafe.config.Config;
import io.peyvand.broker.TestConfig;
import io.peyvand.broker.delivery.Deliver;
import io.peyvand.broker.delivery.PendingEntries;
import io.peyvand.broker.delivery.TestSessions;
import io.peyvand.broker.group.ChannelSettings;
import io.peyvand.broker.group.ChannelSubscribers;
import io.peyvand.broker.group.ChannelSubscriptions;
import io.peyvand.broker.group.Group;
import io.peyvand.broker.group.GroupItem;
import io.peyvand.broker.group.GroupSettings;
import io.peyvand.broker.group.Membership;
import io.peyvand.broker.mailbox.NoPendingIndex;
import io.peyvand.broker.mailbox.UserMailbox;
import io.peyvand.broker.model.Address;
import io.peyvand.broker.model.Capabilities;
import io.peyvand.broker.model.Content;
import io.peyvand.broker.model.MailboxItem;
import io.peyvand.broker.model.Message;
import io.peyvand.broker.model.Status;
import io.peyvand.broker.platform.Platform;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The mailbox, group, channel and platform flows with {@code serialize-messages = on}: Pekko then
 * serializes and deserializes every message an actor sends, even on one node, with the bindings of
 * reference.conf, so a command, reply or push that would fail between two nodes fails here. The
 * sessions are test probes registered with the Receptionist like real sessions, so each {@link
 * Deliver} they receive went through the serializer and back, and a {@link Deliver.Busy} they
 * answer does too. In-memory journal: this tests messages, not storage.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SerializedMessagesFlowTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Config CONFIG =
      TestConfig.inMemory(
          """
          pekko.actor.serialize-messages = on
          pekko.actor.serialize-creators = off
          peyvand.mailbox.redelivery-after = 2s
          peyvand.mailbox.tick-interval = 200ms
          """);

  private final ActorTestKit testKit = ActorTestKit.create("SerializedMessagesFlowTest", CONFIG);
  private TestProbe<Deliver> bale;
  private TestProbe<Deliver> eitaa;

  @BeforeAll
  void start() {
    assertTrue(testKit.system().settings().config().getBoolean("pekko.actor.serialize-messages"));
    TestConfig.joinItself(testKit.system());
    NoPendingIndex.initMailboxes(testKit.system());
    ChannelSettings channels = ChannelSettings.fromConfig(testKit.system().settings().config());
    GroupSettings groups = GroupSettings.fromConfig(testKit.system().settings().config());
    Group.init(
        testKit.system(), groups, channels, PendingEntries.none(), new GroupSnapshots(groups));
    ChannelSubscribers.init(
        testKit.system(),
        channels,
        Group.countSink(testKit.system(), WAIT),
        new ChannelSubscriberSnapshots());
    Platform.init(testKit.system());
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

  private EntityRef<UserMailbox.Command> mailbox(Address address) {
    return ClusterSharding.get(testKit.system())
        .entityRefFor(UserMailbox.ENTITY_KEY, address.toString());
  }

  private EntityRef<Group.Command> group(Address address) {
    return ClusterSharding.get(testKit.system()).entityRefFor(Group.ENTITY_KEY, address.toString());
  }

  /** The next push to {@code session} of {@code stream} (another test's stream may interleave). */
  private static Deliver next(TestProbe<Deliver> session, Deliver.Stream stream) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      Deliver d = session.receiveMessage(WAIT);
      if (d.stream().equals(stream)) {
        return d;
      }
    }
    throw new AssertionError("nothing of " + stream);
  }

  @Test
  void theCheckIsOnAMessageWithoutASerializerDoesNotArrive() {
    // Guards the other tests: were serialize-messages not in force, they would prove nothing.
    TestProbe<Object> probe = testKit.createTestProbe();
    try {
      probe.ref().tell(new UserMailbox.RecipientPolicy(true, 0));
    } catch (RuntimeException refusedAtTheSender) {
      // Pekko may throw to the sender instead of logging: either way it is not delivered.
    }
    probe.ref().tell(UserMailbox.WakeUp.INSTANCE);
    assertEquals(
        UserMailbox.WakeUp.INSTANCE,
        probe.receiveMessage(WAIT),
        "the marked message arrives, the unmarked one sent before it did not");
  }

  @Test
  void aMessageIsAcceptedDeliveredAcknowledgedAndItsStatusReachesTheSender() {
    Address alice = new Address("eitaa", "alice");
    Address bob = new Address("bale", "bob");
    ByteString ciphertext = ByteString.copyFrom(new byte[] {1, 0, (byte) 0xff, 42});
    Message message =
        new Message("m-1", alice, bob, 1L, "", new Content.Encrypted("signal", ciphertext));

    TestProbe<UserMailbox.AcceptReply> accepted = testKit.createTestProbe();
    mailbox(bob)
        .tell(
            new UserMailbox.Accept(
                message, new UserMailbox.RecipientPolicy(true, 0), accepted.ref()));
    long sequence =
        assertInstanceOf(UserMailbox.Accepted.class, accepted.receiveMessage(WAIT)).sequence();

    Deliver pushed = next(bale, Deliver.Stream.mailbox(bob));
    assertEquals(sequence, pushed.sequence());
    assertEquals(
        new MailboxItem.Incoming(message),
        pushed.item(),
        "the message, its encrypted payload byte for byte, survived the serializer");

    // The session is full: Busy goes back through the serializer; the mailbox resumes later.
    pushed.busyReplyTo().tell(Deliver.Busy.full("bale", pushed.sequence(), bale.ref()));
    Deliver resumed = next(bale, Deliver.Stream.mailbox(bob));
    assertEquals(sequence, resumed.sequence());
    assertTrue(resumed.resume(), "the retry after Busy starts a resumed stream");

    TestProbe<UserMailbox.Outcome> outcome = testKit.createTestProbe();
    mailbox(bob).tell(new UserMailbox.Acknowledge("bale", sequence, outcome.ref()));
    assertEquals(new UserMailbox.Done(sequence), outcome.receiveMessage(WAIT));

    // The acknowledgement owes alice's mailbox a DELIVERED status (RecordStatus, StatusRecorded).
    Deliver status = next(eitaa, Deliver.Stream.mailbox(alice));
    Status delivered = assertInstanceOf(MailboxItem.StatusUpdate.class, status.item()).status();
    assertEquals("m-1", delivered.messageId());
    assertEquals(Status.Kind.DELIVERED, delivered.kind());
    mailbox(alice).tell(new UserMailbox.Acknowledge("eitaa", status.sequence(), outcome.ref()));
    assertInstanceOf(UserMailbox.Done.class, outcome.receiveMessage(WAIT));

    TestProbe<UserMailbox.ConsentView> consent = testKit.createTestProbe();
    mailbox(bob).tell(new UserMailbox.SetBlocked(alice, true, true, consent.ref()));
    assertEquals(1, consent.receiveMessage(WAIT).blockedSenders());
    TestProbe<UserMailbox.View> view = testKit.createTestProbe();
    mailbox(bob).tell(new UserMailbox.GetView(view.ref()));
    assertEquals(sequence, view.receiveMessage(WAIT).acknowledgedUpTo());
  }

  @Test
  void aGroupPostIsDeliveredToEachPlatformOfItsMembersAndAcknowledged() {
    Address family = new Address("eitaa", "family");
    Address maryam = new Address("eitaa", "maryam");
    Address ali = new Address("bale", "ali");
    TestProbe<Group.Reply> reply = testKit.createTestProbe();
    group(family).tell(new Group.Create(Group.Kind.GROUP, "Family", false, maryam, reply.ref()));
    assertInstanceOf(Group.Info.class, reply.receiveMessage(WAIT));
    group(family)
        .tell(
            new Group.ChangeMembers(
                maryam, List.of(new Membership.Added(ali, Membership.Role.MEMBER)), reply.ref()));
    Group.Info info = assertInstanceOf(Group.Info.class, reply.receiveMessage(WAIT));
    assertEquals(1L, info.membersPerPlatform().get("bale"));

    Message photo =
        new Message(
            "g-1",
            ali,
            family,
            2L,
            "",
            new Content.Media(
                "https://cdn.bale/p.jpg",
                "image/jpeg",
                2048,
                ByteString.copyFrom(new byte[32]),
                "salam"));
    TestProbe<Group.PostReply> posted = testKit.createTestProbe();
    group(family).tell(new Group.Post(photo, posted.ref()));
    long sequence = assertInstanceOf(Group.Accepted.class, posted.receiveMessage(WAIT)).sequence();
    assertEquals(3, sequence, "after the creation and the addition");

    Deliver.Stream stream = Deliver.Stream.group(family);
    List<GroupItem> toEitaa = new ArrayList<>();
    while (toEitaa.size() < 3) {
      toEitaa.add(assertInstanceOf(Group.Push.class, next(eitaa, stream).item()).item());
    }
    assertEquals(new GroupItem.Created(maryam, "Family"), toEitaa.get(0));
    assertEquals(
        new GroupItem.Changed(maryam, new Membership.Added(ali, Membership.Role.MEMBER)),
        toEitaa.get(1));
    assertEquals(new GroupItem.Post(photo), toEitaa.get(2));
    Deliver joined = next(bale, stream);
    assertInstanceOf(GroupItem.Changed.class, ((Group.Push) joined.item()).item());
    Deliver post = next(bale, stream);
    assertEquals(new GroupItem.Post(photo), ((Group.Push) post.item()).item());

    group(family).tell(new Group.Acknowledge("bale", sequence, reply.ref()));
    assertInstanceOf(Group.Info.class, reply.receiveMessage(WAIT));
    group(family).tell(new Group.Acknowledge("bale", 99, reply.ref()));
    assertEquals(
        Group.Reason.UNKNOWN_SEQUENCE,
        assertInstanceOf(Group.Refused.class, reply.receiveMessage(WAIT)).reason());
    group(family).tell(new Group.OpenHistory(ali, 0, reply.ref()));
    assertTrue(assertInstanceOf(Group.HistoryAccess.class, reply.receiveMessage(WAIT)).member());
  }

  @Test
  void subscribersOfAChannelAreCountedThroughTheirBuckets() throws Exception {
    Address news = new Address("eitaa", "news");
    Address owner = new Address("eitaa", "editor");
    TestProbe<Group.Reply> reply = testKit.createTestProbe();
    group(news).tell(new Group.Create(Group.Kind.CHANNEL, "News", true, owner, reply.ref()));
    assertInstanceOf(Group.Info.class, reply.receiveMessage(WAIT));

    ChannelSubscriptions subscriptions =
        new ChannelSubscriptions(
            testKit.system(), ChannelSettings.fromConfig(testKit.system().settings().config()));
    ChannelSubscriptions.Outcome outcome =
        subscriptions
            .subscribe(news, "bale", List.of("u1", "u2", "u3", "u4", "u5"))
            .toCompletableFuture()
            .get(15, TimeUnit.SECONDS);
    assertEquals(5, outcome.changed());
    assertTrue(
        subscriptions
            .isSubscribed(news, new Address("bale", "u3"))
            .toCompletableFuture()
            .get(15, TimeUnit.SECONDS));

    // The buckets report to the channel (CountSubscribers, answered Done) until it counts all.
    long deadline = System.nanoTime() + WAIT.toNanos();
    Long counted = null;
    while (System.nanoTime() < deadline) {
      group(news).tell(new Group.Get(reply.ref()));
      counted =
          assertInstanceOf(Group.Info.class, reply.receiveMessage(WAIT))
              .membersPerPlatform()
              .get("bale");
      if (counted != null && counted == 5) {
        break;
      }
      Thread.sleep(100);
    }
    assertEquals(5L, counted, "the channel counted the subscribers its buckets reported");
  }

  @Test
  void aPlatformIsRegisteredConfiguredAndLookedUp() {
    EntityRef<Platform.Command> platform =
        ClusterSharding.get(testKit.system()).entityRefFor(Platform.ENTITY_KEY, "rubika");
    TestProbe<Platform.Registration> registration = testKit.createTestProbe();
    platform.tell(new Platform.Register("Rubika", registration.ref()));
    assertTrue(registration.receiveMessage(WAIT).created());
    TestProbe<Platform.Lookup> lookup = testKit.createTestProbe();
    Capabilities capabilities =
        new Capabilities(
            1000,
            false,
            0,
            true,
            60,
            true,
            true,
            true,
            false,
            List.of("signal"),
            false,
            false,
            false,
            false);
    platform.tell(new Platform.Configure(capabilities, true, lookup.ref()));
    assertEquals(capabilities, lookup.receiveMessage(WAIT).info().orElseThrow().capabilities());
    platform.tell(new Platform.Get(lookup.ref()));
    Platform.Info info = lookup.receiveMessage(WAIT).info().orElseThrow();
    assertEquals("Rubika", info.displayName());
    assertTrue(info.defaultOptedIn());
  }
}
