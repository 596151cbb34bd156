package io.peyvand.broker.bench;

import picocli.CommandLine.Option;

/** Options every inside scenario takes: which Cassandra, and the output form. */
final class BenchOptions {
  @Option(
      names = "--cassandra",
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:9042",
      description =
          "The Cassandra to store in, in a scratch keyspace created and dropped by the"
              + " run (default ${DEFAULT-VALUE}, the one ./peyvand dev starts).")
  String cassandra;

  @Option(
      names = "--start-cassandra",
      description =
          "Start a Cassandra node of its own for the"
              + " run instead (free ports, data under target/test-cassandra, deleted at exit).")
  boolean startCassandra;

  @Option(names = "--json", description = "Print one JSON object instead of the text.")
  boolean json;
}
