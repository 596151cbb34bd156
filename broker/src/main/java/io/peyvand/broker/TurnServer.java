package io.peyvand.broker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A coturn TURN relay (Debian's {@code coturn} package: {@code turnserver}) on loopback, checking
 * the broker's time-limited credentials against a shared secret: what {@code ./peyvand dev --turn}
 * starts beside the broker and stops with it, and what the integration tests relay through. Its log
 * goes to a file.
 */
public final class TurnServer implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path log;

  private TurnServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * Starts {@code turnserver} listening on 127.0.0.1:{@code port} (UDP and TCP), relaying on {@code
   * relayPorts} to {@code relayPorts + 40}, with {@code secret} as its static-auth-secret; returns
   * once it serves. Fails, saying how to install it, when coturn is not installed.
   */
  public static TurnServer start(String secret, int port, int relayPorts, Path logDir)
      throws IOException, InterruptedException {
    if (!onPath("turnserver")) {
      throw new IllegalStateException(
          "turnserver is not installed: install Debian's coturn package (sudo apt-get install"
              + " coturn)");
    }
    Files.createDirectories(logDir);
    Path log = logDir.resolve("turnserver-" + port + ".log");
    Process process =
        new ProcessBuilder(
                // Line-buffered: its log is block-buffered when stdout is not a terminal.
                "stdbuf",
                "-oL",
                "turnserver",
                "--listening-ip=127.0.0.1",
                "--relay-ip=127.0.0.1",
                "--listening-port=" + port,
                "--min-port=" + relayPorts,
                "--max-port=" + (relayPorts + 40),
                "--use-auth-secret",
                "--static-auth-secret=" + secret,
                "--realm=peyvand",
                "--no-tls",
                "--no-dtls",
                "--no-cli",
                "--allow-loopback-peers",
                "--pidfile=" + logDir.toAbsolutePath().resolve("turnserver-" + port + ".pid"),
                "--log-file=stdout",
                "--simple-log")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    TurnServer server = new TurnServer(process, port, log);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!Files.readString(log).contains("Total General servers")) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        server.close();
        throw new IllegalStateException("turnserver did not start: " + Files.readString(log));
      }
      Thread.sleep(100);
    }
    return server;
  }

  /** The relay's port on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** The URIs the broker hands out with credentials for this relay. */
  public List<String> uris() {
    return List.of(
        "turn:127.0.0.1:" + port + "?transport=udp", "turn:127.0.0.1:" + port + "?transport=tcp");
  }

  public Path log() {
    return log;
  }

  /** Whether {@code tool} is an executable on the PATH. */
  public static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
