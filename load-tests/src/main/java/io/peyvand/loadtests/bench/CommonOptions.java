package io.peyvand.loadtests.bench;

import io.peyvand.protocol.sdk.BrokerEndpoint;
import picocli.CommandLine.Option;

/** Options every scenario takes: where the broker is, the seed, and the output form. */
final class CommonOptions {
  @Option(names = "--broker", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:7400",
      description = "The broker's gRPC address for adapters (default ${DEFAULT-VALUE}, what"
          + " ./peyvand dev listens on).")
  String broker;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
      description = "Seed of the workload: the same seed gives the same messages (default"
          + " ${DEFAULT-VALUE}). Message ids also carry a run id, so reruns never collide.")
  long seed;

  @Option(names = "--json", description = "Print one JSON object instead of the text line.")
  boolean json;

  @Option(names = "--connect-timeout", paramLabel = "SECONDS", defaultValue = "15",
      description = "How long to try opening each platform's session (default ${DEFAULT-VALUE}).")
  int connectTimeoutSeconds;

  BrokerEndpoint endpoint() {
    return BrokerEndpoint.parse(broker);
  }

  /** What to print when the broker cannot be reached. */
  static String unreachable(BrokerEndpoint endpoint, String why) {
    return "cannot reach the Peyvand broker at " + endpoint + " (" + why + "). Start one with"
        + " ./peyvand dev (in another terminal), or name another with --broker HOST:PORT.";
  }
}
