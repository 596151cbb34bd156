package io.peyvand.loadtests.bench.harness;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A broker the benchmark starts for itself ({@code --start}): {@code ./peyvand dev} as a child
 * process, with its embedded Cassandra, on free ports, with a data directory of its own under
 * {@code load-tests/target/bench-broker} (emptied first, so every run starts from an empty
 * Cassandra). It is ready when it prints its "is ready" banner (after /health/ready would say so:
 * the banner follows the last listener's binding), and is stopped with SIGTERM at the end, as
 * {@code ./peyvand dev} is stopped by hand; it stops its Cassandra itself.
 */
public final class StartedBroker implements AutoCloseable {
  private static final String READY = "Peyvand broker is ready";

  private final Process process;
  private final int grpcPort;
  private final int httpPort;
  private final int cqlPort;
  private final Path log;

  private StartedBroker(Process process, int grpcPort, int httpPort, int cqlPort, Path log) {
    this.process = process;
    this.grpcPort = grpcPort;
    this.httpPort = httpPort;
    this.cqlPort = cqlPort;
    this.log = log;
  }

  /** Starts {@code <home>/peyvand dev} and waits until it is ready (at most {@code timeout}). */
  public static StartedBroker start(Path home, long timeoutSeconds, PrintStream out)
      throws IOException, InterruptedException {
    return start(home, timeoutSeconds, List.of(), out);
  }

  /**
   * The same, with {@code settings} ({@code key=value}) given to the broker's JVM as system
   * properties, which override its configuration (e.g. a limit a benchmark must not hit).
   */
  public static StartedBroker start(
      Path home, long timeoutSeconds, List<String> settings, PrintStream out)
      throws IOException, InterruptedException {
    Path dir = home.resolve("load-tests/target/bench-broker");
    deleteRecursively(dir);
    Files.createDirectories(dir);
    Path log = dir.resolve("broker.log");
    int[] ports = freePorts(6);
    ProcessBuilder builder =
        new ProcessBuilder(
                List.of(
                    home.resolve("peyvand").toString(),
                    "dev",
                    "--grpc-port",
                    Integer.toString(ports[0]),
                    "--http-port",
                    Integer.toString(ports[1]),
                    "--cql-port",
                    Integer.toString(ports[2]),
                    "--cluster-port",
                    Integer.toString(ports[3]),
                    "--data-dir",
                    dir.resolve("cassandra").toString()))
            .directory(home.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    String javaOpts = System.getenv().getOrDefault("PEYVAND_JAVA_OPTS", "-Xms256m -Xmx2g");
    builder
        .environment()
        .put(
            "PEYVAND_JAVA_OPTS",
            javaOpts
                + " -Dpeyvand.cassandra.embedded.storage-port="
                + ports[4]
                + " -Dpeyvand.cassandra.embedded.jmx-port="
                + ports[5]
                + settings.stream().map(s -> " -D" + s).collect(Collectors.joining()));
    out.printf(
        "start: ./peyvand dev on gRPC %d, HTTPS %d, CQL %d, data in %s; log %s%s%n",
        ports[0], ports[1], ports[2], dir, log, settings.isEmpty() ? "" : "; with " + settings);
    Process process = builder.start();
    StartedBroker broker = new StartedBroker(process, ports[0], ports[1], ports[2], log);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (!broker.ready()) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        broker.close();
        throw new IOException(
            "the broker started with --start "
                + (process.isAlive() ? "was not ready within " + timeoutSeconds + " s" : "exited")
                + "; see "
                + log);
      }
      Thread.sleep(250);
    }
    out.printf("start: broker ready (pid %d)%n", process.pid());
    return broker;
  }

  private boolean ready() throws IOException {
    return Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(READY);
  }

  public long pid() {
    return process.pid();
  }

  public String grpcAddress() {
    return "127.0.0.1:" + grpcPort;
  }

  public String httpAddress() {
    return "127.0.0.1:" + httpPort;
  }

  public String cqlAddress() {
    return "127.0.0.1:" + cqlPort;
  }

  /** SIGTERM, as by hand; killed if it has not stopped within a minute. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static int[] freePorts(int count) {
    ServerSocket[] sockets = new ServerSocket[count];
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        sockets[i] = new ServerSocket(0);
        ports[i] = sockets[i].getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      for (ServerSocket s : sockets) {
        try {
          if (s != null) {
            s.close();
          }
        } catch (IOException ignored) {
          // a probe socket
        }
      }
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
