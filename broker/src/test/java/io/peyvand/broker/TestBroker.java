package io.peyvand.broker;

import com.typesafe.config.ConfigFactory;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * A whole broker node in the test's JVM, on free ports, storing in the test class's keyspace of the
 * shared Cassandra: how integration tests start the broker, the way Main does.
 */
public final class TestBroker implements AutoCloseable {
  /** The platforms most tests use: both opted in by default. */
  public static final String BALE_AND_EITAA =
      """
      peyvand.platforms.bootstrap = [
        { id = "bale", display-name = "Bale", default-opted-in = true }
        { id = "eitaa", display-name = "Eitaa", default-opted-in = true }
      ]
      """;

  /** The four dev platforms, all opted in by default (groups and channels span them). */
  public static final String FOUR_PLATFORMS =
      """
      peyvand.platforms.bootstrap = [
        { id = "bale", display-name = "Bale", default-opted-in = true }
        { id = "eitaa", display-name = "Eitaa", default-opted-in = true }
        { id = "rubika", display-name = "Rubika", default-opted-in = true }
        { id = "soroush", display-name = "Soroush Plus", default-opted-in = true }
      ]
      """;

  private final ActorSystem<Void> system;
  private final Broker broker;

  private TestBroker(ActorSystem<Void> system, Broker broker) {
    this.system = system;
    this.broker = broker;
  }

  /** Starts a node with {@code config} (HOCON) in front of the test defaults; waits until bound. */
  public static TestBroker start(String name, CassandraKeyspace cassandra, String config)
      throws Exception {
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.empty(),
            name,
            cassandra
                .config()
                .withFallback(ConfigFactory.parseString(config))
                .withFallback(TestConfig.node()));
    return new TestBroker(
        system, Broker.start(system).toCompletableFuture().get(120, TimeUnit.SECONDS));
  }

  /**
   * Two nodes of one cluster named {@code name} (node 1 joins itself, node 2 joins node 1), both
   * started with {@code config}; returns once both are Up members.
   */
  public static TestBroker[] twoNodeCluster(String name, CassandraKeyspace cassandra, String config)
      throws Exception {
    TestBroker node1 = start(name, cassandra, config);
    String seed = Cluster.get(node1.system()).selfMember().address().toString();
    TestBroker node2 =
        start(
            name,
            cassandra,
            config
                + """
        peyvand.cluster.self-join = off
        pekko.cluster.seed-nodes = ["%s"]
        """
                    .formatted(seed));
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (node1.upMembers() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    if (node1.upMembers() < 2) {
      node2.close();
      node1.close();
      throw new AssertionError("the two nodes of " + name + " are not both Up after 60 s");
    }
    return new TestBroker[] {node1, node2};
  }

  /** The members this node sees Up. */
  public int upMembers() {
    int up = 0;
    for (Member m : Cluster.get(system).state().getMembers()) {
      if (m.status() == MemberStatus.up()) {
        up++;
      }
    }
    return up;
  }

  /** The value of the sample with exactly this name and labels in {@code metrics}, if rendered. */
  public static Optional<Double> sample(String metrics, String series) {
    for (String line : metrics.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Optional.of(Double.parseDouble(line.substring(series.length() + 1)));
      }
    }
    return Optional.empty();
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public Broker broker() {
    return broker;
  }

  public int grpcPort() {
    return broker.grpcAddress().getPort();
  }

  public int httpPort() {
    return broker.httpAddress().getPort();
  }

  @Override
  public void close() {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
  }
}
