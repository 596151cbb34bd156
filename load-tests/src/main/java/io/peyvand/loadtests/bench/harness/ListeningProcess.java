package io.peyvand.loadtests.bench.harness;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Which process listens on a TCP port of this machine: the benchmark finds the broker (its gRPC
 * port) and Cassandra (its CQL port) this way, so that their CPU time can be read without asking
 * the user for process ids, and without guessing by name on a machine where several brokers and
 * Cassandras may run. Linux only: the listening sockets' inodes come from {@code /proc/net/tcp} and
 * {@code tcp6}, and the process is the one with a file descriptor on that inode (readable for
 * processes of the same user, or any process as root).
 */
public final class ListeningProcess {
  private static final String LISTEN = "0A";

  private ListeningProcess() {}

  /** The pid of the process listening on {@code port}, if one is found. */
  public static OptionalLong of(int port) {
    Set<Long> inodes = new HashSet<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      try {
        inodes.addAll(listeningInodes(Files.readAllLines(Path.of(table)), port));
      } catch (IOException e) {
        // no such table (no IPv6): the other one
      }
    }
    if (inodes.isEmpty()) {
      return OptionalLong.empty();
    }
    try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path process : processes) {
        if (holdsSocket(process, inodes)) {
          return OptionalLong.of(Long.parseLong(process.getFileName().toString()));
        }
      }
    } catch (IOException e) {
      return OptionalLong.empty();
    }
    return OptionalLong.empty();
  }

  /**
   * The inodes of the sockets listening on {@code port} in the lines of a {@code /proc/net/tcp} (or
   * {@code tcp6}) table: {@code sl local_address rem_address st ... inode}, the address as hex
   * {@code ADDR:PORT}, state {@code 0A} for LISTEN; the header line is skipped.
   */
  static Set<Long> listeningInodes(List<String> lines, int port) {
    String portHex = String.format(Locale.ROOT, "%04X", port);
    Set<Long> inodes = new HashSet<>();
    for (String line : lines) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 10 || !f[0].endsWith(":")) {
        continue; // the header
      }
      String local = f[1];
      if (local.endsWith(":" + portHex) && f[3].equals(LISTEN)) {
        inodes.add(Long.parseLong(f[9]));
      }
    }
    return inodes;
  }

  private static boolean holdsSocket(Path process, Set<Long> inodes) {
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
      for (Path fd : fds) {
        String target;
        try {
          target = Files.readSymbolicLink(fd).toString();
        } catch (IOException | UnsupportedOperationException e) {
          continue;
        }
        if (target.startsWith("socket:[")
            && target.endsWith("]")
            && inodes.contains(Long.parseLong(target.substring(8, target.length() - 1)))) {
          return true;
        }
      }
    } catch (IOException | SecurityException e) {
      return false; // gone, or not ours to read
    }
    return false;
  }
}
