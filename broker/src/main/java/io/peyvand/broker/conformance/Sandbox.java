package io.peyvand.broker.conformance;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.peyvand.broker.Broker;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.SystemMaterializer;

/**
 * The sandbox broker: the real {@link Broker}, started as Main starts it but with the kit's {@link
 * EdgeRecorder} around every session. It registers the platform under test and the kit's platform
 * (both opted in) and pushes unacknowledged items again after 3 s instead of 10 s, so that a
 * scenario that drops a push waits less ({@link #settings}); everything else is the configuration
 * it is given (dev.conf for the command).
 */
final class Sandbox implements AutoCloseable {
  private final ActorSystem<Void> system;
  private final Broker broker;
  private final EdgeRecorder edge;

  private Sandbox(ActorSystem<Void> system, Broker broker, EdgeRecorder edge) {
    this.system = system;
    this.broker = broker;
    this.edge = edge;
  }

  /** The sandbox's own settings for {@code platform}, to put in front of a broker configuration. */
  static Config settings(String platform) {
    return ConfigFactory.parseString(
        """
        peyvand.platforms.bootstrap = [
          { id = "%s", display-name = "Platform under test", default-opted-in = true }
          { id = "%s", display-name = "Peyvand conformance kit", default-opted-in = true }
        ]
        peyvand.mailbox.redelivery-after = 3s
        """
            .formatted(platform, Kit.KIT_PLATFORM));
  }

  /** Starts a broker node with {@code config} (resolved); waits until it is bound. */
  static Sandbox start(Config config, String platform) throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "peyvand", config);
    EdgeRecorder edge = new EdgeRecorder(platform, SystemMaterializer.get(system).materializer());
    try {
      Broker broker = Broker.start(system, edge).toCompletableFuture().get(10, TimeUnit.MINUTES);
      return new Sandbox(system, broker, edge);
    } catch (Exception e) {
      system.terminate();
      throw e;
    }
  }

  Broker broker() {
    return broker;
  }

  EdgeRecorder edge() {
    return edge;
  }

  ActorSystem<Void> system() {
    return system;
  }

  @Override
  public void close() {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().orTimeout(60, TimeUnit.SECONDS).join();
  }
}
