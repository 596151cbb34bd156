package io.peyvand.persistence.cassandra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.persistence.testkit.Ports;
import io.peyvand.persistence.testkit.SharedCassandra;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CassandraNodeIT {

  @Test
  void theSharedNodeIsARealCassandra5ChildProcessThatAnswersCql() {
    CassandraNode node = SharedCassandra.node();
    String version =
        CqlSessions.releaseVersion(node.settings().address(), node.settings().cqlPort());
    assertTrue(version.startsWith("5.0."), version);
    Optional<ProcessHandle> child = ProcessHandle.of(node.pid());
    assertTrue(child.isPresent());
    assertEquals(ProcessHandle.current().pid(), child.get().parent().orElseThrow().pid());
    assertTrue(Files.exists(node.home().resolve("conf/cassandra.yaml")));
  }

  @Test
  void startingOnAPortInUseFailsWithWhatToDo() throws Exception {
    CassandraNode running = SharedCassandra.node();
    CassandraNodeSettings clash =
        running.settings().withDataDirectory(Path.of("target", "test-cassandra", "clash"));
    CassandraStartException e =
        assertThrows(CassandraStartException.class, () -> CassandraNode.start(clash));
    assertTrue(e.getMessage().contains("already in use"), e.getMessage());
    assertTrue(running.isAlive());
  }

  @Test
  void theNodeStopsWhenItsParentIsKilled() throws Exception {
    int[] ports = Ports.free(3);
    Path dir = Path.of("target", "test-cassandra", "orphan-" + ProcessHandle.current().pid());
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process holder =
        new ProcessBuilder(
                List.of(
                    java,
                    "-Xmx128m",
                    "-cp",
                    System.getProperty("java.class.path"),
                    NodeHolder.class.getName(),
                    dir.toString(),
                    Integer.toString(ports[0]),
                    Integer.toString(ports[1]),
                    Integer.toString(ports[2])))
            .redirectErrorStream(true)
            .start();
    long cassandraPid = -1;
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("CASSANDRA-PID ")) {
          cassandraPid = Long.parseLong(line.substring("CASSANDRA-PID ".length()).trim());
          break;
        }
      }
      assertTrue(cassandraPid > 0, "the holder never reported a started node");
      ProcessHandle cassandra = ProcessHandle.of(cassandraPid).orElseThrow();
      assertTrue(cassandra.isAlive());

      holder.destroyForcibly(); // SIGKILL: no shutdown hook of the parent runs
      assertTrue(holder.waitFor(10, TimeUnit.SECONDS));

      cassandra.onExit().get(60, TimeUnit.SECONDS);
      assertFalse(cassandra.isAlive(), "Cassandra outlived its killed parent");
      assertFalse(CassandraNode.accepts("127.0.0.1", ports[0]));
    } finally {
      holder.destroyForcibly();
      if (cassandraPid > 0) {
        ProcessHandle.of(cassandraPid).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }
}
