package io.peyvand.broker;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;

/** Configuration for broker tests: a dev node on free ports that joins itself. */
public final class TestConfig {
  private TestConfig() {}

  public static Config node() {
    return ConfigFactory.parseString(
            """
        peyvand.environment = dev
        peyvand.grpc.port = 0
        peyvand.http.port = 0
        peyvand.cluster.self-join = on
        pekko.remote.artery.canonical.port = 0
        pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
        pekko.coordinated-shutdown.terminate-actor-system = on
        # Tests send bursts from one user; LimitsIT sets the limits it tests.
        peyvand.limits.submit-per-user { rate = 100000, burst = 100000 }
        """)
        .withFallback(ConfigFactory.load());
  }

  /**
   * The defaults for an actor system that is no cluster node ({@code pekko.actor.provider =
   * local}): for tests of actors and streams that need neither sharding nor remoting.
   */
  public static Config local() {
    return ConfigFactory.parseString("pekko.actor.provider = local")
        .withFallback(ConfigFactory.load());
  }

  /**
   * A one-node test system on the in-memory journal and snapshot store (events and snapshots still
   * go through the stored-event serializers), on a free port, with {@code settings} (HOCON) over
   * the defaults, and without shard leases (they live in Cassandra): for tests of entities' logic,
   * not of storage.
   */
  public static Config inMemory(String settings) {
    return PersistenceTestKitPlugin.getInstance()
        .config()
        .withFallback(PersistenceTestKitSnapshotPlugin.config())
        .withFallback(ConfigFactory.parseString(settings))
        .withFallback(
            ConfigFactory.parseString(
                """
                pekko.remote.artery.canonical.port = 0
                # Shard leases live in Cassandra, which these tests do not start.
                pekko.cluster.sharding.use-lease = ""
                """))
        .withFallback(ConfigFactory.load());
  }

  /**
   * {@code settings} (HOCON) over the defaults, storing in {@code cassandra}'s keyspace: for tests
   * that start entities of their own on the real Cassandra.
   */
  public static Config onCassandra(CassandraKeyspace cassandra, String settings) {
    return cassandra
        .config()
        .withFallback(ConfigFactory.parseString(settings))
        .withFallback(ConfigFactory.load());
  }

  /** Makes the system's node a one-node cluster (sharded entities then start). */
  public static void joinItself(ActorSystem<?> system) {
    Cluster cluster = Cluster.get(system);
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
  }
}
