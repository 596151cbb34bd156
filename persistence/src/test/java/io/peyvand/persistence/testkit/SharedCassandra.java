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
      int[] ports = Ports.free(3);
      CassandraNodeSettings settings =
          new CassandraNodeSettings(
              dir,
              "127.0.0.1",
              ports[0],
              ports[1],
              ports[2],
              System.getProperty("peyvand.test.cassandra-heap", "768M"),
              "peyvand-test",
              "periodic",
              Duration.ofSeconds(180),
              Duration.ofSeconds(30));
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
