package io.peyvand.broker.calls;

import io.peyvand.persistence.testkit.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real coturn relay (Debian's {@code coturn} package: {@code turnserver}) on a free loopback
 * port, checking TURN REST API credentials against {@code secret}, and its test client {@code
 * turnutils_uclient}. Logs under target/turn.
 */
final class TurnRelay implements AutoCloseable {
  private final Process server;
  private final int port;
  private final Path log;

  private TurnRelay(Process server, int port, Path log) {
    this.server = server;
    this.port = port;
    this.log = log;
  }

  static TurnRelay start(String secret) throws IOException, InterruptedException {
    for (String tool : List.of("turnserver", "turnutils_uclient")) {
      if (!onPath(tool)) {
        throw new IllegalStateException(
            tool
                + " is not installed: install Debian's coturn package (apt-get install coturn),"
                + " as .ci/run does");
      }
    }
    int port = Ports.free();
    int relayPorts = Ports.free();
    Path dir = Path.of("target", "turn");
    Files.createDirectories(dir);
    Path log = dir.resolve("turnserver-" + port + ".log");
    Process server =
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
                "--pidfile=" + dir.toAbsolutePath().resolve("turnserver-" + port + ".pid"),
                "--log-file=stdout",
                "--simple-log")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    TurnRelay relay = new TurnRelay(server, port, log);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!Files.readString(log).contains("Total General servers")) {
      if (!server.isAlive() || System.nanoTime() > deadline) {
        relay.close();
        throw new IllegalStateException("turnserver did not start: " + Files.readString(log));
      }
      Thread.sleep(100);
    }
    return relay;
  }

  /**
   * Allocates a relay with {@code username} and {@code password} and sends {@code messages} through
   * it between two clients; the client's exit status (0: allocated and relayed) and its output.
   */
  Result allocate(String username, String password, int messages)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("turnutils_uclient", "-p", "" + port));
    command.addAll(List.of("-u", username, "-w", password, "-n", "" + messages, "-m", "1", "-y"));
    command.addAll(List.of("-e", "127.0.0.1", "127.0.0.1"));
    Process client = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output;
    try (var in = client.getInputStream()) {
      output = new String(in.readAllBytes());
    }
    if (!client.waitFor(30, TimeUnit.SECONDS)) {
      client.destroyForcibly();
      throw new IllegalStateException("turnutils_uclient did not finish: " + output);
    }
    return new Result(client.exitValue(), output);
  }

  record Result(int exit, String output) {}

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    server.destroy();
    try {
      if (!server.waitFor(10, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.destroyForcibly();
    }
  }

  Path log() {
    return log;
  }
}
