package io.peyvand.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.cql.Row;
import com.typesafe.config.Config;
import io.peyvand.broker.TestConfig;
import io.peyvand.broker.model.Address;
import io.peyvand.broker.serialization.ChannelSubscriberSnapshots;
import io.peyvand.broker.serialization.StoredEventSerializer;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Subscription buckets on the real Cassandra, through Cluster Sharding: 40,000 users over four
 * platforms in bulk, exact counts, events and snapshots stored as protobuf; then a new actor system
 * recovers every bucket from its snapshot, and a channel that knew nothing gets the same totals
 * from the counts the buckets report again on recovery (bale, eitaa and rubika change nothing).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChannelSubscribersIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Address CHANNEL = new Address("eitaa", "news");
  private static final List<String> PLATFORMS = List.of("bale", "eitaa", "rubika", "soroush");
  private static final int USERS_PER_PLATFORM = 10_000;
  private static final int BATCH = 1_000;

  /** The channel's side: exact counts, confirmed at once. */
  private static final class Counts implements CountSink {
    private final SubscriberCounts counts = new SubscriberCounts();

    @Override
    public synchronized CompletionStage<Done> report(Address channel, BucketCount count) {
      counts.apply(count);
      return CompletableFuture.completedFuture(Done.getInstance());
    }

    synchronized Map<String, Long> perPlatform() {
      return Map.copyOf(counts.perPlatform());
    }
  }

  private Config config() {
    return TestConfig.onCassandra(
        cassandra,
        """
            pekko.remote.artery.canonical.port = 0
            peyvand.channels.subscription-buckets = 16
            peyvand.channels.snapshot-every = 4
            """);
  }

  private ChannelSubscriptions start(ActorTestKit kit, CountSink sink) {
    TestConfig.joinItself(kit.system());
    ChannelSettings settings = ChannelSettings.fromConfig(kit.system().settings().config());
    ChannelSubscribers.init(kit.system(), settings, sink, new ChannelSubscriberSnapshots());
    return new ChannelSubscriptions(kit.system(), settings);
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private static List<String> users(int from, int to) {
    List<String> users = new ArrayList<>();
    for (int i = from; i < to; i++) {
      users.add("user-" + i);
    }
    return users;
  }

  private static void awaitCounts(Counts counts, Map<String, Long> expected)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!counts.perPlatform().equals(expected) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertEquals(expected, counts.perPlatform());
  }

  @Test
  void bucketsKeepTheirSubscribersAcrossARestartAndTheirReportsRebuildTheCounts() throws Exception {
    Map<String, Long> expected =
        Map.of("bale", 10_000L, "eitaa", 10_000L, "rubika", 10_000L, "soroush", 9_000L);
    ActorTestKit first = ActorTestKit.create("ChannelSubscribersIT1", config());
    try {
      Counts counts = new Counts();
      ChannelSubscriptions subscriptions = start(first, counts);
      for (String platform : PLATFORMS) {
        for (int from = 0; from < USERS_PER_PLATFORM; from += BATCH) {
          assertEquals(
              new ChannelSubscriptions.Outcome(BATCH, 0),
              await(subscriptions.subscribe(CHANNEL, platform, users(from, from + BATCH))));
        }
      }
      assertEquals(
          new ChannelSubscriptions.Outcome(1_000, 0),
          await(subscriptions.unsubscribe(CHANNEL, "soroush", users(0, 1_000))));
      awaitCounts(counts, expected);
    } finally {
      first.shutdownTestKit();
    }

    List<Row> snapshots =
        cassandra
            .session()
            .execute(
                "SELECT ser_id, ser_manifest FROM "
                    + cassandra.keyspace()
                    + ".snapshots WHERE persistence_id = 'ChannelSubscribers|"
                    + CHANNEL
                    + "|bale|0'")
            .all();
    assertFalse(snapshots.isEmpty(), "ten changes of a bucket with snapshot-every = 4");
    assertEquals(StoredEventSerializer.IDENTIFIER, snapshots.get(0).getInt("ser_id"));
    assertEquals("channel-subscribers-snapshot", snapshots.get(0).getString("ser_manifest"));

    ActorTestKit second = ActorTestKit.create("ChannelSubscribersIT2", config());
    try {
      Counts rebuilt = new Counts();
      ChannelSubscriptions subscriptions = start(second, rebuilt);
      // Every user again: nothing changes, and every bucket, recovered, reports its count.
      for (String platform : PLATFORMS) {
        for (int from = 0; from < USERS_PER_PLATFORM; from += BATCH) {
          ChannelSubscriptions.Outcome again =
              await(subscriptions.subscribe(CHANNEL, platform, users(from, from + BATCH)));
          boolean left = platform.equals("soroush") && from == 0;
          assertEquals(
              left
                  ? new ChannelSubscriptions.Outcome(BATCH, 0)
                  : new ChannelSubscriptions.Outcome(0, BATCH),
              again,
              platform + " " + from);
        }
      }
      assertTrue(await(subscriptions.isSubscribed(CHANNEL, new Address("rubika", "user-9999"))));
      assertFalse(await(subscriptions.isSubscribed(CHANNEL, new Address("bale", "user-10000"))));
      awaitCounts(
          rebuilt,
          Map.of("bale", 10_000L, "eitaa", 10_000L, "rubika", 10_000L, "soroush", 10_000L));
    } finally {
      second.shutdownTestKit();
    }
  }
}
