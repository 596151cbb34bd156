package io.peyvand.broker.serialization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import com.typesafe.config.ConfigFactory;
import io.peyvand.broker.calls.Call;
import io.peyvand.broker.calls.CallKey;
import io.peyvand.broker.calls.CallPair;
import io.peyvand.broker.calls.CallSignal;
import io.peyvand.broker.calls.RelayCredentials;
import io.peyvand.broker.delivery.Deliver;
import io.peyvand.broker.directory.Lookups;
import io.peyvand.broker.group.BucketCount;
import io.peyvand.broker.group.ChannelSubscribers;
import io.peyvand.broker.group.Group;
import io.peyvand.broker.group.GroupItem;
import io.peyvand.broker.group.Membership;
import io.peyvand.broker.mailbox.Refusal;
import io.peyvand.broker.mailbox.UserMailbox;
import io.peyvand.broker.model.Address;
import io.peyvand.broker.model.CallEnd;
import io.peyvand.broker.model.CallMedia;
import io.peyvand.broker.model.Capabilities;
import io.peyvand.broker.model.Content;
import io.peyvand.broker.model.MailboxItem;
import io.peyvand.broker.model.Message;
import io.peyvand.broker.model.Quota;
import io.peyvand.broker.model.Status;
import io.peyvand.broker.model.StatusNotice;
import io.peyvand.broker.model.StreamItem;
import io.peyvand.broker.platform.Platform;
import io.peyvand.broker.tls.CertificateRevocations;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every {@link ClusterMessage} type round-trips through the serializer the broker's configuration
 * binds (Jackson CBOR), as it would between two nodes: the bytes and the manifest are all the other
 * node gets. Each sealed field (Content, StreamItem, GroupItem, Membership.Change) is exercised
 * with every implementation.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterMessageSerializationTest {
  private static final Address BOB = new Address("bale", "bob");
  private static final Address ALI = new Address("eitaa", "ali");
  private static final Address GROUP = new Address("eitaa", "family");

  private final ActorTestKit testKit =
      ActorTestKit.create(
          "ClusterMessageSerializationTest",
          ConfigFactory.parseString("pekko.remote.artery.canonical.port = 0")
              .withFallback(ConfigFactory.load()));

  @AfterAll
  void stop() {
    testKit.shutdownTestKit();
  }

  private List<Message> messages() {
    List<Content> contents =
        List.of(
            new Content.Text("salam"),
            new Content.Edit("m-1", "salam!"),
            new Content.Delete("m-1"),
            new Content.Reaction("m-1", "\u2764", true),
            new Content.Media(
                "https://cdn/x.jpg",
                "image/jpeg",
                1234,
                ByteString.copyFrom(new byte[] {0, 1, 2, (byte) 255}),
                "caption"),
            new Content.Encrypted("signal", ByteString.copyFromUtf8("opaque\u0000bytes")));
    List<Message> out = new ArrayList<>();
    for (int i = 0; i < contents.size(); i++) {
      out.add(
          new Message(
              "m-" + i,
              BOB,
              ALI,
              1_700_000_000_000L + i,
              i % 2 == 0 ? "" : "m-0",
              contents.get(i)));
    }
    return out;
  }

  private List<Object> examples() {
    ActorRef<Object> ref = testKit.createTestProbe().ref();
    Status status =
        new Status(
            "m-1",
            ALI,
            Status.Kind.FAILED,
            Status.Failure.RETENTION_EXPIRED,
            7,
            1_700_000_000_123L);
    Message message = messages().get(0);
    List<Membership.Change> changes =
        List.of(
            new Membership.Added(ALI, Membership.Role.ADMIN),
            new Membership.Removed(BOB),
            new Membership.RoleChanged(ALI, Membership.Role.MEMBER),
            new Membership.Muted(ALI, true));
    Capabilities capabilities =
        new Capabilities(
            4096,
            true,
            10_000_000L,
            true,
            3600,
            true,
            false,
            true,
            false,
            List.of("signal", "mls"),
            true);
    Platform.Info info =
        new Platform.Info(
            "bale",
            "Bale",
            Instant.parse("2026-11-28T08:00:00Z"),
            capabilities,
            true,
            new Quota(1, 2, 3, 4, 5));

    List<Object> all = new ArrayList<>();
    // UserMailbox
    for (Message m : messages()) {
      all.add(
          new UserMailbox.Accept(m, new UserMailbox.RecipientPolicy(true, 60), ref.unsafeUpcast()));
    }
    all.add(new UserMailbox.RecordStatus(status, ref.unsafeUpcast()));
    all.add(new UserMailbox.Acknowledge("bale", 42, ref.unsafeUpcast()));
    all.add(new UserMailbox.AcknowledgeStatuses("eitaa", 7, ref.unsafeUpcast()));
    all.add(
        new UserMailbox.Accept(
            messages().get(0),
            new UserMailbox.RecipientPolicy(false, 0),
            ref.unsafeUpcast(),
            true));
    all.add(new UserMailbox.MarkRead("bale", 41, ref.unsafeUpcast()));
    all.add(new UserMailbox.SetConsent(true, false, ref.unsafeUpcast()));
    all.add(new UserMailbox.SetBlocked(ALI, true, false, ref.unsafeUpcast()));
    all.add(new UserMailbox.MayContact(ALI, true, ref.unsafeUpcast()));
    all.add(UserMailbox.Contactable.INSTANCE);
    all.add(new UserMailbox.GetConsent(false, ref.unsafeUpcast()));
    // Lookups (the directory)
    all.add(
        new Lookups.Admit(
            List.of(42L, Long.MIN_VALUE), Optional.of(Duration.ofHours(5)), ref.unsafeUpcast()));
    all.add(new Lookups.Admit(List.of(), Optional.empty(), ref.unsafeUpcast()));
    all.add(new Lookups.Decision(Lookups.Limit.PLATFORM, 17, Duration.ofMinutes(3)));
    all.add(new Lookups.Decision(Lookups.Limit.NONE, 0, Duration.ZERO));
    // Calls
    CallKey call = new CallKey(ALI, "c-1");
    ActorRef<CallSignal> session = testKit.<CallSignal>createTestProbe().getRef();
    for (Call.Action action :
        List.of(
            new Call.Invite(
                BOB, List.of(CallMedia.AUDIO, CallMedia.VIDEO), "v=0\r\n", Duration.ofSeconds(60)),
            new Call.Ringing(),
            new Call.Answer("v=0\r\n"),
            new Call.Forward(true, ByteString.copyFromUtf8("frame"), List.of(CallMedia.AUDIO)),
            new Call.Reject(CallEnd.BUSY),
            new Call.Hangup(),
            new Call.Resume())) {
      all.add(new Call.Act("bale", action, session, ref.unsafeUpcast()));
    }
    all.add(
        new Call.Reply(Call.Phase.ENDED, 5, CallEnd.REPLACED, null, null, Call.Side.CALLEE, BOB));
    all.add(
        new Call.Reply(Call.Phase.NONE, 0, null, Call.Problem.UNKNOWN_CALL, "no call", null, null));
    all.add(new Call.Replace(call));
    all.add(Call.WakeUp.INSTANCE);
    all.add(
        new CallSignal(
            call,
            BOB,
            List.of(CallMedia.AUDIO),
            CallSignal.Kind.INVITED,
            "v=0\r\n",
            1_700_000_000_000L,
            true,
            ByteString.copyFromUtf8("candidates"),
            CallEnd.REPLACED,
            new CallKey(BOB, "c-2"),
            Optional.of(
                new RelayCredentials.Credential(
                    "1700000000:bale:bob",
                    "secret",
                    Instant.ofEpochSecond(1_700_000_000L),
                    List.of("turn:127.0.0.1:3478")))));
    all.add(new CallPair.Open(call, BOB, ref.unsafeUpcast()));
    all.add(new CallPair.Opened(Optional.of(call)));
    all.add(new CallPair.Opened(Optional.empty()));
    all.add(new CallPair.Close(call));
    all.add(new Platform.SetQuota(new Quota(1, 2, 3, 4, 5, 1_000_000), ref.unsafeUpcast()));
    all.add(new UserMailbox.GetView(ref.unsafeUpcast()));
    all.add(UserMailbox.WakeUp.INSTANCE);
    all.add(new UserMailbox.Accepted(9, 1_700_000_000_999L, true));
    for (Refusal reason : Refusal.values()) {
      all.add(new UserMailbox.Refused(reason, "why " + reason));
    }
    all.add(new UserMailbox.Done(12));
    all.add(new UserMailbox.StatusRecorded(7, Status.Kind.READ));
    all.add(new UserMailbox.ConsentView(true, false, 3));
    all.add(new UserMailbox.View(10, 8, 7, 2, 1));
    // Group
    all.add(new Group.Create(Group.Kind.CHANNEL, "News", true, ALI, ref.unsafeUpcast()));
    all.add(new Group.ChangeMembers(ALI, changes, ref.unsafeUpcast()));
    all.add(new Group.SetTitle(ALI, "Family", ref.unsafeUpcast()));
    all.add(new Group.Post(message, ref.unsafeUpcast()));
    all.add(new Group.Acknowledge("bale", 5, ref.unsafeUpcast()));
    all.add(new Group.Get(ref.unsafeUpcast()));
    all.add(new Group.CountSubscribers(new BucketCount("bale", 3, 17, 1000), ref.unsafeUpcast()));
    all.add(new Group.OpenHistory(BOB, 100, ref.unsafeUpcast()));
    all.add(Group.WakeUp.INSTANCE);
    all.add(
        new Group.Info(
            GROUP,
            Group.Kind.GROUP,
            "Family",
            false,
            ALI,
            Map.of("bale", 2L, "eitaa", 1L),
            14,
            1_700_000_000_000L));
    all.add(new Group.Accepted(5, 1_700_000_000_001L, false));
    all.add(new Group.HistoryAccess(Group.Kind.CHANNEL, true, 33, 40));
    for (Group.Reason reason : Group.Reason.values()) {
      all.add(
          new Group.Refused(
              reason, "why " + reason, reason == Group.Reason.RATE_LIMITED ? 250 : 0));
    }
    // ChannelSubscribers
    all.add(new ChannelSubscribers.Subscribe(List.of("u1", "u2"), ref.unsafeUpcast()));
    all.add(new ChannelSubscribers.Unsubscribe(List.of("u3"), ref.unsafeUpcast()));
    all.add(new ChannelSubscribers.Contains("u1", ref.unsafeUpcast()));
    all.add(new ChannelSubscribers.GetView(ref.unsafeUpcast()));
    all.add(ChannelSubscribers.Recount.INSTANCE);
    all.add(new ChannelSubscribers.Changed(2, 1002, 18));
    all.add(new ChannelSubscribers.Subscription("u1", true));
    all.add(new ChannelSubscribers.View(18, 1002, 17));
    // Platform
    all.add(new Platform.Register("Bale", ref.unsafeUpcast()));
    all.add(new Platform.Configure(capabilities, true, ref.unsafeUpcast()));
    all.add(new Platform.SetQuota(new Quota(10, 20, 0, 0, 3), ref.unsafeUpcast()));
    all.add(new Platform.Get(ref.unsafeUpcast()));
    all.add(new Platform.Registration(info, true, false));
    all.add(new Platform.Lookup(Optional.of(info)));
    all.add(new Platform.Lookup(Optional.empty()));
    // CertificateRevocations
    all.add(
        new CertificateRevocations.Revoke(
            new BigInteger("123456789012345678901234567890"),
            "keyCompromise",
            "dev-admin",
            ref.unsafeUpcast()));
    all.add(new CertificateRevocations.Get(ref.unsafeUpcast()));
    all.add(
        new CertificateRevocations.Listing(
            List.of(
                new CertificateRevocations.Revoked(
                    BigInteger.valueOf(77),
                    "superseded",
                    Instant.parse("2026-11-28T08:01:02.345Z"),
                    "dev-admin"))));
    // Deliver, with every kind of item
    List<StreamItem> items = new ArrayList<>();
    for (Message m : messages()) {
      items.add(new MailboxItem.Incoming(m));
    }
    items.add(new MailboxItem.StatusUpdate(status));
    items.add(new Group.Push(new GroupItem.Created(ALI, "Family"), List.of()));
    items.add(new Group.Push(new GroupItem.Post(message), List.of("bob", "sara")));
    for (Membership.Change change : changes) {
      items.add(new Group.Push(new GroupItem.Changed(ALI, change), List.of()));
    }
    items.add(new Group.Push(new GroupItem.Titled(ALI, "Family 2"), List.of()));
    items.add(
        new Group.Push(new GroupItem.Counts(5, "m-5", Map.of("\u2764", 3L, "+1", 1L)), List.of()));
    long sequence = 1;
    for (StreamItem item : items) {
      Deliver.Stream stream =
          item instanceof Group.Push ? Deliver.Stream.group(GROUP) : Deliver.Stream.mailbox(BOB);
      all.add(
          new Deliver(
              stream,
              sequence++,
              sequence % 2 == 0,
              1_700_000_000_000L,
              sequence - 2,
              sequence % 3 == 0,
              item,
              ref.unsafeUpcast()));
    }
    // A recipient's status stream (statuses by recipient).
    all.add(
        new Deliver(
            Deliver.Stream.statuses(BOB),
            3,
            true,
            1_700_000_000_000L,
            2,
            false,
            new StatusNotice(ALI, status),
            ref.unsafeUpcast()));
    all.add(Deliver.Busy.full("bale", 9, ref.unsafeUpcast()));
    all.add(Deliver.Busy.gone("bale", 10, ref.unsafeUpcast()));
    all.add(new Deliver.Busy("eitaa", 11, ref.unsafeUpcast(), false, Deliver.Stream.statuses(BOB)));
    return all;
  }

  @Test
  void everyClusterMessageRoundTripsThroughJacksonCbor() {
    Serialization serialization = SerializationExtension.get(testKit.system());
    List<Object> examples = examples();
    for (Object example : examples) {
      Serializer serializer = serialization.findSerializerFor(example);
      assertEquals(
          JacksonCborSerializer.class,
          serializer.getClass(),
          example.getClass().getName() + " is bound to Jackson CBOR");
      byte[] bytes = serialization.serialize(example).get();
      String manifest = Serializers.manifestFor(serializer, example);
      Object back = serialization.deserialize(bytes, serializer.identifier(), manifest).get();
      assertEquals(example, back, "round trip of " + example.getClass().getName());
    }
    // Records compare ByteStrings by content: a decoded payload is a copy, not the same object.
    Content.Encrypted encrypted = (Content.Encrypted) messages().get(5).content();
    UserMailbox.Accept accept = (UserMailbox.Accept) examples.get(5);
    Object back =
        serialization
            .deserialize(serialization.serialize(accept).get(), UserMailbox.Accept.class)
            .get();
    assertEquals(
        encrypted.ciphertext(),
        ((Content.Encrypted) ((UserMailbox.Accept) back).message().content()).ciphertext());
  }

  @Test
  void aTypeThatIsNotAClusterMessageIsRefusedNotJavaSerialized() {
    Serialization serialization = SerializationExtension.get(testKit.system());
    // Node-local: the session's stop (sent by its own stream), the request policy as a root.
    assertThrows(
        Exception.class,
        () -> serialization.serialize(new UserMailbox.RecipientPolicy(true, 0)).get());
    assertFalse(
        serialization
            .findSerializerFor(UserMailbox.WakeUp.INSTANCE)
            .getClass()
            .getName()
            .contains("Java"));
  }
}
