package io.peyvand.broker.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.cql.Row;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.peyvand.broker.TestConfig;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shard lease on the real Cassandra, between two nodes that both believe they own the same
 * shard: here two one-node clusters on one keyspace, the extreme case of what two shard
 * coordinators did in a rolling restart. The entity runs on the first; the second's shard waits,
 * holding the message, until the first node stops, and then runs it: its lease was released when
 * the first node's shard stopped, long before the one-minute timeout would have freed it.
 */
class ShardLeaseIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();

  private static final EntityTypeKey<Where> KEY = EntityTypeKey.create(Where.class, "LeaseProbe");

  /** Asks the entity which node runs it. */
  record Where(ActorRef<String> replyTo) {}

  /** Both nodes carry the same system name, as a cluster's nodes do: it is part of lease names. */
  private static final String SYSTEM = "ShardLeaseIT";

  private static Config config() {
    return cassandra
        .config()
        .withFallback(
            ConfigFactory.parseString(
                """
                  pekko.actor.provider = cluster
                  pekko.remote.artery.canonical.port = 0
                  pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
                  # Long, so that only a release explains the second node taking over quickly.
                  peyvand.shard-lease { heartbeat-timeout = 60s, heartbeat-interval = 2s }
                  pekko.loglevel = WARNING
                  """))
        .withFallback(ConfigFactory.load())
        .resolve();
  }

  /** A one-node cluster whose probe entities answer {@code label}. */
  private static ActorTestKit node(String label) {
    ActorTestKit kit = ActorTestKit.create(SYSTEM, config());
    TestConfig.joinItself(kit.system());
    ClusterSharding.get(kit.system())
        .init(
            Entity.of(
                KEY,
                context ->
                    Behaviors.receiveMessage(
                        (Where where) -> {
                          where.replyTo().tell(label);
                          return Behaviors.same();
                        })));
    return kit;
  }

  private static TestProbe<String> ask(ActorTestKit node, String entityId) {
    TestProbe<String> probe = node.createTestProbe();
    ClusterSharding.get(node.system()).entityRefFor(KEY, entityId).tell(new Where(probe.getRef()));
    return probe;
  }

  private static Optional<String> leaseOwner(String entityId) {
    String shard = String.valueOf(Math.abs(entityId.hashCode() % 100));
    Row row =
        cassandra
            .session()
            .execute(
                "SELECT owner FROM " + cassandra.keyspace() + ".leases WHERE name = ?",
                SYSTEM + "-shard-LeaseProbe-" + shard)
            .one();
    return Optional.ofNullable(row).map(r -> r.getString("owner"));
  }

  private static String hostPort(ActorTestKit node) {
    return Cluster.get(node.system()).selfMember().address().hostPort();
  }

  @Test
  void aShardRunsOnOneNodeAtATimeAndMovesWhenItsHolderStops() {
    ActorTestKit first = node("first");
    ActorTestKit second = node("second");
    try {
      assertEquals("first", ask(first, "user").receiveMessage(Duration.ofSeconds(30)));
      assertTrue(leaseOwner("user").orElseThrow().startsWith(hostPort(first) + "/"));

      TestProbe<String> waiting = ask(second, "user");
      waiting.expectNoMessage(Duration.ofSeconds(3));
      assertEquals("first", ask(first, "user").receiveMessage(Duration.ofSeconds(5)));

      long stopped = System.nanoTime();
      first.shutdownTestKit();
      assertEquals("second", waiting.receiveMessage(Duration.ofSeconds(30)));
      Duration took = Duration.ofNanos(System.nanoTime() - stopped);
      assertTrue(
          took.compareTo(Duration.ofSeconds(20)) < 0,
          "released when the first node's shard stopped, not expired after 60 s: " + took);
      assertTrue(leaseOwner("user").orElseThrow().startsWith(hostPort(second) + "/"));
    } finally {
      first.shutdownTestKit();
      second.shutdownTestKit();
    }
  }

  @Test
  void shardLeasesNameTheirShardActor() {
    assertEquals(
        Optional.of("/system/sharding/UserMailbox/86"),
        ShardLease.shardPath("peyvand", "peyvand-shard-UserMailbox-86"));
    assertEquals(
        Optional.of("/system/sharding/My-Type/7"),
        ShardLease.shardPath("peyvand", "peyvand-shard-My-Type-7"));
    assertEquals(
        Optional.empty(),
        ShardLease.shardPath("peyvand", "peyvand-singleton-pekko://peyvand/system/x"));
    assertEquals(Optional.empty(), ShardLease.shardPath("peyvand", "peyvand-shard-NoShard"));
  }
}
