package io.peyvand.broker;

import com.typesafe.config.ConfigFactory;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A whole broker node in the test's JVM, on free ports, storing in the test class's keyspace of
 * the shared Cassandra: how integration tests start the broker, the way Main does.
 */
public final class TestBroker implements AutoCloseable {
  /** The platforms most tests use: both opted in by default. */
  public static final String BALE_AND_EITAA = """
      peyvand.platforms.bootstrap = [
        { id = "bale", display-name = "Bale", default-opted-in = true }
        { id = "eitaa", display-name = "Eitaa", default-opted-in = true }
      ]
      """;

  /** The four dev platforms, all opted in by default (groups and channels span them). */
  public static final String FOUR_PLATFORMS = """
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
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), name, cassandra.config()
        .withFallback(ConfigFactory.parseString(config))
        .withFallback(TestConfig.node()));
    return new TestBroker(system,
        Broker.start(system).toCompletableFuture().get(120, TimeUnit.SECONDS));
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
