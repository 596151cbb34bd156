package io.peyvand.loadtests.bench.harness;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * Where the CPU went during one phase of a benchmark: the CPU time of each named process (the
 * broker, Cassandra, the load generator) from {@link ProcessCpu}, and of the whole machine from
 * {@code /proc/stat}, read at {@link #start} and at {@link #stop}. Shares are of the machine's
 * capacity over the phase (wall time x cores): a process at 100% of a 2-core machine kept both
 * cores busy, and "other" is what the rest of this shared machine used meanwhile. A figure is
 * limited by whatever is near 100% of what it can use: one process near cores x 100% is CPU-bound;
 * a machine near 100% in total is saturated, whoever is using it.
 */
public final class CpuSplit {
  /** A process to account for; {@code pid} is -1 when it could not be found. */
  public record Part(String name, long pid) {}

  /** CPU nanoseconds a part used over the phase; -1 when unknown (not found, or gone). */
  public record Share(String name, long pid, long cpuNanos) {}

  /**
   * The split of one phase.
   *
   * @param machineBusyNanos CPU time the whole machine used (all processes), -1 if unknown
   */
  public record Result(List<Share> shares, long wallNanos, int cores, long machineBusyNanos) {
    public Result {
      shares = List.copyOf(shares);
    }

    /** Share of the machine's capacity over the phase, in percent. */
    double percent(long cpuNanos) {
      return wallNanos <= 0 || cores <= 0 ? 0 : 100.0 * cpuNanos / ((double) wallNanos * cores);
    }

    /** The machine's busy time used by processes other than the parts; -1 if unknown. */
    long otherNanos() {
      if (machineBusyNanos < 0) {
        return -1;
      }
      long ours = shares.stream().mapToLong(s -> Math.max(0, s.cpuNanos())).sum();
      return Math.max(0, machineBusyNanos - ours);
    }

    /**
     * One line: {@code cpu: broker=10.1s(41%) cassandra=5.0s(20%) bench=3.2s(13%) other=1.0s(4%)
     * idle=22% wall=12.3s cores=2}, each share of wall x cores.
     */
    public String line() {
      List<String> parts = new ArrayList<>();
      for (Share s : shares) {
        parts.add(
            s.name()
                + "="
                + (s.cpuNanos() < 0
                    ? "?"
                    : String.format(
                        Locale.ROOT, "%.1fs(%.0f%%)", s.cpuNanos() / 1e9, percent(s.cpuNanos()))));
      }
      long other = otherNanos();
      if (other >= 0) {
        parts.add(
            String.format(
                Locale.ROOT,
                "other=%.1fs(%.0f%%) idle=%.0f%%",
                other / 1e9,
                percent(other),
                Math.max(0, 100 - percent(machineBusyNanos))));
      }
      return "cpu: "
          + String.join(" ", parts)
          + String.format(Locale.ROOT, " wall=%.1fs cores=%d", wallNanos / 1e9, cores);
    }

    /** The same as a JSON object: seconds and percents per part. */
    public ObjectNode json() {
      ObjectNode o = Json.object();
      for (Share s : shares) {
        if (s.cpuNanos() < 0) {
          o.putNull(s.name());
        } else {
          ObjectNode part = o.putObject(s.name());
          part.put("pid", s.pid());
          part.put("cpuSec", Json.fixed(s.cpuNanos() / 1e9, 2));
          part.put("percent", Json.fixed(percent(s.cpuNanos()), 1));
        }
      }
      long other = otherNanos();
      if (other < 0) {
        o.putNull("otherPercent");
      } else {
        o.put("otherPercent", Json.fixed(percent(other), 1));
      }
      o.put("wallSec", Json.fixed(wallNanos / 1e9, 2));
      o.put("cores", cores);
      return o;
    }
  }

  private final List<Part> parts;
  private final long[] before;
  private final long machineBefore;
  private final long wallBefore;

  private CpuSplit(List<Part> parts) {
    this.parts = List.copyOf(parts);
    this.before = new long[parts.size()];
    for (int i = 0; i < parts.size(); i++) {
      before[i] = read(parts.get(i).pid());
    }
    this.machineBefore = machineBusyNanos();
    this.wallBefore = System.nanoTime();
  }

  /** Reads every part's CPU time now. */
  public static CpuSplit start(List<Part> parts) {
    return new CpuSplit(parts);
  }

  /** This process (the load generator, or whatever runs the benchmark). */
  public static Part self(String name) {
    return new Part(name, ProcessHandle.current().pid());
  }

  /** The process listening on {@code port} on this machine, or pid -1. */
  public static Part listeningOn(String name, int port) {
    return new Part(name, ListeningProcess.of(port).orElse(-1));
  }

  /** The parts' names joined by "/": {@code broker-1/broker-2}. */
  public static String names(List<Part> parts) {
    return parts.stream().map(Part::name).collect(Collectors.joining("/"));
  }

  /** The parts' pids joined by "/", -1 for one not found: {@code 4711/-1}. */
  public static String pids(List<Part> parts) {
    return parts.stream().map(p -> String.valueOf(p.pid())).collect(Collectors.joining("/"));
  }

  /** Reads every part's CPU time again: the split since {@link #start}. */
  public Result stop() {
    long wall = System.nanoTime() - wallBefore;
    List<Share> shares = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      long after = read(parts.get(i).pid());
      shares.add(
          new Share(
              parts.get(i).name(),
              parts.get(i).pid(),
              before[i] < 0 || after < 0 ? -1 : after - before[i]));
    }
    long machineAfter = machineBusyNanos();
    return new Result(
        shares,
        wall,
        Runtime.getRuntime().availableProcessors(),
        machineBefore < 0 || machineAfter < 0 ? -1 : machineAfter - machineBefore);
  }

  private static long read(long pid) {
    if (pid < 0) {
      return -1;
    }
    OptionalLong nanos = ProcessCpu.nanos(pid);
    return nanos.isPresent() ? nanos.getAsLong() : -1;
  }

  /**
   * Busy clock ticks of the whole machine from the first line of {@code /proc/stat} ({@code cpu
   * user nice system idle iowait irq softirq steal ...}): everything but idle and iowait. Guest
   * time is already counted in user.
   */
  static long busyTicksFromProcStat(String cpuLine) {
    String[] f = cpuLine.trim().split("\\s+");
    if (f.length < 5 || !f[0].equals("cpu")) {
      throw new IllegalArgumentException("not the cpu line of /proc/stat: " + cpuLine);
    }
    long busy = 0;
    for (int i = 1; i < Math.min(f.length, 9); i++) {
      if (i != 4 && i != 5) { // idle, iowait
        busy += Long.parseLong(f[i]);
      }
    }
    return busy;
  }

  private static long machineBusyNanos() {
    try {
      String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
      return ProcessCpu.ticksToNanos(busyTicksFromProcStat(first));
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
