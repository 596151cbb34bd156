package io.peyvand.broker.calls;

import io.peyvand.broker.TurnServer;
import io.peyvand.persistence.testkit.Ports;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real coturn relay (Debian's {@code coturn} package: {@code turnserver}) on a free loopback
 * port, checking TURN REST API credentials against {@code secret}, and its test client {@code
 * turnutils_uclient}. Logs under target/turn.
 */
final class TurnRelay implements AutoCloseable {
  private final TurnServer server;

  private TurnRelay(TurnServer server) {
    this.server = server;
  }

  static TurnRelay start(String secret) throws IOException, InterruptedException {
    if (!TurnServer.onPath("turnutils_uclient")) {
      throw new IllegalStateException(
          "turnutils_uclient is not installed: install Debian's coturn package (apt-get install"
              + " coturn), as .ci/run does");
    }
    return new TurnRelay(
        TurnServer.start(secret, Ports.free(), Ports.free(), Path.of("target", "turn")));
  }

  /** The relay's UDP port on 127.0.0.1. */
  int port() {
    return server.port();
  }

  /**
   * Allocates a relay with {@code username} and {@code password} and sends {@code messages} through
   * it between two clients; the client's exit status (0: allocated and relayed) and its output.
   */
  Result allocate(String username, String password, int messages)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("turnutils_uclient", "-p", "" + port()));
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

  @Override
  public void close() {
    server.close();
  }
}
