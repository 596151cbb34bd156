package io.peyvand.broker.serialization;

import com.google.protobuf.ByteString;
import io.peyvand.broker.calls.Call;
import io.peyvand.broker.directory.Allowance;
import io.peyvand.broker.directory.Lookups;
import io.peyvand.broker.group.BucketCount;
import io.peyvand.broker.group.ChannelSubscribers;
import io.peyvand.broker.group.Group;
import io.peyvand.broker.group.GroupItem;
import io.peyvand.broker.group.GroupState;
import io.peyvand.broker.group.Membership;
import io.peyvand.broker.group.SubscribersCounted;
import io.peyvand.broker.keys.KeyDirectory;
import io.peyvand.broker.keys.KeyShelf;
import io.peyvand.broker.mailbox.MailboxState;
import io.peyvand.broker.mailbox.MailboxState.NotificationKey;
import io.peyvand.broker.mailbox.UserMailbox;
import io.peyvand.broker.model.Address;
import io.peyvand.broker.model.CallEnd;
import io.peyvand.broker.model.CallMedia;
import io.peyvand.broker.model.Capabilities;
import io.peyvand.broker.model.Content;
import io.peyvand.broker.model.Message;
import io.peyvand.broker.model.Quota;
import io.peyvand.broker.model.Status;
import io.peyvand.broker.platform.Platform;
import io.peyvand.broker.tls.CertificateRevocations;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** One example of every stored type, fixed forever: the stored samples are their bytes. */
final class StoredExamples {
  private StoredExamples() {}

  static final Address ALICE = new Address("eitaa", "alice");
  static final Address BOB = new Address("bale", "bob");
  static final long AT = 1_795_860_930_123L;

  static Message message(String id, Content content) {
    return new Message(id, ALICE, BOB, AT - 5, "", content);
  }

  /** A KeyPackage as the directory stores it (its bytes are not a real KeyPackage here). */
  static KeyShelf.Stored keyPackage() {
    return new KeyShelf.Stored(
        "0a0b0c",
        "c11e",
        1,
        Instant.parse("2026-12-06T10:00:00Z"),
        Instant.parse("2027-01-06T10:00:00Z"),
        false,
        7,
        true,
        new byte[] {0, 1, 0, 5});
  }

  static List<Object> events() {
    return List.of(
        new Platform.PlatformRegistered("bale", "Bale", Instant.parse("2026-11-28T10:15:30.123Z")),
        new Platform.PlatformRenamed("Bale Messenger"),
        new Platform.PlatformConfigured(
            new Capabilities(
                4096,
                true,
                10_000_000,
                true,
                900,
                true,
                false,
                true,
                true,
                List.of("mls-1"),
                false,
                false,
                false,
                false),
            true),
        new Platform.PlatformQuotaSet(new Quota(500, 1000, 5, 0, 16)),
        new KeyDirectory.KeyPackagePublished(keyPackage(), Optional.of("99aa")),
        new KeyDirectory.KeyPackageLogged("0a0b0c", 42),
        new KeyDirectory.KeyPackagesClaimed(List.of("0a0b0c", "ff")),
        new KeyDirectory.KeyPackagesWithdrawn(List.of("0a0b0c"), KeyDirectory.Withdrawal.EXPIRED),
        new Lookups.LookupsAdmitted(
            Instant.parse("2026-12-05T12:00:00.123Z"),
            List.of(42L, -7L),
            new Allowance(812.5, Instant.parse("2026-12-05T12:00:00.123Z"))),
        new CertificateRevocations.CertificateRevoked(
            new BigInteger("5a3f9c1b2e77", 16),
            "key leaked",
            Instant.parse("2026-11-28T10:20:00.456Z"),
            "dev-admin"),
        new Group.GroupCreated(Group.Kind.GROUP, "Family", false, ALICE, AT),
        new Group.MembersChanged(
            2,
            ALICE,
            List.of(
                new Membership.Added(BOB, Membership.Role.MEMBER),
                new Membership.RoleChanged(BOB, Membership.Role.ADMIN),
                new Membership.Muted(BOB, true),
                new Membership.Removed(BOB)),
            AT + 1),
        new Group.TitleChanged(6, ALICE, "Family 2", AT + 2),
        new Group.CallChanged(9, BOB, "gc-1", GroupItem.CallAction.MUTED, AT + 6),
        new Group.PostAccepted(
            7,
            new Message(
                "g-1",
                ALICE,
                new Address("eitaa", "family"),
                AT - 5,
                "",
                new Content.Text("salam all")),
            AT + 3),
        new Group.PlatformAcknowledged("bale", 7),
        new Group.ItemsExpired(AT - 86_400_000L),
        new Group.ReactionCounted(
            new Message(
                "r-1",
                BOB,
                new Address("eitaa", "family"),
                AT - 4,
                "",
                new Content.Reaction("g-1", "\u2764", false)),
            AT + 4),
        new Group.CountsPublished(8, List.of(7L, 3L), AT + 5),
        new ChannelSubscribers.Subscribed(List.of("bob", "\u0645\u0631\u06cc\u0645")),
        new ChannelSubscribers.Unsubscribed(List.of("bob")),
        new SubscribersCounted(
            List.of(new BucketCount("bale", 17, 4, 1200), new BucketCount("rubika", 0, 1, 0))),
        new UserMailbox.MessageAccepted(1, message("m-1", new Content.Text("salam")), AT),
        new UserMailbox.StatusAccepted(
            2, new Status("m-9", BOB, Status.Kind.READ, Status.Failure.NONE, 4, AT), AT + 1),
        new UserMailbox.ItemsAcknowledged(2, AT + 2),
        new UserMailbox.MessagesRead(1, AT + 3),
        new UserMailbox.ItemsExpired(3, AT + 4),
        new UserMailbox.NotificationsConfirmed(
            List.of(
                new NotificationKey(1, Status.Kind.DELIVERED),
                new NotificationKey(1, Status.Kind.READ))),
        new UserMailbox.ConsentChanged(false),
        new UserMailbox.SenderBlockChanged(ALICE, true),
        new UserMailbox.StatusesAcknowledged("eitaa", 3, AT + 5),
        new Call.Invited(
            BOB,
            List.of(CallMedia.AUDIO, CallMedia.VIDEO),
            "v=0\r\n",
            AT,
            AT + 60_000,
            "pekko://Peyvand@10.0.0.1:7355/system/session-eitaa-1/calls#42"),
        new Call.Answered(
            AT + 5_000, "pekko://Peyvand@10.0.0.2:7355/system/session-bale-2/calls#7"),
        new Call.SessionMoved(
            Call.Side.CALLER,
            "pekko://Peyvand@10.0.0.3:7355/system/session-eitaa-3/calls#9",
            AT + 6_000),
        new Call.Ended(CallEnd.NO_ANSWER, AT + 60_000),
        new Call.Recorded(AT + 60_100));
  }

  /** Every content kind, for round trips of the stored message. */
  static List<Content> contents() {
    return List.of(
        new Content.Text("salam"),
        new Content.Edit("m-1", "salam!"),
        new Content.Delete("m-1"),
        new Content.Reaction("m-1", "\u2764", false),
        new Content.Media(
            "https://cdn.eitaa.example/a.jpg",
            "image/jpeg",
            52_000,
            ByteString.copyFrom(new byte[32]),
            "a cat"),
        new Content.Encrypted("mls-1", ByteString.copyFromUtf8("opaque")),
        new Content.CallRecord(
            "c-1", ALICE, BOB, List.of(CallMedia.AUDIO), CallEnd.MISSED, AT, AT + 60_000));
  }

  /** A state with something in every part, reached by events. */
  static MailboxState state() {
    MailboxState state = new MailboxState(new MailboxState.Limits(Duration.ofDays(7), 100));
    state.apply(new UserMailbox.MessageAccepted(1, message("m-1", new Content.Text("one")), AT));
    state.apply(new UserMailbox.MessageAccepted(2, message("m-2", new Content.Text("two")), AT));
    state.apply(
        new UserMailbox.StatusAccepted(
            3, new Status("m-9", ALICE, Status.Kind.DELIVERED, Status.Failure.NONE, 7, AT), AT));
    state.apply(new UserMailbox.ItemsAcknowledged(1, AT + 1));
    // Statuses by recipient: a stream for eitaa, one status acknowledged, two owed.
    state.apply(
        new UserMailbox.MessageAccepted(4, message("m-4", new Content.Text("four")), AT, true));
    state.apply(
        new UserMailbox.MessageAccepted(5, message("m-5", new Content.Text("five")), AT, true));
    state.apply(new UserMailbox.ItemsAcknowledged(4, AT + 2));
    state.apply(new UserMailbox.MessagesRead(4, AT + 3));
    state.apply(new UserMailbox.StatusesAcknowledged("eitaa", 1, AT + 4));
    state.apply(new UserMailbox.ConsentChanged(true));
    state.apply(new UserMailbox.SenderBlockChanged(new Address("rubika", "spam"), true));
    return state;
  }

  /**
   * A channel's whole state as its snapshot holds it, something in every part: members (one muted
   * admin), items of every kind owed to some platforms, cursors, remembered posts (one a reaction
   * to a forgotten post), reaction counts, the history index, subscriber counts.
   */
  static GroupState.Snapshot groupSnapshot() {
    Address sara = new Address("rubika", "sara");
    return new GroupState.Snapshot(
        Group.Kind.CHANNEL,
        "News",
        true,
        ALICE,
        AT,
        Map.of(
            ALICE,
            new Membership.Member(Membership.Role.OWNER, false, 1),
            BOB,
            new Membership.Member(Membership.Role.ADMIN, true, 2)),
        6,
        List.of(
            new GroupState.Kept(1, AT, new GroupItem.Created(ALICE, "Daily"), Set.of("eitaa")),
            new GroupState.Kept(
                2,
                AT,
                new GroupItem.Changed(ALICE, new Membership.Added(BOB, Membership.Role.ADMIN)),
                Set.of("eitaa", "bale")),
            new GroupState.Kept(3, AT + 1, new GroupItem.Titled(ALICE, "News"), Set.of("bale")),
            new GroupState.Kept(
                4,
                AT + 2,
                new GroupItem.Post(message("g-1", new Content.Text("salam"))),
                Set.of("eitaa", "bale")),
            new GroupState.Kept(
                5,
                AT + 3,
                new GroupItem.Changed(ALICE, new Membership.Muted(BOB, true)),
                Set.of("bale")),
            new GroupState.Kept(
                6,
                AT + 4,
                new GroupItem.Counts(4, "g-1", Map.of("\u2764", 3L)),
                Set.of("bale", "rubika"))),
        Map.of("bale", 1L, "rubika", 3L),
        List.of(
            Map.entry(new GroupState.PostKey(ALICE, "g-1"), 4L),
            Map.entry(new GroupState.PostKey(sara, "r-1"), 4L),
            Map.entry(new GroupState.PostKey(sara, "r-0"), 0L)),
        List.of(Map.entry("g-1", 4L)),
        Map.of(4L, Map.of("\u2764", 3L)),
        List.of(4L),
        9,
        Map.of(4L, 5L),
        List.of(new BucketCount("rubika", 2, 7, 12)));
  }

  /** A subscription bucket reached by events: three changes, two users left. */
  static ChannelSubscribers.State bucket() {
    ChannelSubscribers.State state = ChannelSubscribers.State.restore(0, List.of());
    state.apply(new ChannelSubscribers.Subscribed(List.of("bob", "sara")));
    state.apply(new ChannelSubscribers.Subscribed(List.of("ali")));
    state.apply(new ChannelSubscribers.Unsubscribed(List.of("sara")));
    return state;
  }
}
