package io.peyvand.protocol.sdk;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.ActorSystem;

/**
 * An actor system for a program that has none but needs one for pekko-grpc: local (whatever a
 * reference.conf on the classpath says, e.g. the broker's cluster provider) and without Pekko's JVM
 * shutdown hook, since its owner terminates it.
 */
public final class SdkActorSystem {
  private static final Config OVERRIDES =
      ConfigFactory.parseString(
          """
      pekko.actor.provider = local
      pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
      """);

  private SdkActorSystem() {}

  public static ActorSystem create(String name, Config config) {
    return ActorSystem.create(name, OVERRIDES.withFallback(config));
  }
}
