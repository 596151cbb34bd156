package io.peyvand.protocol.sdk.cli;

import com.typesafe.config.ConfigFactory;
import io.peyvand.protocol.sdk.BrokerEndpoint;
import picocli.CommandLine.Option;

/** {@code --broker HOST:PORT}, shared by the commands. */
final class BrokerOption {
  @Option(names = "--broker", paramLabel = "HOST:PORT",
      description = "The broker's gRPC address for adapters (default 127.0.0.1:7400, from"
          + " peyvand.sdk.broker).")
  String broker;

  BrokerEndpoint endpoint() {
    return broker != null ? BrokerEndpoint.parse(broker)
        : BrokerEndpoint.fromConfig(ConfigFactory.load());
  }

  /** What to print when the broker cannot be reached. */
  static String unreachable(BrokerEndpoint endpoint, String why) {
    return "cannot reach the Peyvand broker at " + endpoint + " (" + why + ")."
        + " Start one with ./peyvand dev, or name another with --broker HOST:PORT.";
  }
}
