package io.peyvand.loadtests.bench.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * CPU time a process has used, from Linux's {@code /proc/<pid>/stat}: user plus system time ({@code
 * utime} and {@code stime}, fields 14 and 15, in clock ticks). Read before and after a phase, the
 * difference is what the process spent on it, whichever process it is: the broker, its Cassandra,
 * or the load generator itself. Children are not included ({@code cutime} is only counted once a
 * child is waited for), so an embedded Cassandra is measured as its own process.
 */
public final class ProcessCpu {
  /** Linux's USER_HZ: 100 on every mainstream architecture; {@code getconf CLK_TCK} confirms. */
  static final long TICKS_PER_SECOND = ticksPerSecond();

  private ProcessCpu() {}

  /**
   * utime + stime in clock ticks, from the text of a {@code /proc/<pid>/stat} file. The second
   * field (the command name, in parentheses) may itself contain spaces and parentheses, so the
   * fields are counted from the last ')'.
   */
  static long ticksFromStat(String stat) {
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + stat);
    }
    // After ")": field 3 (state) is the first; utime is field 14, stime field 15.
    String[] fields = stat.substring(close + 1).trim().split("\\s+");
    if (fields.length < 13) {
      throw new IllegalArgumentException("a /proc/<pid>/stat line with too few fields: " + stat);
    }
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  /** CPU nanoseconds used so far by process {@code pid}; empty if it is gone or unreadable. */
  public static OptionalLong nanos(long pid) {
    try {
      String stat =
          Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
      return OptionalLong.of(ticksToNanos(ticksFromStat(stat)));
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  static long ticksToNanos(long ticks) {
    return ticks * (TimeUnit.SECONDS.toNanos(1) / TICKS_PER_SECOND);
  }

  private static long ticksPerSecond() {
    try {
      Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out =
          new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
      if (getconf.waitFor(5, TimeUnit.SECONDS)
          && getconf.exitValue() == 0
          && out.matches("[1-9][0-9]*")) {
        return Long.parseLong(out);
      }
    } catch (IOException e) {
      // no getconf: the Linux default below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 100;
  }
}
