package io.peyvand.persistence.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/**
 * Ports free on this machine now, for the nodes and servers tests start: probe sockets bound to
 * port 0 and closed again, all open at once so that the ports are distinct.
 */
public final class Ports {
  private Ports() {}

  public static int free() {
    return free(1)[0];
  }

  /** {@code count} distinct free ports. */
  public static int[] free(int count) {
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
          // a probe socket that does not close is released with the process
        }
      }
    }
  }
}
