package io.peyvand.broker.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.peyvand.broker.Broker;
import io.peyvand.broker.TestConfig;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A whole broker node in the benchmark's JVM, started the way {@code Main} and the integration
 * tests start one ({@link Broker#start}, plaintext, free ports, a cluster of itself), storing in a
 * scratch keyspace of the benchmark's Cassandra through whatever journal Pekko Persistence is
 * configured with: the scenarios never name the journal plugin, so they measure the one the broker
 * runs with.
 */
final class BenchNode implements AutoCloseable {
  private final ActorSystem<Void> system;
  private final Broker broker;

  private BenchNode(ActorSystem<Void> system, Broker broker) {
    this.system = system;
    this.broker = broker;
  }

  /**
   * Starts a node whose journal and snapshots are in {@code keyspace} at {@code contactPoint}, with
   * {@code overrides} (HOCON) in front of the test defaults; waits until it is bound.
   */
  static BenchNode start(String name, String contactPoint, String keyspace, String overrides)
      throws Exception {
    Config config =
        ConfigFactory.parseString(overrides).withFallback(config(contactPoint, keyspace));
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), name, config);
    try {
      return new BenchNode(
          system, Broker.start(system).toCompletableFuture().get(3, TimeUnit.MINUTES));
    } catch (Exception e) {
      system.terminate();
      throw e;
    }
  }

  /**
   * A benchmark node's configuration: the test defaults, journal and snapshots in {@code keyspace}
   * of the Cassandra at {@code contactPoint} (no embedded one), warnings only.
   */
  static Config config(String contactPoint, String keyspace) {
    return ConfigFactory.parseString("pekko.loglevel = WARNING\npekko.stdout-loglevel = WARNING")
        .withFallback(CassandraKeyspace.config(keyspace, contactPoint))
        .withFallback(TestConfig.node());
  }

  ActorSystem<Void> system() {
    return system;
  }

  Broker broker() {
    return broker;
  }

  @Override
  public void close() {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().orTimeout(60, TimeUnit.SECONDS).join();
  }
}
