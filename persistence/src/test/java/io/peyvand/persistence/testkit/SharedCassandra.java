package io.peyvand.persistence.testkit;

import io.peyvand.persistence.cassandra.CassandraNode;
import io.peyvand.persistence.cassandra.CassandraNodeSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The one Cassandra node of a test JVM: started on first use on free ports under {@code
 * target/test-cassandra/<pid>}, stopped and deleted when the JVM exits (and stopped by its own
 * watchdog if the JVM is killed). Every test class shares it and gets a keyspace of its own through
 * {@link CassandraKeyspace}.
 */
public final class SharedCassandra {
  private static CassandraNode node;

  private SharedCassandra() {}

  /** The running node, started if this is the first call in this JVM. */
  public static synchronized CassandraNode node() {
    if (node == null || !node.isAlive()) {
      Path dir = Path.of("target", "test-cassandra", Long.toString(ProcessHandle.current().pid()));
      CassandraNodeSettings settings =
          localNode(
              dir,
              "peyvand-test",
              System.getProperty("peyvand.test.cassandra-heap", "768M"),
              Duration.ofSeconds(30),
              Ports.free(3));
      node = CassandraNode.start(settings);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    node.close();
                    deleteQuietly(dir);
                  },
                  "peyvand-test-cassandra-cleanup"));
    }
    return node;
  }

  /**
   * A test node on 127.0.0.1, its own seed, with plaintext CQL and periodic commit-log sync, given
   * 180 s to start; {@code ports} are its CQL, storage and JMX ports (e.g. {@link Ports#free}(3)).
   */
  public static CassandraNodeSettings localNode(
      Path dir, String clusterName, String heap, Duration stopTimeout, int... ports) {
    return new CassandraNodeSettings(
        dir,
        "127.0.0.1",
        ports[0],
        ports[1],
        ports[2],
        heap,
        clusterName,
        "periodic",
        Duration.ofSeconds(180),
        stopTimeout,
        "",
        CassandraNodeSettings.ClientEncryption.OFF);
  }

  private static void deleteQuietly(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort: target/ is cleaned by the build anyway
    }
  }
}
