package io.peyvand.broker;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

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
}
