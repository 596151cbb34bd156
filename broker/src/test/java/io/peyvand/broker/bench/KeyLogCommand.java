package io.peyvand.broker.bench;

import io.peyvand.broker.audit.AuditLog;
import io.peyvand.loadtests.bench.harness.CpuSplit;
import io.peyvand.protocol.transparency.KeyLogs;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code keylog} scenario ({@code ./peyvand bench keylog}): a burst of KeyPackage publications
 * as the transparency logs take them. Each publication appends one entry to the key log of its
 * user's platform ({@link AuditLog}, one writer per log in the cluster, batching what arrives while
 * a batch is written, each batch signed as a new head); {@code --in-flight} appends wait at once,
 * spread over {@code --logs} platforms' logs. The same burst runs into one log and then into {@code
 * --logs} logs, in one run, so that the ratio shows what a log per platform buys. Printed per case:
 * appends/s, p50/p99 latency, CPU per append in the broker and in Cassandra.
 *
 * <p>It measures the log, not the rest of Publish (the parse and signature checks of a KeyPackage,
 * its user's entity), because a burst of distinct valid KeyPackages needs one MLS client per user.
 */
@Command(
    name = "keylog",
    mixinStandardHelpOptions = true,
    description = "Key log appends/s and latency: one log, then one per platform.")
final class KeyLogCommand implements Callable<Integer> {
  @Mixin BenchOptions common = new BenchOptions();

  @Option(
      names = "--appends",
      paramLabel = "N",
      defaultValue = "20000",
      description = "Entries appended per case (default ${DEFAULT-VALUE}).")
  int appends;

  @Option(
      names = "--in-flight",
      paramLabel = "N",
      defaultValue = "256",
      description = "Appends unanswered at most (default ${DEFAULT-VALUE}).")
  int inFlight;

  @Option(
      names = "--logs",
      paramLabel = "N",
      defaultValue = "4",
      description = "Platforms' logs in the second case (default ${DEFAULT-VALUE}).")
  int logs;

  @Spec CommandLine.Model.CommandSpec spec;

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** One case's figures. */
  private record Case(int logs, double perSecond, long[] latencies, CpuSplit.Result cpu) {}

  @Override
  public Integer call() throws Exception {
    if (appends < 1 || inFlight < 1 || logs < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--appends, --in-flight and --logs must be positive");
    }
    PrintStream log = System.err;
    String run = Long.toString(System.currentTimeMillis(), 36);
    try (BenchCassandra cassandra =
        BenchCassandra.open(common.cassandra, common.startCassandra, "bench_keylog_" + run, log)) {
      try (BenchNode node = cassandra.startNode("bench-keylog", "")) {
        List<CpuSplit.Part> parts =
            List.of(CpuSplit.self("broker+bench"), new CpuSplit.Part("cassandra", cassandra.pid));
        // Warm up: code paths, each log's writer started and its first head signed.
        burst(node, "warm", Math.min(2_000, appends), logs, parts);
        Case one = burst(node, "one", appends, 1, parts);
        Case many = burst(node, "many", appends, logs, parts);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
            Locale.ROOT,
            "keylog: %,d appends per case, %d in flight, entries of ~130 bytes%n",
            appends,
            inFlight);
        for (Case c : List.of(one, many)) {
          long[] l = c.latencies();
          out.printf(
              Locale.ROOT,
              "  %d log%s: appends/s %.0f   latency p50 %.1f ms   p99 %.1f ms   max %.1f ms%n",
              c.logs(),
              c.logs() == 1 ? " " : "s",
              c.perSecond(),
              l[l.length / 2] / 1e6,
              l[(int) Math.min(l.length - 1, Math.ceil(l.length * 0.99) - 1)] / 1e6,
              l[l.length - 1] / 1e6);
          for (CpuSplit.Share share : c.cpu().shares()) {
            out.printf(
                Locale.ROOT,
                "          cpu per append, %s: %.0f us%n",
                share.name(),
                share.cpuNanos() / 1e3 / appends);
          }
        }
        out.printf(
            Locale.ROOT,
            "  %d logs / 1 log, appends/s: %.2f%n",
            logs,
            many.perSecond() / one.perSecond());
        out.printf(
            Locale.ROOT,
            "rerun: ./peyvand bench keylog --start-cassandra --appends %d --in-flight %d --logs %d%n",
            appends,
            inFlight,
            logs);
      }
    }
    return 0;
  }

  /** {@code count} appends spread round-robin over {@code logs} platforms' key logs. */
  private Case burst(BenchNode node, String name, int count, int logs, List<CpuSplit.Part> parts)
      throws InterruptedException {
    long[] latencies = new long[count];
    CpuSplit cpu = CpuSplit.start(parts);
    long start = System.nanoTime();
    Mailboxes.runAll(
        count,
        inFlight,
        i -> {
          String platform = "platform-" + (i % logs);
          String user = platform + ":" + name + "-user-" + i;
          long sent = System.nanoTime();
          return AuditLog.append(
                  node.system(),
                  AuditLog.keyLog(platform),
                  TIMEOUT,
                  "broker",
                  KeyLogs.PUBLISHED,
                  KeyLogs.subject(
                      user,
                      String.format(Locale.ROOT, "%064x", i),
                      Optional.of(String.format(Locale.ROOT, "%064x", i * 31L))),
                  "stored")
              .thenApply(
                  index -> {
                    latencies[i] = System.nanoTime() - sent;
                    return index;
                  });
        });
    long wall = System.nanoTime() - start;
    CpuSplit.Result split = cpu.stop();
    Arrays.sort(latencies);
    return new Case(logs, count / (wall / 1e9), latencies, split);
  }
}
