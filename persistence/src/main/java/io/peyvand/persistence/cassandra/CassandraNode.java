package io.peyvand.persistence.cassandra;

import io.peyvand.persistence.cassandra.internal.ChildMain;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Cassandra node run as a child process from the {@code cassandra-all} artifact that
 * the build resolved (its classpath is written at build time into {@code
 * cassandra-server.classpath} beside this class). The node has its own data directory, its own
 * ports and heap; {@link #start} returns once CQL answers; {@link #close} stops it cleanly. The
 * child watches this JVM and stops itself when this JVM dies, even by SIGKILL.
 *
 * <p>Development and tests only: production points the driver at the operators' Cassandra cluster.
 */
public final class CassandraNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CassandraNode.class);
  private static final String CLASSPATH_RESOURCE = "cassandra-server.classpath";
  private static final Path SETSID = Path.of("/usr/bin/setsid");

  /** Module flags from Cassandra's own jvm17-server.options. */
  private static final List<String> JAVA17_FLAGS =
      List.of(
          "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
          "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-exports=java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
          "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
          "--add-exports=java.rmi/sun.rmi.server=ALL-UNNAMED",
          "--add-exports=java.sql/java.sql=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.module=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.loader=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.reflect=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.math=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.module=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.util.jar=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED");

  private final CassandraNodeSettings settings;
  private final Process process;
  private final Path home;
  private volatile Thread shutdownHook;

  private CassandraNode(CassandraNodeSettings settings, Process process, Path home) {
    this.settings = settings;
    this.process = process;
    this.home = home;
    this.shutdownHook = new Thread(this::stopQuietly, "peyvand-cassandra-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts a node and waits until its CQL port answers.
   *
   * @throws CassandraStartException if a port is taken, the child dies, or it is not up in time
   */
  public static CassandraNode start(CassandraNodeSettings settings) {
    for (int port : new int[] {settings.cqlPort(), settings.storagePort(), settings.jmxPort()}) {
      if (accepts(settings.address(), port)) {
        throw new CassandraStartException(
            "port "
                + settings.address()
                + ":"
                + port
                + " is already in use (another Cassandra still running?); stop it or choose other"
                + " ports (peyvand.cassandra.embedded.*-port, or --cql-port)");
      }
    }
    Path home = settings.dataDirectory().toAbsolutePath().normalize();
    try {
      Files.createDirectories(home.resolve("conf"));
      Files.createDirectories(home.resolve("logs"));
      Path yaml = home.resolve("conf/cassandra.yaml");
      Files.writeString(yaml, CassandraYaml.render(settings, home));
      Path logback = home.resolve("conf/logback.xml");
      Files.writeString(logback, logbackXml(home.resolve("logs")));

      List<String> command = new ArrayList<>();
      if (Files.isExecutable(SETSID)) {
        // A session of its own: a Ctrl-C in our terminal reaches us, not Cassandra, so we stop it
        // after the broker has finished with it.
        command.add(SETSID.toString());
      }
      command.add(javaExecutable());
      command.add("-Xms" + settings.heap());
      command.add("-Xmx" + settings.heap());
      command.add("-Xss256k");
      command.add("-XX:+UseG1GC");
      command.add("-XX:+HeapDumpOnOutOfMemoryError");
      command.add("-Djava.net.preferIPv4Stack=true");
      command.addAll(JAVA17_FLAGS);
      command.add("-Dcassandra.config=" + yaml.toUri());
      command.add("-Dcassandra-foreground=yes");
      command.add("-Dcassandra.storagedir=" + home.resolve("data"));
      command.add("-Dcassandra.jmx.local.port=" + settings.jmxPort());
      // A single node need not wait for a ring to settle: without these a fresh node sleeps 30 s.
      command.add("-Dcassandra.skip_wait_for_gossip_to_settle=0");
      command.add("-Dcassandra.ring_delay_ms=1000");
      command.add("-Dcassandra.superuser_setup_delay_ms=0");
      command.add("-Dlogback.configurationFile=" + logback);
      command.add("-D" + ChildMain.PARENT_PID_PROPERTY + "=" + ProcessHandle.current().pid());
      command.add("-cp");
      command.add(childClasspath());
      command.add(ChildMain.class.getName());

      Path stdout = home.resolve("logs/stdout.log");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(home.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(stdout.toFile()));
      log.info(
          "Starting Cassandra node (CQL {}, storage port {}, heap {}) in {}",
          settings.cqlContactPoint(),
          settings.storagePort(),
          settings.heap(),
          home);
      Instant begun = Instant.now();
      CassandraNode node = new CassandraNode(settings, builder.start(), home);
      node.awaitCql(begun);
      log.info(
          "Cassandra answers CQL on {} after {} ms",
          settings.cqlContactPoint(),
          Duration.between(begun, Instant.now()).toMillis());
      return node;
    } catch (IOException e) {
      throw new CassandraStartException("could not start Cassandra in " + home + ": " + e, e);
    }
  }

  public CassandraNodeSettings settings() {
    return settings;
  }

  /** The node's working directory: conf/, data/, logs/. */
  public Path home() {
    return home;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  /**
   * On JVM exit, stop the node only once {@code done} completes (or after the stop timeout), e.g.
   * after the actor system whose journal writes to it has terminated. Without this, the node is
   * stopped at JVM exit at the same time as everything else.
   */
  public synchronized void stopAfter(CompletionStage<?> done) {
    Thread previous = shutdownHook;
    shutdownHook =
        new Thread(
            () -> {
              try {
                done.toCompletableFuture()
                    .get(settings.stopTimeout().toMillis(), TimeUnit.MILLISECONDS);
              } catch (Exception notInTime) {
                log.warn("Stopping Cassandra before its user finished: {}", notInTime.toString());
              }
              stopQuietly();
            },
            "peyvand-cassandra-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    Runtime.getRuntime().removeShutdownHook(previous);
  }

  /** Stops the node (SIGTERM, so Cassandra drains and flushes) and waits for it to end. */
  @Override
  public void close() {
    stopQuietly();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // Called from a shutdown hook: nothing to remove.
    }
  }

  private synchronized void stopQuietly() {
    if (!process.isAlive()) {
      return;
    }
    log.info("Stopping Cassandra node (pid {})", process.pid());
    process.destroy();
    try {
      if (!process.waitFor(settings.stopTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("Cassandra did not stop within {}; killing it", settings.stopTimeout());
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private void awaitCql(Instant begun) {
    Instant deadline = begun.plus(settings.startupTimeout());
    // With client encryption the node answers CQL only over TLS: the probe trusts the node's own
    // certificate.
    CassandraNodeSettings.ClientEncryption tls = settings.clientEncryption();
    javax.net.ssl.SSLContext probe =
        tls.enabled() && !tls.optional()
            ? PemTrustSslEngineFactory.trustingKeyStore(
                Path.of(tls.keyStore()), tls.keyStorePassword())
            : null;
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new CassandraStartException(
            "Cassandra exited with code "
                + process.exitValue()
                + " during start-up; last lines of "
                + home.resolve("logs")
                + ":\n"
                + logTail());
      }
      if (accepts(settings.address(), settings.cqlPort())) {
        try {
          String version =
              probe == null
                  ? CqlSessions.releaseVersion(settings.address(), settings.cqlPort())
                  : CqlSessions.releaseVersion(settings.address(), settings.cqlPort(), probe);
          log.info("Cassandra {} is up", version);
          return;
        } catch (RuntimeException notYet) {
          log.debug("CQL port open but not answering yet: {}", notYet.toString());
        }
      }
      sleep(250);
    }
    stopQuietly();
    throw new CassandraStartException(
        "Cassandra did not answer CQL on "
            + settings.cqlContactPoint()
            + " within "
            + settings.startupTimeout()
            + "; last lines of its log:\n"
            + logTail());
  }

  private String logTail() {
    for (String name : new String[] {"system.log", "stdout.log"}) {
      Path file = home.resolve("logs").resolve(name);
      if (Files.exists(file)) {
        try {
          List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
          return lines.subList(Math.max(0, lines.size() - 30), lines.size()).stream()
              .collect(Collectors.joining("\n"));
        } catch (IOException | UncheckedIOException ignored) {
          // fall through to the next file
        }
      }
    }
    return "(no log written)";
  }

  static boolean accepts(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CassandraStartException("interrupted while waiting for Cassandra", e);
    }
  }

  private static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** cassandra-all and its dependencies (resolved apart from ours), plus our child main class. */
  static String childClasspath() {
    try (InputStream in = CassandraNode.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
      if (in == null) {
        throw new CassandraStartException(
            "the build did not write "
                + CLASSPATH_RESOURCE
                + " (run: mvn -pl persistence package)");
      }
      List<String> entries = new ArrayList<>();
      entries.add(
          Path.of(ChildMain.class.getProtectionDomain().getCodeSource().getLocation().toURI())
              .toString());
      new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .map(String::trim)
          .filter(line -> !line.isEmpty())
          // The classpath was resolved as the antrun plugin's: drop the plugin's own jars.
          .filter(
              line ->
                  !line.contains("/maven-antrun-plugin/")
                      && !line.contains("/org/apache/ant/")
                      && !line.contains("/plexus-utils/"))
          .forEach(entries::add);
      return String.join(File.pathSeparator, entries);
    } catch (IOException | URISyntaxException e) {
      throw new CassandraStartException("cannot read the Cassandra classpath: " + e, e);
    }
  }

  private static String logbackXml(Path logs) {
    return """
        <configuration>
          <appender name="FILE" class="ch.qos.logback.core.FileAppender">
            <file>%s</file>
            <encoder><pattern>%%-5level [%%thread] %%date{ISO8601} %%F:%%L - %%msg%%n</pattern></encoder>
          </appender>
          <root level="INFO"><appender-ref ref="FILE"/></root>
        </configuration>
        """
        .formatted(logs.resolve("system.log"));
  }
}
