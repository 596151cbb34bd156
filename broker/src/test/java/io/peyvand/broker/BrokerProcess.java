package io.peyvand.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A broker node in a JVM of its own, started with {@code Main run --config} against a Cassandra
 * the test provides: for tests that kill the broker the hard way.
 */
public final class BrokerProcess implements AutoCloseable {
  private final Process process;
  public final int grpcPort;
  public final int httpPort;

  private BrokerProcess(Process process, int grpcPort, int httpPort) {
    this.process = process;
    this.grpcPort = grpcPort;
    this.httpPort = httpPort;
  }

  /**
   * Starts a node and waits until it is ready. {@code extraConfig} is HOCON put in front of the
   * node's configuration (contact point, keyspace, platforms).
   */
  public static BrokerProcess start(Path dir, String name, String extraConfig, int grpcPort,
      int httpPort) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path config = dir.resolve(name + ".conf");
    Files.writeString(config, extraConfig + "\n" + """
        peyvand.environment = dev
        peyvand.cluster.self-join = on
        peyvand.grpc.port = %d
        peyvand.http.port = %d
        pekko.remote.artery.canonical.port = 0
        peyvand.limits.submit-per-user { rate = 100000, burst = 100000 }
        """.formatted(grpcPort, httpPort));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process = new ProcessBuilder(List.of(java, "-Xmx512m", "-cp",
        System.getProperty("java.class.path"), Main.class.getName(), "run", "--config",
        config.toString()))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile()))
        .start();
    BrokerProcess broker = new BrokerProcess(process, grpcPort, httpPort);
    broker.awaitReady(Duration.ofSeconds(120));
    return broker;
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitReady(Duration timeout) throws InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the broker process exited with " + process.exitValue());
      }
      try {
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(
            "http://127.0.0.1:" + httpPort + "/health/ready")).timeout(Duration.ofSeconds(5))
            .build(), HttpResponse.BodyHandlers.ofString());
        if (ready.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("the broker was not ready within " + timeout);
  }

  /** SIGKILL: no shutdown hook, no graceful leave. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      kill();
    }
  }
}
