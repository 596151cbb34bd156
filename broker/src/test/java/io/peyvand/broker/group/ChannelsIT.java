package io.peyvand.broker.group;

import static io.peyvand.broker.TestGroups.post;
import static io.peyvand.broker.group.GroupCalls.assertStatus;
import static io.peyvand.broker.group.GroupsNode.group;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.peyvand.broker.TestBroker;
import io.peyvand.broker.TestGroups;
import io.peyvand.broker.ingress.RawSession;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import io.peyvand.protocol.v1.BulkSubscribeRequest;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.GetGroupRequest;
import io.peyvand.protocol.v1.GroupAddress;
import io.peyvand.protocol.v1.GroupDelivery;
import io.peyvand.protocol.v1.GroupInfo;
import io.peyvand.protocol.v1.GroupKind;
import io.peyvand.protocol.v1.HistoryRequest;
import io.peyvand.protocol.v1.JoinRequest;
import io.peyvand.protocol.v1.LeaveRequest;
import io.peyvand.protocol.v1.PlatformCount;
import io.peyvand.protocol.v1.Reaction;
import io.peyvand.protocol.v1.SubmitResult;
import io.peyvand.protocol.v1.UserAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Channels over real gRPC and the real Cassandra: a channel of 1,000,000 subscribers on the four
 * dev platforms, subscribed through the API in bulk, counted exactly per platform; each post
 * reaches each platform once; subscribers' reactions come back as counts; a platform without
 * subscribers receives nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChannelsIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();
  private static final List<String> PLATFORMS = List.of("eitaa", "bale", "rubika", "soroush");
  private static final Duration WAIT = Duration.ofSeconds(90);

  @RegisterExtension
  final GroupsNode broker =
      new GroupsNode(
          cassandra,
          "ChannelsIT",
          TestBroker.FOUR_PLATFORMS
              + """
          peyvand.groups.reaction-counts-every = 200ms
          """);

  /** Waits until {@code channel}'s subscriber counts per platform are {@code expected}. */
  private void awaitCounts(String what, GroupAddress channel, Map<String, Long> expected)
      throws InterruptedException {
    await(
        what,
        () -> {
          try {
            return counts(info(channel)).equals(expected);
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });
  }

  private GroupInfo create(GroupAddress channel) throws Exception {
    return broker
        .groups()
        .createGroup(
            TestGroups.creation(channel, "eitaa:publisher", "News", GroupKind.CHANNEL)
                .setOpen(true)
                .build())
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  private GroupInfo info(GroupAddress channel) throws Exception {
    return broker
        .groups()
        .getGroup(GetGroupRequest.newBuilder().setGroup(channel).build())
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  private static Map<String, Long> counts(GroupInfo info) {
    return info.getMembersList().stream()
        .collect(Collectors.toMap(PlatformCount::getPlatformId, PlatformCount::getMembers));
  }

  /** Subscribes {@code perPlatform} users of each platform, 10,000 a call, 4 calls at once. */
  private void bulkSubscribe(GroupAddress channel, List<String> platforms, int perPlatform)
      throws Exception {
    Semaphore inFlight = new Semaphore(4);
    List<CompletableFuture<GroupInfo>> calls = new ArrayList<>();
    for (String platform : platforms) {
      for (int from = 0; from < perPlatform; from += 10_000) {
        BulkSubscribeRequest.Builder call = BulkSubscribeRequest.newBuilder().setGroup(channel);
        for (int i = from; i < Math.min(perPlatform, from + 10_000); i++) {
          call.addUsers(UserAddress.newBuilder().setPlatformId(platform).setUserId("fan-" + i));
        }
        inFlight.acquire();
        calls.add(
            broker
                .groups()
                .bulkSubscribe(call.build())
                .toCompletableFuture()
                .whenComplete((ok, error) -> inFlight.release()));
      }
    }
    for (CompletableFuture<GroupInfo> call : calls) {
      call.get(120, TimeUnit.SECONDS);
    }
  }

  private static Envelope react(GroupAddress channel, String fan, String id, String target) {
    return Envelope.newBuilder()
        .setMessageId(id)
        .setSender(RawSession.user(fan))
        .setGroup(channel)
        .setClientTimestampMs(System.currentTimeMillis())
        .setReaction(Reaction.newBuilder().setTargetMessageId(target).setEmoji("\u2764"))
        .build();
  }

  private static void await(String what, BooleanSupplier done) throws InterruptedException {
    GroupCalls.await(WAIT, what, () -> "", done);
  }

  @Test
  void aChannelOfAMillionSubscribersDeliversEachPostOncePerPlatform() throws Exception {
    GroupAddress news = group("news");
    create(news);
    bulkSubscribe(news, PLATFORMS, 250_000);
    awaitCounts(
        "the counts are exact",
        news,
        Map.of("eitaa", 250_000L, "bale", 250_000L, "rubika", 250_000L, "soroush", 250_000L));
    // Subscribing again changes nothing; one more subscriber and a leave are counted exactly.
    bulkSubscribe(news, List.of("bale"), 10_000);
    broker
        .groups()
        .join(
            JoinRequest.newBuilder()
                .setGroup(news)
                .setUser(RawSession.user("rubika:newcomer"))
                .build())
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    broker
        .groups()
        .leave(
            LeaveRequest.newBuilder()
                .setGroup(news)
                .setUser(RawSession.user("soroush:fan-7"))
                .build())
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    awaitCounts(
        "the counts follow",
        news,
        Map.of("eitaa", 250_000L, "bale", 250_000L, "rubika", 250_001L, "soroush", 249_999L));

    Map<String, GroupAdapter> sessions = broker.adapters(PLATFORMS);
    GroupAdapter eitaa = sessions.get("eitaa");
    List<String> ids = List.of("n-1", "n-2", "n-3");
    for (String id : ids) {
      SubmitResult result =
          eitaa.submit(post(news, "eitaa:publisher", id)).get(30, TimeUnit.SECONDS);
      assertTrue(result.hasAccepted(), result::toString);
    }
    for (GroupAdapter adapter : sessions.values()) {
      await(adapter.platform + " received the posts", () -> adapter.postIds(news).equals(ids));
      List<GroupDelivery> posts = adapter.of(news).stream().filter(GroupDelivery::hasPost).toList();
      assertEquals(
          posts.stream().map(GroupDelivery::getSequence).distinct().count(),
          posts.stream().filter(d -> !d.getRedelivery()).count(),
          adapter.platform + ": one delivery per post, repeats flagged");
      assertTrue(
          posts.stream().allMatch(d -> d.getMemberIdsCount() == 0),
          "a channel never lists its subscribers");
    }

    // A subscriber reacts: counted, and the counts come back to every platform as one item.
    SubmitResult reaction =
        sessions
            .get("bale")
            .submit(react(news, "bale:fan-3", "r-1", "n-1"))
            .get(30, TimeUnit.SECONDS);
    assertTrue(reaction.hasAccepted(), reaction::toString);
    sessions
        .get("rubika")
        .submit(react(news, "rubika:fan-9", "r-2", "n-1"))
        .get(30, TimeUnit.SECONDS);
    for (GroupAdapter adapter : sessions.values()) {
      await(
          adapter.platform + " received the counts",
          () ->
              adapter.of(news).stream()
                  .anyMatch(
                      d ->
                          d.hasCounts()
                              && d.getCounts().getMessageId().equals("n-1")
                              && d.getCounts().getCountsList().stream()
                                  .anyMatch(c -> c.getCount() == 2)));
    }
    // A subscriber is not a publisher.
    SubmitResult refused =
        sessions.get("bale").submit(post(news, "bale:fan-3", "x-1")).get(30, TimeUnit.SECONDS);
    assertEquals(ErrorCode.NOT_PERMITTED, refused.getRefused().getCode());
    // Subscribers read the history; others do not.
    assertEquals(
        3,
        broker
            .groups()
            .history(
                HistoryRequest.newBuilder()
                    .setGroup(news)
                    .setUser(RawSession.user("soroush:fan-8"))
                    .build())
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS)
            .getItemsList()
            .stream()
            .filter(i -> i.hasPost())
            .count());
    assertStatus(
        Status.Code.PERMISSION_DENIED,
        broker
            .groups()
            .history(
                HistoryRequest.newBuilder()
                    .setGroup(news)
                    .setUser(RawSession.user("soroush:fan-7"))
                    .build())
            .toCompletableFuture());
  }

  @Test
  void aPlatformWithoutSubscribersReceivesNothing() throws Exception {
    GroupAddress local = group("local");
    create(local);
    bulkSubscribe(local, List.of("bale"), 20);
    await(
        "bale's subscribers are counted",
        () -> {
          try {
            return counts(info(local)).equals(Map.of("bale", 20L));
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });
    Map<String, GroupAdapter> sessions = broker.adapters(PLATFORMS);
    assertTrue(
        sessions
            .get("eitaa")
            .submit(post(local, "eitaa:publisher", "l-1"))
            .get(30, TimeUnit.SECONDS)
            .hasAccepted());
    await("bale received it", () -> sessions.get("bale").postIds(local).equals(List.of("l-1")));
    await(
        "eitaa (the publisher's platform) received it",
        () -> sessions.get("eitaa").postIds(local).equals(List.of("l-1")));
    Thread.sleep(1000);
    assertTrue(sessions.get("rubika").of(local).isEmpty(), "rubika has no subscribers");
    assertTrue(sessions.get("soroush").of(local).isEmpty(), "soroush has no subscribers");
  }

  @Test
  void bulkSubscriptionRefusesWhatItCannotDo() throws Exception {
    GroupAddress closed = group("closed");
    broker
        .groups()
        .createGroup(
            TestGroups.creation(closed, "eitaa:publisher", "Closed", GroupKind.CHANNEL).build())
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    assertStatus(
        Status.Code.PERMISSION_DENIED,
        broker
            .groups()
            .bulkSubscribe(
                BulkSubscribeRequest.newBuilder()
                    .setGroup(closed)
                    .addUsers(RawSession.user("bale:x"))
                    .build())
            .toCompletableFuture());
    GroupAddress open = group("open");
    create(open);
    // One platform's users a call (the calling platform's).
    assertStatus(
        Status.Code.INVALID_ARGUMENT,
        broker
            .groups()
            .bulkSubscribe(
                BulkSubscribeRequest.newBuilder()
                    .setGroup(open)
                    .addUsers(RawSession.user("bale:x"))
                    .addUsers(RawSession.user("rubika:y"))
                    .build())
            .toCompletableFuture());
    BulkSubscribeRequest.Builder tooMany = BulkSubscribeRequest.newBuilder().setGroup(open);
    for (int i = 0; i <= 10_000; i++) {
      tooMany.addUsers(RawSession.user("bale:u" + i));
    }
    assertStatus(
        Status.Code.INVALID_ARGUMENT,
        broker.groups().bulkSubscribe(tooMany.build()).toCompletableFuture());
    assertStatus(
        Status.Code.NOT_FOUND,
        broker
            .groups()
            .bulkSubscribe(
                BulkSubscribeRequest.newBuilder()
                    .setGroup(group("nowhere"))
                    .addUsers(RawSession.user("bale:x"))
                    .build())
            .toCompletableFuture());
  }
}
