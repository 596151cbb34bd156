package io.peyvand.broker.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.broker.TestBroker;
import io.peyvand.broker.TestPki;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Gatling's DirectMessages simulation (module load-tests, as {@code ./peyvand load DirectMessages}
 * runs it) against a real broker on free ports, with the real Cassandra and mutual TLS, for a short
 * bounded run at a modest rate: part of {@code ./peyvand test}, so a change that breaks the
 * simulation or its assertions (no failed request, every accepted message delivered and every
 * repeat flagged, the submits the schedule expects made, p99 of submit-to-accepted and of
 * submit-to-delivered in bound) fails the build. The simulation runs in a JVM of its own, from
 * load-tests' test classes and test classpath (Gatling's Netty is not the broker's); Gatling exits
 * non-zero when an assertion failed.
 *
 * <p>The run's settings are system properties {@code peyvand.load-it.*} (rate, ramp, duration,
 * p99-ms): e.g. {@code -Dpeyvand.load-it.p99-ms=1} makes the p99 assertion fail.
 */
class DirectMessagesLoadIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();
  private static final char[] PASSWORD = "load-it".toCharArray();
  private static final List<String> PLATFORMS = List.of("rubika", "eitaa", "bale", "soroush");
  private static final Path LOAD_TESTS = Path.of("..", "load-tests", "target").toAbsolutePath();

  private static String setting(String key, String fallback) {
    return System.getProperty("peyvand.load-it." + key, fallback);
  }

  @Test
  void theDirectMessagesSimulationPassesItsAssertionsAgainstARealBroker() throws Exception {
    Path classpathFile = LOAD_TESTS.resolve("test.classpath");
    assertTrue(
        Files.isRegularFile(classpathFile),
        classpathFile + " is missing: build load-tests first (mvn -pl load-tests package)");
    try (TestPki pki = TestPki.create("DirectMessagesLoadIT", PASSWORD)) {
      for (String platform : PLATFORMS) {
        pki.ca().issuePlatform(platform, false);
      }
      try (TestBroker node =
          TestBroker.start("DirectMessagesLoadIT", cassandra, TestBroker.FOUR_PLATFORMS, pki)) {
        Path results = Path.of("target", "gatling-direct-messages").toAbsolutePath();
        Files.createDirectories(results);
        Path log = results.resolve("run.log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        // What the Gatling Maven plugin gives Gatling's JVM (its GatlingConstants).
        command.add("--add-opens=java.base/java.lang=ALL-UNNAMED");
        command.add("--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED");
        command.add("-cp");
        command.add(
            LOAD_TESTS.resolve("test-classes")
                + File.pathSeparator
                + LOAD_TESTS.resolve("classes")
                + File.pathSeparator
                + Files.readString(classpathFile).trim());
        command.add("-Dpeyvand.http=https://127.0.0.1:" + node.httpPort());
        command.add("-Dpki-dir=" + pki.layout().directory());
        command.add("-Dpki-password=" + new String(PASSWORD));
        command.add("-Dusers=2000");
        command.add("-Dsessions=1");
        command.add("-Dstart-rate=5");
        command.add("-Drate=" + setting("rate", "20"));
        command.add("-Dramp=" + setting("ramp", "5"));
        command.add("-Dduration=" + setting("duration", "20"));
        command.add("-Dgrace=20");
        command.add("-Dp99-ms=" + setting("p99-ms", "3000"));
        command.add("-Ddelivered-p99-ms=" + setting("delivered-p99-ms", "6000"));
        command.add("io.gatling.app.Gatling");
        command.add("--simulation");
        command.add("io.peyvand.loadtests.DirectMessages");
        command.add("--results-folder");
        command.add(results.toString());
        Process gatling =
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        boolean ended = gatling.waitFor(240, TimeUnit.SECONDS);
        if (!ended) {
          gatling.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        System.out.println(summary(output));
        assertTrue(ended, "the simulation did not end within 240 s; its output: " + log);
        assertEquals(
            0,
            gatling.exitValue(),
            "the simulation failed (exit "
                + gatling.exitValue()
                + "); its output ("
                + log
                + "):\n"
                + summary(output));
        assertTrue(
            output.contains("Global: percentage of failed events is less than"),
            "Gatling evaluated the assertions:\n" + summary(output));
      }
    }
  }

  /** The run's figures, the assertions and the failures: the output from Gatling's summary on. */
  private static String summary(String output) {
    int from = output.indexOf("================================================================");
    String tail = from < 0 ? output : output.substring(from);
    return tail.length() > 8000 ? tail.substring(tail.length() - 8000) : tail;
  }
}
