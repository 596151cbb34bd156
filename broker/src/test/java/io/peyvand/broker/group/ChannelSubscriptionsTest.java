package io.peyvand.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.peyvand.broker.TestConfig;
import io.peyvand.broker.model.Address;
import io.peyvand.broker.serialization.ChannelSubscriberSnapshots;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Bulk subscriptions through Cluster Sharding on a one-node cluster with the in-memory journal
 * (events still go through the stored-event serializer): split by bucket, summed, and the channel's
 * counts per platform exact although the channel loses every third report.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChannelSubscriptionsTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Config CONFIG =
      TestConfig.inMemory(
          """
          peyvand.channels.subscription-buckets = 16
          peyvand.channels.bulk-max-users = 2000
          peyvand.channels.snapshot-every = 3
          peyvand.channels.report-retry-after = 200ms
          """);

  private final ActorTestKit testKit = ActorTestKit.create("ChannelSubscriptionsTest", CONFIG);
  private final LossyChannels channels = new LossyChannels();
  private ChannelSubscriptions subscriptions;

  /** The channels' side: counts per channel; every third report is lost (fails). */
  private static final class LossyChannels implements CountSink {
    private final Map<Address, SubscriberCounts> counts = new HashMap<>();
    private final AtomicLong reports = new AtomicLong();

    @Override
    public synchronized CompletionStage<Done> report(Address channel, BucketCount count) {
      if (reports.incrementAndGet() % 3 == 0) {
        return CompletableFuture.failedFuture(new IllegalStateException("lost (test)"));
      }
      counts.computeIfAbsent(channel, c -> new SubscriberCounts()).apply(count);
      return CompletableFuture.completedFuture(Done.getInstance());
    }

    synchronized Map<String, Long> perPlatform(Address channel) {
      return Map.copyOf(counts.getOrDefault(channel, new SubscriberCounts()).perPlatform());
    }
  }

  @BeforeAll
  void start() {
    TestConfig.joinItself(testKit.system());
    ChannelSettings settings = ChannelSettings.fromConfig(testKit.system().settings().config());
    ChannelSubscribers.init(testKit.system(), settings, channels, new ChannelSubscriberSnapshots());
    subscriptions = new ChannelSubscriptions(testKit.system(), settings);
  }

  @AfterAll
  void stop() {
    testKit.shutdownTestKit();
  }

  private static List<String> users(String prefix, int from, int to) {
    List<String> users = new ArrayList<>();
    for (int i = from; i < to; i++) {
      users.add(prefix + i);
    }
    return users;
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  /** Waits until the channel's counts are {@code expected}; fails with the last seen otherwise. */
  private void awaitCounts(Address channel, Map<String, Long> expected)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    Map<String, Long> seen = channels.perPlatform(channel);
    while (!seen.equals(expected) && System.nanoTime() < deadline) {
      Thread.sleep(50);
      seen = channels.perPlatform(channel);
    }
    assertEquals(expected, seen);
  }

  @Test
  void overlappingAndRepeatedBatchesOverFourPlatformsCountEveryUserOnce() throws Exception {
    Address channel = new Address("eitaa", "news-1");
    Map<String, Set<String>> model = new TreeMap<>();
    for (String platform : List.of("bale", "eitaa", "rubika", "soroush")) {
      Set<String> subscribed = model.computeIfAbsent(platform, p -> new HashSet<>());
      // 0-1999, then 1000-2999 (half already in), then 0-1999 again (all in).
      for (int[] range : new int[][] {{0, 2000}, {1000, 3000}, {0, 2000}}) {
        List<String> batch = users("u", range[0], range[1]);
        int fresh = (int) batch.stream().filter(u -> !subscribed.contains(u)).count();
        ChannelSubscriptions.Outcome outcome =
            await(subscriptions.subscribe(channel, platform, batch));
        assertEquals(
            new ChannelSubscriptions.Outcome(fresh, batch.size() - fresh),
            outcome,
            platform + " " + range[0] + "-" + range[1]);
        subscribed.addAll(batch);
      }
    }
    // soroush: 500 leave, with 100 who never subscribed and duplicates in the call.
    List<String> leaving = users("u", 2500, 3100);
    leaving.addAll(users("u", 2500, 2600));
    ChannelSubscriptions.Outcome left =
        await(subscriptions.unsubscribe(channel, "soroush", leaving));
    assertEquals(new ChannelSubscriptions.Outcome(500, 100), left);
    model.get("soroush").removeAll(leaving);
    Map<String, Long> expected = new TreeMap<>();
    model.forEach((platform, set) -> expected.put(platform, (long) set.size()));
    assertEquals(
        Map.of("bale", 3000L, "eitaa", 3000L, "rubika", 3000L, "soroush", 2500L), expected);
    awaitCounts(channel, expected);
    assertTrue(await(subscriptions.isSubscribed(channel, new Address("rubika", "u2999"))));
    assertFalse(await(subscriptions.isSubscribed(channel, new Address("soroush", "u2999"))));
    assertFalse(await(subscriptions.isSubscribed(channel, new Address("bale", "u3000"))));
  }

  @Test
  void everyoneLeavingTakesThePlatformOutOfTheCounts() throws Exception {
    Address channel = new Address("bale", "news-2");
    await(subscriptions.subscribe(channel, "eitaa", users("x", 0, 300)));
    await(subscriptions.subscribe(channel, "bale", users("y", 0, 10)));
    awaitCounts(channel, Map.of("eitaa", 300L, "bale", 10L));
    await(subscriptions.unsubscribe(channel, "eitaa", users("x", 0, 300)));
    awaitCounts(channel, Map.of("bale", 10L));
  }

  @Test
  void aCallOverTheBulkLimitIsRefusedWhole() throws Exception {
    Address channel = new Address("eitaa", "news-3");
    ExecutionException refused =
        assertThrows(
            ExecutionException.class,
            () -> await(subscriptions.subscribe(channel, "bale", users("z", 0, 2001))));
    assertInstanceOf(IllegalArgumentException.class, refused.getCause());
    assertFalse(await(subscriptions.isSubscribed(channel, new Address("bale", "z0"))));
  }

  @Test
  void theSplitKeepsEachUserOnceInItsBucket() {
    Map<Integer, List<String>> split =
        ChannelSubscriptions.byBucket(List.of("a", "b", "a", "c", "b"), 4);
    List<String> all = split.values().stream().flatMap(List::stream).sorted().toList();
    assertEquals(List.of("a", "b", "c"), all);
    split.forEach(
        (bucket, users) ->
            users.forEach(u -> assertEquals(bucket, SubscriberBucket.bucketOf(u, 4))));
  }
}
