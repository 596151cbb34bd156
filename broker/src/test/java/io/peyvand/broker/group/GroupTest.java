package io.peyvand.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.peyvand.broker.ManualClock;
import io.peyvand.broker.delivery.PendingEntries;
import io.peyvand.broker.entity.EntityTestKits;
import io.peyvand.broker.group.Membership.Added;
import io.peyvand.broker.group.Membership.Removed;
import io.peyvand.broker.group.Membership.Role;
import io.peyvand.broker.model.Address;
import io.peyvand.broker.model.Content;
import io.peyvand.broker.model.Message;
import io.peyvand.broker.serialization.GroupSnapshots;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Group entity's logic on the in-memory journal, with event serialization checked. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GroupTest {
  private static final Address GROUP = new Address("eitaa", "family");
  private static final Address OWNER = new Address("eitaa", "maryam");
  private static final Address ALI = new Address("bale", "ali");
  private static final Address SARA = new Address("rubika", "sara");
  private static final Address REZA = new Address("soroush", "reza");
  private static final Address STRANGER = new Address("bale", "stranger");
  private static final ChannelSettings CHANNELS = ChannelSettings.fromConfig(ConfigFactory.load());

  @JUnit5TestKit private final ActorTestKit testKit = EntityTestKits.actorTestKit();
  private EventSourcedBehaviorTestKit<Group.Command, Group.Event, GroupState> group;
  private int ids;
  private final java.util.Set<String> pendingFor =
      java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final PendingEntries<Address> pendingIndex =
      new PendingEntries<>() {
        @Override
        public java.util.concurrent.CompletionStage<Void> register(String platformId, Address g) {
          pendingFor.add(platformId);
          return java.util.concurrent.CompletableFuture.completedFuture(null);
        }

        @Override
        public java.util.concurrent.CompletionStage<Void> unregister(String platformId, Address g) {
          pendingFor.remove(platformId);
          return java.util.concurrent.CompletableFuture.completedFuture(null);
        }
      };

  @BeforeEach
  void fresh() {
    group =
        group(
            GROUP,
            GroupSettings.reference(),
            Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC));
  }

  /** The group entity {@code id} with {@code settings}, on {@code clock}. */
  private EventSourcedBehaviorTestKit<Group.Command, Group.Event, GroupState> group(
      Address id, GroupSettings settings, Clock clock) {
    return EntityTestKits.of(
        testKit.system(),
        Group.create(id, settings, CHANNELS, pendingIndex, new GroupSnapshots(settings), clock));
  }

  private Group.Reply create(Group.Kind kind) {
    return group
        .<Group.Reply>runCommand(replyTo -> new Group.Create(kind, "Family", false, OWNER, replyTo))
        .reply();
  }

  private Group.Reply change(Address actor, Membership.Change... changes) {
    return group
        .<Group.Reply>runCommand(
            replyTo -> new Group.ChangeMembers(actor, List.of(changes), replyTo))
        .reply();
  }

  private Group.PostReply post(Address sender, String id) {
    Message message = new Message(id, sender, GROUP, 1L, "", new Content.Text("salam " + id));
    return group.<Group.PostReply>runCommand(replyTo -> new Group.Post(message, replyTo)).reply();
  }

  private void fourPlatforms() {
    create(Group.Kind.GROUP);
    addAliSaraAndReza(Role.MEMBER);
  }

  /** The owner adds Ali (in {@code aliRole}), Sara and Reza (members): one on each platform. */
  private void addAliSaraAndReza(Role aliRole) {
    assertInstanceOf(
        Group.Info.class,
        change(
            OWNER,
            new Added(ALI, aliRole),
            new Added(SARA, Role.MEMBER),
            new Added(REZA, Role.MEMBER)));
  }

  @Test
  void aGroupIsCreatedOnceByAUserOfItsHomePlatform() {
    Group.Info info = (Group.Info) create(Group.Kind.GROUP);
    assertEquals(Map.of("eitaa", 1L), info.membersPerPlatform());
    assertEquals(1, info.lastSequence(), "the creation is the log's first item");
    assertInstanceOf(Group.Info.class, create(Group.Kind.GROUP), "the same creation again");
    Group.Refused other =
        (Group.Refused)
            group
                .<Group.Reply>runCommand(
                    replyTo ->
                        new Group.Create(
                            Group.Kind.GROUP, "x", false, new Address("eitaa", "other"), replyTo))
                .reply();
    assertEquals(Group.Reason.ALREADY_EXISTS, other.reason());
  }

  @Test
  void onlyAUserOfTheHomePlatformCreatesIt() {
    Group.Refused refused =
        (Group.Refused)
            group
                .<Group.Reply>runCommand(
                    replyTo -> new Group.Create(Group.Kind.GROUP, "x", false, ALI, replyTo))
                .reply();
    assertEquals(Group.Reason.NOT_PERMITTED, refused.reason());
  }

  @Test
  void membersPostWithTheGroupsSequenceAndARepeatIsADuplicate() {
    fourPlatforms();
    Group.Accepted first = (Group.Accepted) post(ALI, "m-1");
    assertEquals(5, first.sequence(), "after the creation and three additions");
    Group.Accepted again = (Group.Accepted) post(ALI, "m-1");
    assertTrue(again.duplicate());
    assertEquals(first.sequence(), again.sequence());
    Group.Refused stranger = (Group.Refused) post(STRANGER, "m-2");
    assertEquals(Group.Reason.NOT_PERMITTED, stranger.reason());
  }

  @Test
  void eachPlatformIsOwedEachItemOnceAndAcknowledgesCumulatively() {
    fourPlatforms();
    for (int i = 0; i < 10; i++) {
      post(SARA, "p-" + i);
    }
    GroupState state = group.getState();
    assertEquals(14, state.feed().lastSequence());
    assertEquals(
        11,
        state.feed().owed("soroush", 100).size(),
        "soroush joined at 4: owed the item of its join, then the posts");
    assertEquals(14, state.feed().owed("eitaa", 100).size());
    group.<Group.Reply>runCommand(replyTo -> new Group.Acknowledge("soroush", 14, replyTo));
    assertTrue(group.getState().feed().owed("soroush", 100).isEmpty());
    Group.Refused beyond =
        (Group.Refused)
            group
                .<Group.Reply>runCommand(replyTo -> new Group.Acknowledge("bale", 99, replyTo))
                .reply();
    assertEquals(Group.Reason.UNKNOWN_SEQUENCE, beyond.reason());
  }

  @Test
  void aRemovedMemberCannotPostAndTheirPlatformStopsReceivingAfterTheRemoval() {
    fourPlatforms();
    change(OWNER, new Removed(REZA));
    assertEquals(Group.Reason.NOT_PERMITTED, ((Group.Refused) post(REZA, "x")).reason());
    post(ALI, "after");
    GroupState state = group.getState();
    List<Long> owedToSoroush =
        state.feed().owed("soroush", 100).stream().map(GroupFeed.Item::sequence).toList();
    assertEquals(List.of(4L, 5L), owedToSoroush, "its member's addition and removal only");
  }

  @Test
  void aBatchOfChangesAppliesWhollyOrNotAtAll() {
    fourPlatforms();
    Group.Refused refused =
        (Group.Refused) change(ALI, new Removed(ALI), new Added(STRANGER, Role.MEMBER));
    assertEquals(Group.Reason.NOT_PERMITTED, refused.reason());
    assertTrue(group.getState().members().member(ALI).isPresent(), "the leave was not applied");
  }

  @Test
  void inAChannelOnlyTheOwnerAndAdminsPost() {
    create(Group.Kind.CHANNEL);
    change(OWNER, new Added(ALI, Role.MEMBER));
    assertEquals(Group.Reason.NOT_PERMITTED, ((Group.Refused) post(ALI, "c-1")).reason());
    assertInstanceOf(Group.Accepted.class, post(OWNER, "c-2"));
  }

  @Test
  void theStateComesBackAfterARestart() {
    fourPlatforms();
    post(ALI, "m-1");
    group.<Group.Reply>runCommand(replyTo -> new Group.Acknowledge("bale", 5, replyTo));
    group.restart();
    GroupState state = group.getState();
    assertEquals(4, state.members().size());
    assertEquals(5, state.feed().acknowledgedUpTo("bale"));
    assertTrue(((Group.Accepted) post(ALI, "m-1")).duplicate());
  }

  /**
   * FAULTS.md finding 8, for groups: a write that fails restarts the group in the same actor, and
   * Pekko applied the event to the state before writing it. The next incarnation recovers from a
   * fresh state: the post whose write failed was never stored, so it is not a duplicate and the
   * next post takes its sequence.
   */
  @Test
  void aPostWhoseWriteFailedIsForgottenByTheNextIncarnation() {
    fourPlatforms();
    assertEquals(5, ((Group.Accepted) post(ALI, "m-1")).sequence());
    group.persistenceTestKit().failNextPersisted();
    assertThrows(AssertionError.class, () -> post(ALI, "m-lost"), "its write fails: no answer");
    Group.Accepted next = (Group.Accepted) post(SARA, "m-2");
    assertEquals(6, next.sequence(), "the sequence the failed post did not keep");
    Group.Accepted retried = (Group.Accepted) post(ALI, "m-lost");
    assertFalse(retried.duplicate(), "the failed post was never stored: not a duplicate");
    assertEquals(7, retried.sequence());
    assertEquals(7, group.getState().feed().lastSequence());
  }

  private static final GroupSettings REACTIONS =
      settings(10_000, java.time.Duration.ofMillis(100), 500);

  /**
   * Settings as the reference's but without a posting limit (rate and burst 0), with these dedup
   * entries, reaction-count interval and snapshot interval.
   */
  private static GroupSettings settings(
      int dedupEntries, java.time.Duration countsEvery, int snapshotEvery) {
    return new GroupSettings(
        200_000,
        dedupEntries,
        java.time.Duration.ofDays(30),
        64,
        java.time.Duration.ofSeconds(10),
        java.time.Duration.ofSeconds(1),
        java.time.Duration.ofMillis(200),
        0,
        0,
        countsEvery,
        snapshotEvery);
  }

  @Test
  void subscribersReactionsToAChannelPostAreCountedAndPublishedAsOneItem() throws Exception {
    group = group(GROUP, REACTIONS, Clock.systemUTC());
    create(Group.Kind.CHANNEL);
    Group.Accepted news = (Group.Accepted) post(OWNER, "news-1");
    long before = group.getState().feed().lastSequence();
    for (Address fan : List.of(ALI, SARA, REZA)) {
      react(fan, "r-" + fan.userId(), "\u2764", false);
    }
    react(STRANGER, "r-x", "\ud83d\udc4d", false);
    react(STRANGER, "r-y", "\ud83d\udc4d", true);
    Group.Refused unknown = (Group.Refused) react(ALI, "r-z", "\u2764", false, "nope");
    assertEquals(Group.Reason.UNKNOWN_SEQUENCE, unknown.reason());
    // Counts are published every counts-every (100 ms here): on a loaded machine a publication
    // can fall between two reactions, so the last published counts are the ones checked, and
    // every item after the post must be a counts item, never a reaction of its own.
    long deadline = System.nanoTime() + 20_000_000_000L;
    GroupItem.Counts counts = null;
    while (System.nanoTime() < deadline) {
      counts = lastCounts(before);
      if (counts != null && counts.counts().equals(Map.of("\u2764", 3L))) {
        break;
      }
      Thread.sleep(20);
    }
    assertNotNull(counts, "no counts published");
    assertEquals(news.sequence(), counts.postSequence());
    assertEquals("news-1", counts.messageId());
    assertEquals(Map.of("\u2764", 3L), counts.counts(), "the thumb was added and taken back");
    List<GroupFeed.Item<GroupItem>> owed = group.getState().feed().owed("eitaa", 100);
    long after = group.getState().feed().lastSequence();
    assertTrue(after > before);
    for (GroupFeed.Item<GroupItem> item : owed) {
      if (item.sequence() > before) {
        assertInstanceOf(
            GroupItem.Counts.class, item.payload(), "reactions are counted, not items of the log");
      }
    }
    group.restart();
    assertEquals(after, group.getState().feed().lastSequence(), "the same after replay");
  }

  /** The last counts item after {@code before} in the feed owed to eitaa, or null. */
  private GroupItem.Counts lastCounts(long before) {
    GroupItem.Counts last = null;
    for (GroupFeed.Item<GroupItem> item : group.getState().feed().owed("eitaa", 100)) {
      if (item.sequence() > before && item.payload() instanceof GroupItem.Counts c) {
        last = c;
      }
    }
    return last;
  }

  private Group.PostReply react(Address fan, String id, String emoji, boolean remove) {
    return react(fan, id, emoji, remove, "news-1");
  }

  private Group.PostReply react(
      Address fan, String id, String emoji, boolean remove, String target) {
    Message message =
        new Message(id, fan, GROUP, 1L, "", new Content.Reaction(target, emoji, remove));
    return group.<Group.PostReply>runCommand(replyTo -> new Group.Post(message, replyTo)).reply();
  }

  // Snapshots

  private static final List<String> PLATFORMS =
      List.of("eitaa", "bale", "rubika", "soroush", "gap");

  /** What a platform is owed, as it would receive it: sequence, time, item. */
  private static List<List<Object>> owed(GroupState state, String platform) {
    return state.feed().owed(platform, Integer.MAX_VALUE).stream()
        .map(i -> List.<Object>of(i.sequence(), i.acceptedAtMs(), i.payload()))
        .toList();
  }

  /** Everything observable of the state, to compare two states. */
  private static Map<String, Object> observed(GroupState state) {
    Map<String, Object> seen = new java.util.LinkedHashMap<>();
    seen.put("info", state.info(GROUP));
    seen.put("audience", Set.copyOf(state.audience()));
    seen.put("platformsOwed", state.feed().platformsOwed());
    seen.put("kept", state.feed().size());
    seen.put("oldest", state.feed().oldestAcceptedAtMs());
    for (String platform : PLATFORMS) {
      seen.put("owed " + platform, owed(state, platform));
      seen.put("owedCount " + platform, state.feed().owedCount(platform));
      seen.put("cursor " + platform, state.feed().acknowledgedUpTo(platform));
      seen.put("members " + platform, state.members().userIds(platform));
    }
    for (Address user : List.of(OWNER, ALI, SARA, REZA, STRANGER)) {
      seen.put("member " + user, state.members().member(user));
    }
    for (long before : List.of(0L, 1L, 10L, 63L, 64L, 65L, 70L, 100L, 1000L)) {
      seen.put("journalFrom " + before, state.journalFrom(before));
    }
    return seen;
  }

  private Group.Reply countSubscribers(BucketCount count) {
    org.apache.pekko.actor.testkit.typed.javadsl.TestProbe<org.apache.pekko.Done> done =
        testKit.createTestProbe();
    group.runCommand(new Group.CountSubscribers(count, done.ref()));
    done.expectMessage(java.time.Duration.ofSeconds(10), org.apache.pekko.Done.getInstance());
    return null;
  }

  /**
   * A channel with every part of the state in use: members of every role on four platforms (one
   * muted), subscribers on a fifth, more than one history index step of posts, a title change,
   * published and unpublished reaction counts, partial acknowledgements.
   */
  private void everyPartOfTheState() throws Exception {
    group = group(GROUP, REACTIONS, Clock.systemUTC());
    create(Group.Kind.CHANNEL);
    addAliSaraAndReza(Role.ADMIN);
    assertInstanceOf(Group.Info.class, change(OWNER, new Membership.Muted(ALI, true)));
    countSubscribers(new BucketCount("gap", 3, 2, 40));
    countSubscribers(new BucketCount("gap", 7, 1, 2));
    assertInstanceOf(
        Group.Info.class,
        group
            .<Group.Reply>runCommand(replyTo -> new Group.SetTitle(OWNER, "News", replyTo))
            .reply());
    for (int i = 0; i < 70; i++) {
      assertInstanceOf(Group.Accepted.class, post(OWNER, "news-" + i));
    }
    react(SARA, "r-1", "\u2764", false, "news-3");
    react(STRANGER, "r-2", "\ud83d\udc4d", false, "news-3");
    long before = group.getState().feed().lastSequence();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (group.getState().feed().lastSequence() == before && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(group.getState().feed().lastSequence() > before, "the counts were published");
    // A reaction counted and not yet published; written straight to the journal and recovered,
    // so that no publishing timer changes the state while it is compared.
    group
        .persistenceTestKit()
        .persistForRecovery(
            Group.persistenceId(GROUP).id(),
            List.of(
                new Group.ReactionCounted(
                    new Message(
                        "r-3",
                        REZA,
                        GROUP,
                        1L,
                        "",
                        new Content.Reaction("news-69", "\u2764", false)),
                    System.currentTimeMillis())));
    group.restart();
    group.<Group.Reply>runCommand(replyTo -> new Group.Acknowledge("bale", 40, replyTo));
    group.<Group.Reply>runCommand(replyTo -> new Group.Acknowledge("rubika", 6, replyTo));
    group.<Group.Reply>runCommand(replyTo -> new Group.Acknowledge("gap", 75, replyTo));
  }

  @Test
  void aSnapshotRestoresEveryPartOfTheState() throws Exception {
    everyPartOfTheState();
    GroupState state = group.getState();
    assertEquals(Map.of("gap", 42L), state.info(GROUP).membersPerPlatform());
    assertTrue(state.journalFrom(10) < state.journalFrom(0), "the history index has an entry");
    assertEquals(1, state.toSnapshot().countsChanged().size(), "a count waits to be published");
    assertEquals(
        3,
        state.toSnapshot().reactions().values().stream()
            .mapToLong(m -> m.values().stream().mapToLong(Long::longValue).sum())
            .sum(),
        "three reactions counted");
    Set<Class<?>> kinds = new java.util.HashSet<>();
    state.feed().owed("eitaa", Integer.MAX_VALUE).forEach(i -> kinds.add(i.payload().getClass()));
    assertEquals(
        Set.of(
            GroupItem.Created.class,
            GroupItem.Changed.class,
            GroupItem.Titled.class,
            GroupItem.Post.class,
            GroupItem.Counts.class),
        kinds,
        "items of every kind are owed");

    GroupSnapshots adapter = new GroupSnapshots(REACTIONS);
    io.peyvand.broker.serialization.StoredEventSerializer serializer =
        new io.peyvand.broker.serialization.StoredEventSerializer(null);
    Object stored = adapter.toJournal(state);
    assertEquals("group-snapshot", serializer.manifest(stored));
    GroupState restored =
        adapter.fromJournal(serializer.fromBinary(serializer.toBinary(stored), "group-snapshot"));

    assertEquals(state.toSnapshot(), restored.toSnapshot());
    assertEquals(observed(state), observed(restored));
  }

  /** Small limits: a snapshot every 10 events, 5 posts remembered for duplicates. */
  private static final GroupSettings SNAPSHOTS = GroupSettings.reference().withSnapshotEvery(10);

  private static final GroupSettings FEW_DUPLICATES =
      settings(5, java.time.Duration.ofSeconds(2), 10);

  /** A group of four platforms after exactly 20 events (a snapshot is taken at 10 and 20). */
  private void twentyEvents() {
    group = group(GROUP, FEW_DUPLICATES, Clock.systemUTC());
    fourPlatforms(); // 2 events
    for (int i = 0; i < 12; i++) {
      post(ALI, "p-" + i); // 14
    }
    group.<Group.Reply>runCommand(replyTo -> new Group.Acknowledge("bale", 10, replyTo));
    group.<Group.Reply>runCommand(replyTo -> new Group.Acknowledge("rubika", 6, replyTo)); // 16
    group.<Group.Reply>runCommand(replyTo -> new Group.SetTitle(OWNER, "Ours", replyTo));
    change(OWNER, new Membership.Muted(REZA, true)); // 18
    post(SARA, "p-12");
    post(SARA, "p-13"); // 20
  }

  private List<Long> snapshotSequences() {
    return group
        .snapshotTestKit()
        .orElseThrow()
        .persistedInStorage(Group.persistenceId(GROUP).id())
        .stream()
        .map(p -> p.first().sequenceNr())
        .toList();
  }

  @Test
  void aRestartAfterSnapshotEveryEventsRecoversFromTheSnapshotAndKeepsTheEvents() {
    assertEquals(500, GroupSettings.fromConfig(ConfigFactory.load()).snapshotEvery());
    assertEquals(10, SNAPSHOTS.snapshotEvery());
    twentyEvents();
    assertEquals(List.of(10L, 20L), snapshotSequences());
    post(ALI, "p-14");
    post(ALI, "p-15"); // 22: two events after the snapshot
    assertEquals(
        22,
        group.persistenceTestKit().persistedInStorage(Group.persistenceId(GROUP).id()).size(),
        "no event is deleted: they are the group's history");
    GroupState state = group.getState();
    Map<String, Object> before = observed(state);
    GroupState.Snapshot whole = state.toSnapshot();

    group.restart();

    assertEquals(whole, group.getState().toSnapshot());
    assertEquals(before, observed(group.getState()));
    // It behaves the same: duplicates, the eldest forgotten first, the muted member, cursors.
    Group.Accepted again = (Group.Accepted) post(ALI, "p-15");
    assertTrue(again.duplicate());
    assertEquals(22, again.sequence());
    assertTrue(((Group.Accepted) post(SARA, "p-12")).duplicate(), "one of the latest five");
    Group.Accepted forgotten = (Group.Accepted) post(ALI, "p-10");
    assertFalse(forgotten.duplicate(), "p-10 is not among the latest five");
    assertEquals(23, forgotten.sequence());
    // p-11 was the eldest of the five remembered: remembering p-10 forgot it, in stored order.
    Group.Accepted eldest = (Group.Accepted) post(ALI, "p-11");
    assertFalse(eldest.duplicate(), "the eldest is forgotten first");
    assertEquals(24, eldest.sequence());
    assertTrue(((Group.Accepted) post(SARA, "p-13")).duplicate());
    assertEquals(Group.Reason.NOT_PERMITTED, ((Group.Refused) post(REZA, "x")).reason());
    group.<Group.Reply>runCommand(replyTo -> new Group.Acknowledge("bale", 24, replyTo));
    assertTrue(group.getState().feed().owed("bale", 100).isEmpty());
    assertEquals(24 - 6, group.getState().feed().owed("rubika", 100).size());
  }

  @Test
  void aGroupRecoversFromItsSnapshotAlone() {
    twentyEvents();
    GroupState.Snapshot whole = group.getState().toSnapshot();
    Map<String, Object> before = observed(group.getState());
    // Without its events, only the snapshot at 20 can give the state back.
    group.persistenceTestKit().clearByIdPreservingSeqNumbers(Group.persistenceId(GROUP).id());
    group.restart();
    assertEquals(whole, group.getState().toSnapshot());
    assertEquals(before, observed(group.getState()));
    assertEquals(21, ((Group.Accepted) post(ALI, "p-20")).sequence());
  }

  @Test
  void aGroupIdWithAVerticalBarIsAGroup() {
    group = group(new Address("eitaa", "fam|ily"), GroupSettings.reference(), Clock.systemUTC());
    assertInstanceOf(Group.Info.class, create(Group.Kind.GROUP));
    group.restart();
    assertTrue(group.getState().exists());
  }

  @Test
  void itemsAPlatformDidNotTakeWithinTheRetentionAreGivenUpOnWakeUp() {
    ManualClock moving = new ManualClock(Instant.parse("2026-11-28T12:00:00Z"));
    group = group(GROUP, GroupSettings.reference(), moving);
    fourPlatforms();
    post(ALI, "old");
    moving.advance(java.time.Duration.ofDays(20));
    post(ALI, "recent");
    assertEquals(
        3,
        group.getState().feed().owed("soroush", 100).size(),
        "its member's addition and the two posts");
    moving.advance(java.time.Duration.ofDays(15));
    group.runCommand(Group.WakeUp.INSTANCE);
    List<GroupFeed.Item<GroupItem>> left = group.getState().feed().owed("soroush", 100);
    assertEquals(1, left.size(), "only the post younger than the retention is still owed");
    assertEquals("recent", ((GroupItem.Post) left.get(0).payload()).message().messageId());
    group.restart();
    assertEquals(1, group.getState().feed().owed("soroush", 100).size(), "the same after replay");
  }
}
