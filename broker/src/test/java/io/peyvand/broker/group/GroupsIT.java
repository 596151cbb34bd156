package io.peyvand.broker.group;

import static io.peyvand.broker.TestGroups.post;
import static io.peyvand.broker.group.GroupsNode.group;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.peyvand.broker.TestBroker;
import io.peyvand.broker.TestGroups;
import io.peyvand.broker.ingress.RawSession;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import io.peyvand.protocol.v1.ChangeMembersRequest;
import io.peyvand.protocol.v1.CreateGroupRequest;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.GetGroupRequest;
import io.peyvand.protocol.v1.GroupAddress;
import io.peyvand.protocol.v1.GroupDelivery;
import io.peyvand.protocol.v1.GroupInfo;
import io.peyvand.protocol.v1.GroupKind;
import io.peyvand.protocol.v1.MemberChange;
import io.peyvand.protocol.v1.MembershipChange;
import io.peyvand.protocol.v1.SubmitResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Groups with members on the four dev platforms, over real gRPC and the real Cassandra: every
 * platform receives every post once (repeats only flagged), in the group's order; a platform that
 * was offline catches up in order; a removed member cannot post and their platform stops receiving;
 * a member added later receives from the join on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GroupsIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();
  private static final List<String> PLATFORMS = List.of("eitaa", "bale", "rubika", "soroush");
  private static final Duration WAIT = Duration.ofSeconds(60);

  @RegisterExtension
  final GroupsNode broker =
      new GroupsNode(
          cassandra,
          "GroupsIT",
          TestBroker.FOUR_PLATFORMS
              + """
          peyvand.groups.posts-per-second = 0
          peyvand.groups.redelivery-after = 3s
          """);

  /** The owner (eitaa:owner) applies {@code op} to {@code users} in {@code group}. */
  private GroupInfo byOwner(GroupAddress group, MemberChange.Op op, String... users)
      throws Exception {
    return call(
        broker
            .groups()
            .changeMembers(TestGroups.members(group, "eitaa:owner", op, users))
            .toCompletableFuture());
  }

  /** The page of {@code group}'s history below {@code before} that bale:late reads. */
  private io.peyvand.protocol.v1.HistoryPage lateHistory(GroupAddress group, long before, int limit)
      throws Exception {
    return broker
        .groups()
        .history(
            io.peyvand.protocol.v1.HistoryRequest.newBuilder()
                .setGroup(group)
                .setUser(RawSession.user("bale:late"))
                .setBeforeSequence(before)
                .setLimit(limit)
                .build())
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  private GroupInfo call(CompletableFuture<GroupInfo> call) throws Exception {
    return call.get(30, TimeUnit.SECONDS);
  }

  /** Creates the group at eitaa:owner with two members on each of the other platforms. */
  private GroupInfo createWithMembers(GroupAddress group) throws Exception {
    call(
        broker
            .groups()
            .createGroup(
                TestGroups.creation(group, "eitaa:owner", "Family", GroupKind.GROUP).build())
            .toCompletableFuture());
    ChangeMembersRequest.Builder add =
        ChangeMembersRequest.newBuilder().setGroup(group).setActor(RawSession.user("eitaa:owner"));
    for (String platform : PLATFORMS) {
      for (int i = 1; i <= 2; i++) {
        add.addChanges(
            MemberChange.newBuilder()
                .setOp(MemberChange.Op.ADD)
                .setUser(RawSession.user(platform + ":m" + i)));
      }
    }
    return call(broker.groups().changeMembers(add.build()).toCompletableFuture());
  }

  /**
   * Posts {@code count} posts from members on every platform in turn, all at once; all must be
   * accepted. A post answered UNAVAILABLE (the broker could not confirm it in time, as a burst on a
   * loaded machine may cause) is resubmitted unchanged after retry_after_ms for up to a minute, as
   * PROTOCOL.md §10 asks of an adapter; it must then be accepted, or answered duplicate if an
   * earlier try was stored.
   */
  private List<String> postRoundRobin(
      Map<String, GroupAdapter> adapters,
      GroupAddress group,
      String tag,
      int count,
      List<String> platforms)
      throws Exception {
    List<CompletableFuture<SubmitResult>> answers = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String platform = platforms.get(i % platforms.size());
      String id = tag + "-" + i;
      ids.add(id);
      answers.add(adapters.get(platform).submit(post(group, platform + ":m1", id)));
    }
    int resubmitted = 0;
    for (int i = 0; i < count; i++) {
      String platform = platforms.get(i % platforms.size());
      SubmitResult result = answers.get(i).get(60, TimeUnit.SECONDS);
      boolean resent = false;
      long giveUpAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (RawSession.mayResend(result) && System.nanoTime() < giveUpAt) {
        resent = true;
        Thread.sleep(result.getRefused().getRetryAfterMs());
        result =
            adapters
                .get(platform)
                .submit(post(group, platform + ":m1", ids.get(i)))
                .get(60, TimeUnit.SECONDS);
      }
      resubmitted += resent ? 1 : 0;
      SubmitResult last = result;
      boolean settled = last.hasAccepted() || (resent && last.hasDuplicate());
      assertTrue(settled, () -> "refused: " + last);
    }
    if (resubmitted > 0) {
      System.out.println(tag + ": " + resubmitted + " of " + count + " posts resubmitted");
    }
    return ids;
  }

  private static void await(String what, BooleanSupplier done) throws InterruptedException {
    await(what, () -> "", done);
  }

  private static void await(
      String what, java.util.function.Supplier<String> progress, BooleanSupplier done)
      throws InterruptedException {
    GroupCalls.await(WAIT, what, () -> ": " + progress.get(), done);
  }

  /** Every delivery seen twice was flagged; first arrivals are in the group's order. */
  private static void assertOrderedAndFlagged(GroupAdapter adapter, GroupAddress group) {
    Set<Long> seen = new HashSet<>();
    long last = 0;
    for (GroupDelivery d : adapter.of(group)) {
      boolean first = seen.add(d.getSequence());
      if (!first) {
        assertTrue(
            d.getRedelivery(),
            adapter.platform
                + " got sequence "
                + d.getSequence()
                + " twice without the redelivery flag");
        continue;
      }
      assertTrue(
          d.getSequence() > last || d.getRedelivery(),
          adapter.platform + " got sequence " + d.getSequence() + " after " + last);
      last = Math.max(last, d.getSequence());
    }
  }

  @Test
  void fiveHundredPostsFromFourPlatformsReachEveryPlatformOnceInTheGroupsOrder() throws Exception {
    GroupAddress group = group("five-hundred");
    Map<String, GroupAdapter> adapters = broker.adapters(PLATFORMS);
    GroupInfo info = createWithMembers(group);
    assertEquals(4, info.getMembersCount(), "members counted on four platforms");
    List<String> ids = postRoundRobin(adapters, group, "p", 500, PLATFORMS);
    for (GroupAdapter adapter : adapters.values()) {
      await(
          adapter.platform + " received all 500 posts",
          () ->
              adapter.postIds(group).size()
                  + " of 500, "
                  + adapter.of(group).size()
                  + " deliveries",
          () -> new HashSet<>(adapter.postIds(group)).containsAll(ids));
    }
    // The group's order: the sequences the posts were accepted with, the same on every platform.
    List<String> reference = adapters.get("eitaa").postIds(group);
    for (GroupAdapter adapter : adapters.values()) {
      assertEquals(500, Set.copyOf(adapter.postIds(group)).size());
      assertEquals(
          reference,
          adapter.postIds(group),
          adapter.platform + " received the posts in another order");
      assertOrderedAndFlagged(adapter, group);
      assertTrue(adapter.errors.isEmpty(), () -> adapter.platform + ": " + adapter.errors);
    }
  }

  @Test
  void aPlatformOfflineDuringTwoHundredPostsCatchesUpInOrder() throws Exception {
    GroupAddress group = group("offline");
    Map<String, GroupAdapter> online = new java.util.HashMap<>(broker.adapters(PLATFORMS));
    createWithMembers(group);
    // rubika is owed the log from its first member's addition: its two, then soroush's two.
    await("rubika received the membership", () -> online.get("rubika").of(group).size() >= 4);
    GroupAdapter rubika = online.remove("rubika");
    broker.close(rubika);
    List<String> ids =
        postRoundRobin(online, group, "off", 200, List.of("eitaa", "bale", "soroush"));
    for (GroupAdapter adapter : online.values()) {
      await(
          adapter.platform + " received the 200",
          () -> new HashSet<>(adapter.postIds(group)).containsAll(ids));
    }
    GroupAdapter back = broker.adapter("rubika");
    await(
        "rubika caught up",
        () -> back.postIds(group).size() + " of 200",
        () -> new HashSet<>(back.postIds(group)).containsAll(ids));
    List<String> received = back.postIds(group).stream().distinct().toList();
    assertEquals(ids.size(), received.size());
    assertEquals(online.get("eitaa").postIds(group), received, "caught up in the group's order");
    assertOrderedAndFlagged(back, group);
  }

  @Test
  void aRemovedMemberCannotPostAndALateMemberReceivesFromTheJoinOn() throws Exception {
    GroupAddress group = group("changes");
    Map<String, GroupAdapter> adapters = broker.adapters(PLATFORMS);
    createWithMembers(group);
    postRoundRobin(adapters, group, "before", 10, PLATFORMS);
    // soroush's members leave: one is removed, the other leaves.
    byOwner(group, MemberChange.Op.REMOVE, "soroush:m1", "soroush:m2");
    SubmitResult refused =
        adapters
            .get("soroush")
            .submit(post(group, "soroush:m1", "after-removal"))
            .get(30, TimeUnit.SECONDS);
    assertEquals(ErrorCode.NOT_PERMITTED, refused.getRefused().getCode());
    assertTrue(
        refused.getRefused().getMessage().contains("not a member"),
        refused.getRefused().getMessage());
    List<String> between =
        postRoundRobin(adapters, group, "between", 10, List.of("eitaa", "bale", "rubika"));
    GroupInfo late = byOwner(group, MemberChange.Op.ADD, "soroush:late");
    long joinedAt = late.getLastSequence();
    List<String> after =
        postRoundRobin(adapters, group, "after", 10, List.of("eitaa", "bale", "rubika"));
    GroupAdapter soroush = adapters.get("soroush");
    await(
        "soroush received the posts after the join",
        () -> new HashSet<>(soroush.postIds(group)).containsAll(after));
    await(
        "bale received everything",
        () -> new HashSet<>(adapters.get("bale").postIds(group)).containsAll(after));
    List<String> soroushPosts = soroush.postIds(group);
    assertTrue(
        soroushPosts.stream().noneMatch(between::contains),
        "soroush had no members between the removal and the join: " + soroushPosts);
    assertTrue(soroushPosts.containsAll(after));
    List<MembershipChange> changes =
        soroush.of(group).stream()
            .filter(GroupDelivery::hasChange)
            .map(GroupDelivery::getChange)
            .toList();
    assertTrue(
        changes.stream()
            .anyMatch(
                c ->
                    c.getKind() == MembershipChange.Kind.REMOVED
                        && c.getUser().getUserId().equals("m1")),
        "soroush was told of its members' removal");
    assertTrue(
        soroush.of(group).stream()
            .anyMatch(
                d ->
                    d.getSequence() == joinedAt
                        && d.getChange().getKind() == MembershipChange.Kind.ADDED),
        "soroush got its join");
    for (GroupAdapter adapter : adapters.values()) {
      assertOrderedAndFlagged(adapter, group);
    }
  }

  @Test
  void badCallsAreRefusedWithCodesThatSayWhatToFix() throws Exception {
    GroupAddress group = group("refusals");
    createWithMembers(group);
    GroupAdapter bale = broker.adapter("bale");
    SubmitResult stranger =
        bale.submit(post(group, "bale:stranger", "s-1")).get(30, TimeUnit.SECONDS);
    assertEquals(ErrorCode.NOT_PERMITTED, stranger.getRefused().getCode());
    SubmitResult unknown =
        bale.submit(post(group("nowhere"), "bale:m1", "s-2")).get(30, TimeUnit.SECONDS);
    assertEquals(ErrorCode.UNKNOWN_GROUP, unknown.getRefused().getCode());
    assertGrpcError(
        Status.Code.ALREADY_EXISTS,
        "exists",
        broker
            .groups()
            .createGroup(TestGroups.creation(group, "eitaa:other", "x", GroupKind.GROUP).build())
            .toCompletableFuture());
    assertGrpcError(
        Status.Code.PERMISSION_DENIED,
        "may not add",
        broker
            .groups()
            .changeMembers(TestGroups.members(group, "bale:m1", MemberChange.Op.ADD, "bale:friend"))
            .toCompletableFuture());
    assertGrpcError(
        Status.Code.INVALID_ARGUMENT,
        "kind",
        broker
            .groups()
            .createGroup(
                CreateGroupRequest.newBuilder()
                    .setGroup(group("kindless"))
                    .setActor(RawSession.user("eitaa:owner"))
                    .setTitle("x")
                    .build())
            .toCompletableFuture());
    assertGrpcError(
        Status.Code.NOT_FOUND,
        "does not exist",
        broker
            .groups()
            .getGroup(GetGroupRequest.newBuilder().setGroup(group("nowhere")).build())
            .toCompletableFuture());
    // The broker is still up and the group intact.
    GroupInfo info =
        call(
            broker
                .groups()
                .getGroup(GetGroupRequest.newBuilder().setGroup(group).build())
                .toCompletableFuture());
    assertEquals(9, info.getMembersList().stream().mapToLong(c -> c.getMembers()).sum());
  }

  private static void assertGrpcError(
      Status.Code code, String says, CompletableFuture<GroupInfo> call)
      throws InterruptedException {
    Status status = GroupCalls.assertStatus(code, call);
    assertTrue(String.valueOf(status.getDescription()).contains(says), status.getDescription());
  }

  @Test
  void aPlatformThatAsksForMemberListsGetsItsMembersWithEachItem() throws Exception {
    GroupAddress group = group("lists");
    broker
        .node()
        .as("rubika")
        .configurePlatform(
            io.peyvand.protocol.v1.ConfigurePlatformRequest.newBuilder()
                .setPlatformId("rubika")
                .setDefaultOptedIn(true)
                .setCapabilities(
                    io.peyvand.protocol.v1.Capabilities.newBuilder()
                        .setMedia(true)
                        .setEdits(true)
                        .setDeletes(true)
                        .setReactions(true)
                        .setReplies(true)
                        .setReadReceipts(true)
                        .setGroupMemberLists(true))
                .build())
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    Map<String, GroupAdapter> adapters = broker.adapters(PLATFORMS);
    createWithMembers(group);
    postRoundRobin(adapters, group, "l", 4, PLATFORMS);
    await(
        "rubika and bale received the posts",
        () ->
            adapters.get("rubika").postIds(group).size() == 4
                && adapters.get("bale").postIds(group).size() == 4);
    GroupDelivery rubikaPost =
        adapters.get("rubika").of(group).stream()
            .filter(GroupDelivery::hasPost)
            .findFirst()
            .orElseThrow();
    assertEquals(List.of("m1", "m2"), rubikaPost.getMemberIdsList());
    assertTrue(
        adapters.get("bale").of(group).stream().allMatch(d -> d.getMemberIdsCount() == 0),
        "bale did not ask for member lists");
  }

  /**
   * PROTOCOL.md §14.3: group posts are not checked against the members' platforms' capabilities; a
   * platform receives every post of its groups as submitted, even content it declared it cannot
   * honour, while the same content sent 1:1 to one of its users is refused.
   */
  @Test
  void aPostItsMembersPlatformCannotHonourIsDeliveredAsSubmitted() throws Exception {
    // soroush: text only (no reactions, no media), its consent default kept.
    broker
        .node()
        .as("soroush")
        .configurePlatform(
            io.peyvand.protocol.v1.ConfigurePlatformRequest.newBuilder()
                .setPlatformId("soroush")
                .setDefaultOptedIn(true)
                .setCapabilities(
                    io.peyvand.protocol.v1.Capabilities.newBuilder().setReadReceipts(true))
                .build())
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    GroupAddress group = group("capabilities");
    Map<String, GroupAdapter> adapters = broker.adapters(PLATFORMS);
    createWithMembers(group);
    Envelope text = post(group, "eitaa:m1", "cap-text");
    Envelope reaction =
        post(group, "eitaa:m1", "cap-reaction").toBuilder()
            .setReaction(
                io.peyvand.protocol.v1.Reaction.newBuilder()
                    .setTargetMessageId("cap-text")
                    .setEmoji("\u2764"))
            .build();
    Envelope media =
        post(group, "eitaa:m1", "cap-media").toBuilder()
            .setMedia(
                io.peyvand.protocol.v1.MediaReference.newBuilder()
                    .setUrl("https://media.eitaa.example/cap.jpg")
                    .setMimeType("image/jpeg")
                    .setSizeBytes(1 << 20)
                    .setSha256(com.google.protobuf.ByteString.copyFrom(new byte[32]))
                    .setCaption("a photo"))
            .build();
    for (Envelope envelope : List.of(text, reaction, media)) {
      SubmitResult result = adapters.get("eitaa").submit(envelope).get(60, TimeUnit.SECONDS);
      assertTrue(result.hasAccepted(), () -> envelope.getMessageId() + " refused: " + result);
    }
    GroupAdapter soroush = adapters.get("soroush");
    await(
        "soroush received the three posts",
        () -> soroush.postIds(group).toString(),
        () -> soroush.postIds(group).containsAll(List.of("cap-text", "cap-reaction", "cap-media")));
    Map<String, Envelope> received =
        soroush.of(group).stream()
            .filter(GroupDelivery::hasPost)
            .collect(
                Collectors.toMap(
                    d -> d.getPost().getMessageId(), GroupDelivery::getPost, (a, b) -> a));
    assertEquals(reaction, received.get("cap-reaction"), "the reaction, as submitted");
    assertEquals(media, received.get("cap-media"), "the media, as submitted");

    // The same reaction 1:1 to a user of soroush is refused.
    Envelope direct =
        reaction.toBuilder()
            .clearGroup()
            .setMessageId("cap-direct")
            .setRecipient(RawSession.user("soroush:m1"))
            .build();
    SubmitResult refused = adapters.get("eitaa").submit(direct).get(60, TimeUnit.SECONDS);
    assertEquals(
        ErrorCode.CAPABILITY_NOT_SUPPORTED, refused.getRefused().getCode(), refused.toString());
    assertTrue(
        refused.getRefused().getMessage().startsWith("capability reactions: "),
        refused.getRefused().getMessage());
  }

  @Test
  void aLateMemberReadsTheHistoryBeforeTheJoinPageByPage() throws Exception {
    GroupAddress group = group("history");
    Map<String, GroupAdapter> adapters = broker.adapters(PLATFORMS);
    createWithMembers(group);
    List<String> ids = postRoundRobin(adapters, group, "h", 150, PLATFORMS);
    GroupInfo joined = byOwner(group, MemberChange.Op.ADD, "bale:late");
    long last = joined.getLastSequence();
    List<io.peyvand.protocol.v1.HistoryItem> all = new ArrayList<>();
    long before = 0;
    int pages = 0;
    do {
      io.peyvand.protocol.v1.HistoryPage page = lateHistory(group, before, 70);
      assertTrue(page.getItemsCount() <= 70);
      long bound = before;
      assertTrue(
          page.getItemsList().stream().allMatch(it -> bound == 0 || it.getSequence() < bound),
          "a page holds only items before before_sequence");
      all.addAll(page.getItemsList());
      before = page.getNextBeforeSequence();
      pages++;
    } while (before != 0 && pages < 10);
    List<Long> sequences =
        all.stream().map(io.peyvand.protocol.v1.HistoryItem::getSequence).toList();
    List<Long> expected = new ArrayList<>();
    for (long s = last; s >= 1; s--) {
      expected.add(s);
    }
    assertEquals(expected, sequences, "every item, newest first, no gap, no repeat");
    assertEquals(3, pages);
    assertEquals(MembershipChange.Kind.CREATED, all.get(all.size() - 1).getChange().getKind());
    List<String> posted =
        new ArrayList<>(
            all.stream()
                .filter(io.peyvand.protocol.v1.HistoryItem::hasPost)
                .map(it -> it.getPost().getMessageId())
                .toList());
    java.util.Collections.reverse(posted);
    await(
        "eitaa received the posts",
        () -> new HashSet<>(adapters.get("eitaa").postIds(group)).containsAll(ids));
    assertEquals(
        adapters.get("eitaa").postIds(group),
        posted,
        "the posts in the order the members received them");
    assertEquals(Set.copyOf(ids), Set.copyOf(posted));
    // A page from the middle starts right below before_sequence, through the journal index.
    io.peyvand.protocol.v1.HistoryPage middle = lateHistory(group, 100, 5);
    assertEquals(
        List.of(99L, 98L, 97L, 96L, 95L),
        middle.getItemsList().stream()
            .map(io.peyvand.protocol.v1.HistoryItem::getSequence)
            .toList());
    assertEquals(95, middle.getNextBeforeSequence());
    // A stranger may not read the history.
    GroupCalls.assertStatus(
        Status.Code.PERMISSION_DENIED,
        broker
            .groups()
            .history(
                io.peyvand.protocol.v1.HistoryRequest.newBuilder()
                    .setGroup(group)
                    .setUser(RawSession.user("bale:stranger"))
                    .build()));
  }
}
