package io.peyvand.broker.serialization;

import com.google.protobuf.ByteString;
import io.peyvand.broker.audit.AuditLog;
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
import io.peyvand.broker.keys.KeyDirectory;
import io.peyvand.broker.keys.KeyShelf;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * One named example of every message that may cross broker nodes, with every kind of each sealed
 * field (Content, StreamItem, GroupItem, Membership.Change, Call.Action): the {@link
 * io.peyvand.broker.entity.ClusterMessage}s, and what Pekko serializes for us between nodes ({@link
 * Done}, the reply of {@code Group.CountSubscribers}). Shared by the round trip ({@link
 * ClusterMessageSerializationTest}) and the stored samples ({@link ClusterMessageSamplesTest}),
 * whose bytes are these examples as serialized by the version that added them: so an example is
 * fixed once its sample is stored. Add examples (with new names), never change one.
 *
 * <p>Every {@code ActorRef} is resolved from a fixed path on another node, so the bytes do not
 * depend on the port of the test's actor system. No message is ever sent to them.
 */
final class ClusterMessageExamples {
  private ClusterMessageExamples() {}

  /** A message that may cross nodes, and the name its stored sample is kept under. */
  record Example(String name, Object value) {}

  private static final Address BOB = new Address("bale", "bob");
  private static final Address ALI = new Address("eitaa", "ali");
  private static final Address GROUP = new Address("eitaa", "family");

  /** Where the examples' replies go: an ask's temporary actor on another node. */
  static final String REPLY_PATH = "pekko://Peyvand@127.0.0.1:25520/temp/$a#1";

  /** The session the examples' pushes and call signals come from or go to. */
  static final String SESSION_PATH = "pekko://Peyvand@127.0.0.1:25520/system/session-bale-1#2";

  /** Every kind of content, by the name of its example. */
  static Map<String, Content> contents() {
    Map<String, Content> contents = new LinkedHashMap<>();
    contents.put("text", new Content.Text("salam"));
    contents.put("edit", new Content.Edit("m-1", "salam!"));
    contents.put("delete", new Content.Delete("m-1"));
    contents.put("reaction", new Content.Reaction("m-1", "\u2764", true));
    contents.put(
        "media",
        new Content.Media(
            "https://cdn/x.jpg",
            "image/jpeg",
            1234,
            ByteString.copyFrom(new byte[] {0, 1, 2, (byte) 255}),
            "caption"));
    contents.put(
        "encrypted", new Content.Encrypted("signal", ByteString.copyFromUtf8("opaque\u0000bytes")));
    contents.put(
        "call-record",
        new Content.CallRecord(
            "c-1",
            ALI,
            BOB,
            List.of(CallMedia.AUDIO, CallMedia.VIDEO),
            CallEnd.MISSED,
            1_700_000_000_000L,
            1_700_000_060_000L));
    return contents;
  }

  /** A message of every kind of content, by the name of its content. */
  static Map<String, Message> messages() {
    Map<String, Message> out = new LinkedHashMap<>();
    int i = 0;
    for (Map.Entry<String, Content> content : contents().entrySet()) {
      out.put(
          content.getKey(),
          new Message(
              "m-" + i,
              BOB,
              ALI,
              1_700_000_000_000L + i,
              i % 2 == 0 ? "" : "m-0",
              content.getValue()));
      i++;
    }
    return out;
  }

  static List<Example> all(ActorSystem<?> system) {
    ActorRefResolver resolver = ActorRefResolver.get(system);
    ActorRef<Object> ref = resolver.resolveActorRef(REPLY_PATH);
    ActorRef<Object> sessionRef = resolver.resolveActorRef(SESSION_PATH);
    List<Example> all = new ArrayList<>();
    mailbox(all, ref);
    lookups(all, ref);
    keys(all, ref);
    calls(all, ref, sessionRef.unsafeUpcast());
    group(all, ref);
    channel(all, ref);
    platform(all, ref);
    revocations(all, ref);
    audit(all, ref);
    deliver(all, sessionRef.unsafeUpcast());
    // Pekko's own, sent across by our code: the reply to Group.CountSubscribers.
    add(all, "pekko.done", Done.getInstance());
    return all;
  }

  private static void add(List<Example> all, String name, Object value) {
    all.add(new Example(name, value));
  }

  private static Status status() {
    return new Status(
        "m-1", ALI, Status.Kind.FAILED, Status.Failure.RETENTION_EXPIRED, 7, 1_700_000_000_123L);
  }

  private static List<Map.Entry<String, Membership.Change>> changes() {
    return List.of(
        Map.entry("added", new Membership.Added(ALI, Membership.Role.ADMIN)),
        Map.entry("removed", new Membership.Removed(BOB)),
        Map.entry("role-changed", new Membership.RoleChanged(ALI, Membership.Role.MEMBER)),
        Map.entry("muted", new Membership.Muted(ALI, true)));
  }

  private static Capabilities capabilities() {
    return new Capabilities(
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
        true,
        false,
        false,
        false);
  }

  private static void mailbox(List<Example> all, ActorRef<Object> ref) {
    for (Map.Entry<String, Message> m : messages().entrySet()) {
      add(
          all,
          "mailbox.accept." + m.getKey(),
          new UserMailbox.Accept(
              m.getValue(), new UserMailbox.RecipientPolicy(true, 60), ref.unsafeUpcast()));
    }
    add(
        all,
        "mailbox.accept.statuses-by-recipient",
        new UserMailbox.Accept(
            messages().get("text"),
            new UserMailbox.RecipientPolicy(false, 0),
            ref.unsafeUpcast(),
            true));
    add(all, "mailbox.record-status", new UserMailbox.RecordStatus(status(), ref.unsafeUpcast()));
    add(all, "mailbox.acknowledge", new UserMailbox.Acknowledge("bale", 42, ref.unsafeUpcast()));
    add(
        all,
        "mailbox.acknowledge-statuses",
        new UserMailbox.AcknowledgeStatuses("eitaa", 7, ref.unsafeUpcast()));
    add(all, "mailbox.mark-read", new UserMailbox.MarkRead("bale", 41, ref.unsafeUpcast()));
    add(all, "mailbox.set-consent", new UserMailbox.SetConsent(true, false, ref.unsafeUpcast()));
    add(
        all,
        "mailbox.set-blocked",
        new UserMailbox.SetBlocked(ALI, true, false, ref.unsafeUpcast()));
    add(all, "mailbox.may-contact", new UserMailbox.MayContact(ALI, true, ref.unsafeUpcast()));
    add(all, "mailbox.contactable", UserMailbox.Contactable.INSTANCE);
    add(all, "mailbox.get-consent", new UserMailbox.GetConsent(false, ref.unsafeUpcast()));
    add(all, "mailbox.get-view", new UserMailbox.GetView(ref.unsafeUpcast()));
    add(all, "mailbox.wake-up", UserMailbox.WakeUp.INSTANCE);
    add(all, "mailbox.accepted", new UserMailbox.Accepted(9, 1_700_000_000_999L, true));
    for (Refusal reason : Refusal.values()) {
      add(
          all,
          "mailbox.refused." + reason.name().toLowerCase(),
          new UserMailbox.Refused(reason, "why " + reason));
    }
    add(all, "mailbox.done", new UserMailbox.Done(12));
    add(all, "mailbox.status-recorded", new UserMailbox.StatusRecorded(7, Status.Kind.READ));
    add(all, "mailbox.consent-view", new UserMailbox.ConsentView(true, false, 3));
    add(all, "mailbox.view", new UserMailbox.View(10, 8, 7, 2, 1));
  }

  private static void lookups(List<Example> all, ActorRef<Object> ref) {
    add(
        all,
        "lookups.admit",
        new Lookups.Admit(
            List.of(42L, Long.MIN_VALUE), Optional.of(Duration.ofHours(5)), ref.unsafeUpcast()));
    add(
        all,
        "lookups.admit.empty",
        new Lookups.Admit(List.of(), Optional.empty(), ref.unsafeUpcast()));
    add(
        all,
        "lookups.decision.platform",
        new Lookups.Decision(Lookups.Limit.PLATFORM, 17, Duration.ofMinutes(3)));
    add(all, "lookups.decision.none", new Lookups.Decision(Lookups.Limit.NONE, 0, Duration.ZERO));
  }

  private static void keys(List<Example> all, ActorRef<Object> ref) {
    KeyShelf.Stored stored = StoredExamples.keyPackage();
    add(all, "keys.publish", new KeyDirectory.Publish(stored, ref.unsafeUpcast()));
    add(all, "keys.log", new KeyDirectory.Log("0a0b0c", 42, ref.unsafeUpcast()));
    add(all, "keys.claim", new KeyDirectory.Claim(Set.of(1, 2), ref.unsafeUpcast()));
    add(all, "keys.list", new KeyDirectory.ListAll(ref.unsafeUpcast()));
    add(all, "keys.remove", new KeyDirectory.Remove(List.of("0a0b0c"), ref.unsafeUpcast()));
    add(
        all,
        "keys.published",
        new KeyDirectory.Published(Optional.of(stored), true, Optional.of("99aa"), ""));
    add(
        all,
        "keys.published.refused",
        new KeyDirectory.Published(Optional.empty(), false, Optional.empty(), "full"));
    add(all, "keys.logged", new KeyDirectory.Logged("0a0b0c"));
    add(all, "keys.claimed", new KeyDirectory.Claimed(List.of(stored), List.of("ff")));
    add(all, "keys.listed", new KeyDirectory.Listed(List.of(stored)));
    add(all, "keys.removed", new KeyDirectory.Removed(List.of("0a0b0c")));
  }

  private static void calls(List<Example> all, ActorRef<Object> ref, ActorRef<CallSignal> session) {
    CallKey call = new CallKey(ALI, "c-1");
    Map<String, Call.Action> actions = new LinkedHashMap<>();
    actions.put(
        "invite",
        new Call.Invite(
            BOB, List.of(CallMedia.AUDIO, CallMedia.VIDEO), "v=0\r\n", Duration.ofSeconds(60)));
    actions.put("ringing", new Call.Ringing());
    actions.put("answer", new Call.Answer("v=0\r\n"));
    actions.put(
        "forward",
        new Call.Forward(true, ByteString.copyFromUtf8("frame"), List.of(CallMedia.AUDIO)));
    actions.put("reject", new Call.Reject(CallEnd.BUSY));
    actions.put("hangup", new Call.Hangup());
    actions.put("resume", new Call.Resume());
    for (Map.Entry<String, Call.Action> action : actions.entrySet()) {
      add(
          all,
          "call.act." + action.getKey(),
          new Call.Act("bale", action.getValue(), session, ref.unsafeUpcast()));
    }
    add(
        all,
        "call.reply.ended",
        new Call.Reply(Call.Phase.ENDED, 5, CallEnd.REPLACED, null, null, Call.Side.CALLEE, BOB));
    add(
        all,
        "call.reply.problem",
        new Call.Reply(Call.Phase.NONE, 0, null, Call.Problem.UNKNOWN_CALL, "no call", null, null));
    add(all, "call.replace", new Call.Replace(call));
    add(all, "call.wake-up", Call.WakeUp.INSTANCE);
    add(
        all,
        "call.signal",
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
    add(all, "call-pair.open", new CallPair.Open(call, BOB, ref.unsafeUpcast()));
    add(all, "call-pair.opened", new CallPair.Opened(Optional.of(call)));
    add(all, "call-pair.opened.empty", new CallPair.Opened(Optional.empty()));
    add(all, "call-pair.close", new CallPair.Close(call));
  }

  private static void group(List<Example> all, ActorRef<Object> ref) {
    add(
        all,
        "group.create",
        new Group.Create(Group.Kind.CHANNEL, "News", true, ALI, ref.unsafeUpcast()));
    add(
        all,
        "group.change-members",
        new Group.ChangeMembers(
            ALI, changes().stream().map(Map.Entry::getValue).toList(), ref.unsafeUpcast()));
    add(all, "group.set-title", new Group.SetTitle(ALI, "Family", ref.unsafeUpcast()));
    add(
        all,
        "group.change-call",
        new Group.ChangeCall(ALI, "gc-1", GroupItem.CallAction.JOINED, ref.unsafeUpcast()));
    add(all, "group.post", new Group.Post(messages().get("text"), ref.unsafeUpcast()));
    add(all, "group.acknowledge", new Group.Acknowledge("bale", 5, ref.unsafeUpcast()));
    add(all, "group.get", new Group.Get(ref.unsafeUpcast()));
    add(
        all,
        "group.count-subscribers",
        new Group.CountSubscribers(new BucketCount("bale", 3, 17, 1000), ref.unsafeUpcast()));
    add(all, "group.open-history", new Group.OpenHistory(BOB, 100, ref.unsafeUpcast()));
    add(all, "group.wake-up", Group.WakeUp.INSTANCE);
    add(
        all,
        "group.info",
        new Group.Info(
            GROUP,
            Group.Kind.GROUP,
            "Family",
            false,
            ALI,
            new TreeMap<>(Map.of("bale", 2L, "eitaa", 1L)),
            14,
            1_700_000_000_000L));
    add(all, "group.accepted", new Group.Accepted(5, 1_700_000_000_001L, false));
    add(all, "group.history-access", new Group.HistoryAccess(Group.Kind.CHANNEL, true, 33, 40));
    for (Group.Reason reason : Group.Reason.values()) {
      add(
          all,
          "group.refused." + reason.name().toLowerCase(),
          new Group.Refused(
              reason, "why " + reason, reason == Group.Reason.RATE_LIMITED ? 250 : 0));
    }
  }

  private static void channel(List<Example> all, ActorRef<Object> ref) {
    add(
        all,
        "channel.subscribe",
        new ChannelSubscribers.Subscribe(List.of("u1", "u2"), ref.unsafeUpcast()));
    add(
        all,
        "channel.unsubscribe",
        new ChannelSubscribers.Unsubscribe(List.of("u3"), ref.unsafeUpcast()));
    add(all, "channel.contains", new ChannelSubscribers.Contains("u1", ref.unsafeUpcast()));
    add(all, "channel.get-view", new ChannelSubscribers.GetView(ref.unsafeUpcast()));
    add(all, "channel.recount", ChannelSubscribers.Recount.INSTANCE);
    add(all, "channel.changed", new ChannelSubscribers.Changed(2, 1002, 18));
    add(all, "channel.subscription", new ChannelSubscribers.Subscription("u1", true));
    add(all, "channel.view", new ChannelSubscribers.View(18, 1002, 17));
  }

  private static void platform(List<Example> all, ActorRef<Object> ref) {
    Platform.Info info =
        new Platform.Info(
            "bale",
            "Bale",
            Instant.parse("2026-11-28T08:00:00Z"),
            capabilities(),
            true,
            new Quota(1, 2, 3, 4, 5));
    add(all, "platform.register", new Platform.Register("Bale", ref.unsafeUpcast()));
    add(
        all,
        "platform.configure",
        new Platform.Configure(capabilities(), true, ref.unsafeUpcast()));
    add(
        all,
        "platform.set-quota",
        new Platform.SetQuota(new Quota(10, 20, 0, 0, 3), ref.unsafeUpcast()));
    add(
        all,
        "platform.set-quota.message-bytes",
        new Platform.SetQuota(new Quota(1, 2, 3, 4, 5, 1_000_000), ref.unsafeUpcast()));
    add(all, "platform.get", new Platform.Get(ref.unsafeUpcast()));
    add(all, "platform.registration", new Platform.Registration(info, true, false));
    add(all, "platform.lookup", new Platform.Lookup(Optional.of(info)));
    add(all, "platform.lookup.empty", new Platform.Lookup(Optional.empty()));
  }

  private static void revocations(List<Example> all, ActorRef<Object> ref) {
    add(
        all,
        "revocations.revoke",
        new CertificateRevocations.Revoke(
            new BigInteger("123456789012345678901234567890"),
            "keyCompromise",
            "dev-admin",
            ref.unsafeUpcast()));
    add(all, "revocations.get", new CertificateRevocations.Get(ref.unsafeUpcast()));
    add(
        all,
        "revocations.listing",
        new CertificateRevocations.Listing(
            List.of(
                new CertificateRevocations.Revoked(
                    BigInteger.valueOf(77),
                    "superseded",
                    Instant.parse("2026-11-28T08:01:02.345Z"),
                    "dev-admin"))));
  }

  private static void audit(List<Example> all, ActorRef<Object> ref) {
    add(
        all,
        "audit.append",
        new AuditLog.Append("dev-admin", "revoke", "serial 77", "revoked", ref.unsafeUpcast()));
    add(all, "audit.prove-inclusion", new AuditLog.ProveInclusion(3, 8, ref.unsafeUpcast()));
    add(all, "audit.prove-consistency", new AuditLog.ProveConsistency(4, 8, ref.unsafeUpcast()));
    add(all, "audit.get-head", new AuditLog.GetHead(ref.unsafeUpcast()));
    add(all, "audit.appended", new AuditLog.Appended(7, null));
    add(all, "audit.appended.error", new AuditLog.Appended(-1, "the log refuses appends"));
    add(
        all,
        "audit.proof",
        new AuditLog.Proof(3, 8, List.of(new byte[] {1, 2, 3}, new byte[] {(byte) 255}), null));
    add(all, "audit.head", new AuditLog.Head(new byte[] {8, 1, 18, 2, 0, 1}, null));
  }

  /** Deliver, with every kind of item, and the session's answer Busy. */
  private static void deliver(List<Example> all, ActorRef<Deliver> session) {
    Map<String, StreamItem> items = new LinkedHashMap<>();
    for (Map.Entry<String, Message> m : messages().entrySet()) {
      items.put("incoming." + m.getKey(), new MailboxItem.Incoming(m.getValue()));
    }
    items.put("status-update", new MailboxItem.StatusUpdate(status()));
    items.put("group.created", new Group.Push(new GroupItem.Created(ALI, "Family"), List.of()));
    items.put(
        "group.post",
        new Group.Push(new GroupItem.Post(messages().get("text")), List.of("bob", "sara")));
    for (Map.Entry<String, Membership.Change> change : changes()) {
      items.put(
          "group.changed." + change.getKey(),
          new Group.Push(new GroupItem.Changed(ALI, change.getValue()), List.of()));
    }
    items.put("group.titled", new Group.Push(new GroupItem.Titled(ALI, "Family 2"), List.of()));
    items.put(
        "group.call-changed",
        new Group.Push(
            new GroupItem.CallChanged(BOB, "gc-1", GroupItem.CallAction.MUTED), List.of()));
    items.put(
        "group.counts",
        new Group.Push(
            new GroupItem.Counts(5, "m-5", new TreeMap<>(Map.of("\u2764", 3L, "+1", 1L))),
            List.of()));
    long sequence = 1;
    for (Map.Entry<String, StreamItem> item : items.entrySet()) {
      Deliver.Stream stream =
          item.getValue() instanceof Group.Push
              ? Deliver.Stream.group(GROUP)
              : Deliver.Stream.mailbox(BOB);
      add(
          all,
          "deliver." + item.getKey(),
          new Deliver(
              stream,
              sequence++,
              sequence % 2 == 0,
              1_700_000_000_000L,
              sequence - 2,
              sequence % 3 == 0,
              item.getValue(),
              session.unsafeUpcast()));
    }
    // A recipient's status stream (statuses by recipient).
    add(
        all,
        "deliver.status-by-recipient",
        new Deliver(
            Deliver.Stream.statuses(BOB),
            3,
            true,
            1_700_000_000_000L,
            2,
            false,
            new StatusNotice(ALI, status()),
            session.unsafeUpcast()));
    add(all, "deliver.busy.full", Deliver.Busy.full("bale", 9, session));
    add(all, "deliver.busy.gone", Deliver.Busy.gone("bale", 10, session));
    add(
        all,
        "deliver.busy.statuses",
        new Deliver.Busy("eitaa", 11, session, false, Deliver.Stream.statuses(BOB)));
  }
}
