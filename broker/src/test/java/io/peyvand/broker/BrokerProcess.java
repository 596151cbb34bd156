package io.peyvand.broker;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * A broker node in a JVM of its own, started with {@code Main run --config} against a Cassandra the
 * test provides: for tests that stop the broker the hard way. {@link #start} runs a node that forms
 * a cluster of its own (CrashRecoveryIT); {@link #launch} runs a node of a cluster with a
 * configuration the caller wrote in full (the fault harness, io.peyvand.broker.faults), and offers
 * what a fault needs: the process id, SIGTERM (a graceful leave), SIGKILL, SIGSTOP and SIGCONT.
 */
public final class BrokerProcess implements AutoCloseable {
  private final HttpClient http;
  private final Process process;
  public final String name;
  public final int grpcPort;
  public final int httpPort;
  public final Path log;

  private BrokerProcess(
      Process process, String name, int grpcPort, int httpPort, Path log, TestPki tls) {
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .sslContext(tls.trustOnly())
            .build();
    this.process = process;
    this.name = name;
    this.grpcPort = grpcPort;
    this.httpPort = httpPort;
    this.log = log;
  }

  /**
   * Starts a node that joins itself and waits until it is ready. {@code extraConfig} is HOCON put
   * in front of the node's configuration (contact point, keyspace, platforms).
   */
  public static BrokerProcess start(
      Path dir, String name, String extraConfig, int grpcPort, int httpPort)
      throws IOException, InterruptedException {
    List<String> main =
        List.of(
            java(), "-Xmx512m", "-cp", System.getProperty("java.class.path"), Main.class.getName());
    return startWith(dir, name, extraConfig, grpcPort, httpPort, main);
  }

  /**
   * {@link #start} with the command that runs the broker's Main given in full ({@code java}, its
   * options, the classpath, the main class), e.g. a container image's entrypoint.
   */
  public static BrokerProcess startWith(
      Path dir, String name, String extraConfig, int grpcPort, int httpPort, List<String> main)
      throws IOException, InterruptedException {
    BrokerProcess broker =
        launchWith(
            dir,
            name,
            extraConfig
                + "\n"
                + """
        peyvand.environment = dev
        peyvand.cluster.self-join = on
        peyvand.grpc.port = %d
        peyvand.http.port = %d
        pekko.remote.artery.canonical.port = 0
        peyvand.limits.submit-per-user { rate = 100000, burst = 100000 }
        """
                    .formatted(grpcPort, httpPort),
            grpcPort,
            httpPort,
            main);
    broker.awaitReady(Duration.ofSeconds(120));
    return broker;
  }

  /**
   * Starts a node with {@code config} (the whole HOCON file, which must set the gRPC and HTTP ports
   * given here) and returns at once; {@code jvmOptions} go before the main class. The node's output
   * is appended to {@code dir/name.log}. Its listeners run mutual TLS with the JVM's test CA
   * ({@link TestPki#shared}): adapters connect with a platform's certificate from it.
   */
  public static BrokerProcess launch(
      Path dir, String name, String config, int grpcPort, int httpPort, List<String> jvmOptions)
      throws IOException {
    List<String> java = new ArrayList<>(List.of(java()));
    java.addAll(jvmOptions);
    java.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    return launchWith(dir, name, config, grpcPort, httpPort, java);
  }

  /** This JVM's java executable. */
  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * {@link #launch(Path, String, String, int, int, List)} with the command that runs the broker's
   * Main given in full ({@code java}, its options, the classpath, the main class), e.g. a container
   * image's entrypoint; {@code run --config <file>} follows it.
   */
  public static BrokerProcess launchWith(
      Path dir, String name, String config, int grpcPort, int httpPort, List<String> main)
      throws IOException {
    TestPki tls = TestPki.shared();
    Files.createDirectories(dir);
    Path file = dir.resolve(name + ".conf");
    Files.writeString(file, config + "\n" + tls.brokerTlsConfig("1s"));
    Path log = dir.resolve(name + ".log");
    List<String> command = new ArrayList<>(main);
    command.addAll(List.of("run", "--config", file.toString()));
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    return new BrokerProcess(process, name, grpcPort, httpPort, log, tls);
  }

  /** Waits until {@code /health/ready} answers 200; fails if the process exits first. */
  public void awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name
                + ": the broker process exited with "
                + process.exitValue()
                + " (log: "
                + log
                + ")");
      }
      if (health().ready()) {
        return;
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(
        name
            + ": the broker was not ready within "
            + timeout
            + " (last answer: "
            + health().body()
            + ")");
  }

  /** What {@code /health/ready} answers now; status 0 when it does not answer at all. */
  public record Health(int status, String body) {
    public boolean ready() {
      return status == 200;
    }

    /** "members up: N" of the cluster check, as this node sees it; -1 when not said. */
    public int membersUp() {
      int at = body.indexOf("members up: ");
      if (at < 0) {
        return -1;
      }
      int from = at + "members up: ".length();
      int to = from;
      while (to < body.length() && Character.isDigit(body.charAt(to))) {
        to++;
      }
      return to > from ? Integer.parseInt(body.substring(from, to)) : -1;
    }
  }

  /** Asks {@code /health/ready} once, waiting at most 3 s. */
  public Health health() {
    try {
      HttpResponse<String> ready =
          http.send(
              HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + httpPort + "/health/ready"))
                  .timeout(Duration.ofSeconds(3))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return new Health(ready.statusCode(), ready.body());
    } catch (IOException notAnswering) {
      return new Health(0, notAnswering.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Health(0, "interrupted");
    }
  }

  /** The node's {@code /metrics} (Prometheus text), or empty when it does not answer. */
  public String metrics() {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + httpPort + "/metrics"))
                  .timeout(Duration.ofSeconds(3))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (IOException notAnswering) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The exit code once the process ended. */
  public OptionalInt exitCode() {
    return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
  }

  /** Waits at most {@code timeout} for the process to end; its exit code if it did. */
  public OptionalInt awaitExit(Duration timeout) throws InterruptedException {
    process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    return exitCode();
  }

  /** SIGKILL: no shutdown hook, no graceful leave. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM: the JVM's shutdown hook runs Pekko's coordinated shutdown (a graceful leave). */
  public void terminate() {
    process.destroy();
  }

  /** SIGSTOP: the process freezes, its sockets stay open; the cluster sees it unreachable. */
  public void pause() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** SIGCONT after {@link #pause}. */
  public void resume() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String name) throws IOException, InterruptedException {
    int exit =
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
            .inheritIO()
            .start()
            .waitFor();
    if (exit != 0) {
      throw new IOException("kill -" + name + " " + process.pid() + " exited with " + exit);
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      kill();
    }
  }
}
