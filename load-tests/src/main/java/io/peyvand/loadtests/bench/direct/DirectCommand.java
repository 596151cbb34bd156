package io.peyvand.loadtests.bench.direct;

import static io.peyvand.loadtests.bench.harness.CommonOptions.atLeast;

import io.peyvand.loadtests.bench.harness.CassandraCeiling;
import io.peyvand.loadtests.bench.harness.CommonOptions;
import io.peyvand.loadtests.bench.harness.CpuSplit;
import io.peyvand.loadtests.bench.harness.MessageIds;
import io.peyvand.loadtests.bench.harness.MetricsPage;
import io.peyvand.loadtests.bench.harness.PathCost;
import io.peyvand.loadtests.bench.harness.Platforms;
import io.peyvand.loadtests.bench.harness.SizeMix;
import io.peyvand.loadtests.bench.ledger.Ledger;
import io.peyvand.loadtests.bench.ledger.Tally;
import io.peyvand.protocol.sdk.BrokerEndpoint;
import io.peyvand.protocol.sdk.SessionRefusedException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.pekko.actor.ActorSystem;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code direct} scenario: 1:1 messages between users of different platforms. Every platform
 * has one session ({@link PlatformDriver}) that submits its users' messages and receives theirs. A
 * warm-up phase runs first and is waited out (answers and deliveries) before the measured phase, so
 * that the measured window starts clean; both phases count for the guarantees.
 *
 * <p>After the last submit of a phase it waits for every answer (bounded by the SDK's
 * submit-timeout) and then for every accepted message to be delivered, up to the grace period from
 * the last submit; what is still missing then is lost. After the measured phase it also gives the
 * DELIVERED statuses a few seconds to reach the senders, so that a rerun does not start with this
 * run's leftovers (they would only be counted as foreign).
 *
 * <p>Given several broker nodes ({@code --broker a,b,c}), platform i's session starts on node i mod
 * n (and fails over to the next node like any adapter's), so that a message and its delivery
 * usually go through different nodes; which node each session was on, and how often it had to
 * reconnect, is printed at the start and at the end.
 */
@Command(
    name = "direct",
    mixinStandardHelpOptions = true,
    version = "Peyvand bench 0.1.0",
    description = {
      "Closed-loop 1:1 cross-platform messaging through the adapter SDK: one session"
          + " per platform submits (at most --in-flight unanswered) and receives.",
      "Prints a summary line (accepted/s, delivered/s, submit-to-delivered p50 and p99, the"
          + " guarantees observed, the ceiling of raw Cassandra inserts measured in the same run"
          + " and the ratio of delivered/s to it), then the details and the CPU split between"
          + " broker, Cassandra and the benchmark; or one --json object with all of it."
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:every accepted message delivered, every repeat flagged",
      "1:a message was lost, a repeat was not flagged, or nothing was accepted",
      "2:bad options, or the broker could not be reached or refused a session"
    })
public final class DirectCommand implements Callable<Integer> {
  static final int BROKEN = 1;
  static final int UNREACHABLE = CommonOptions.UNREACHABLE;
  private static final Duration STATUS_SETTLE = Duration.ofSeconds(5);

  @Mixin CommonOptions common = new CommonOptions();

  @Option(
      names = "--platforms",
      paramLabel = "N|LIST",
      defaultValue = "2",
      description =
          "How many of the dev platforms (eitaa, bale, rubika, soroush, in that order),"
              + " or a comma-separated list of platform ids (default ${DEFAULT-VALUE}).")
  String platforms;

  @Option(
      names = "--users",
      paramLabel = "N",
      defaultValue = "100",
      description = "Users per platform (default ${DEFAULT-VALUE}).")
  int users;

  @Option(
      names = "--messages",
      paramLabel = "N",
      defaultValue = "10000",
      description = "Measured messages, in total (default ${DEFAULT-VALUE}).")
  int messages;

  @Option(
      names = "--in-flight",
      paramLabel = "N",
      defaultValue = "256",
      description = "Unanswered submits per platform at most (default ${DEFAULT-VALUE}).")
  int inFlight;

  @Option(
      names = "--rate",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Open loop: offer N messages per second in total (spread evenly over the"
              + " platforms), each submitted when due whether or not earlier ones were answered, with"
              + " latencies counted from when it was due; --in-flight is then only a cap (at least"
              + " 30 s of the rate). 0: the closed loop of --in-flight (default ${DEFAULT-VALUE}).")
  int rate;

  @Option(
      names = "--warmup",
      paramLabel = "N",
      defaultValue = "1000",
      description = "Messages sent first and not measured (default ${DEFAULT-VALUE}).")
  int warmup;

  @Option(
      names = "--size-mix",
      paramLabel = "MIX",
      defaultValue = "realistic",
      description =
          "Text body sizes: realistic (80%% under 200 bytes, up to 16 KiB) or fixed:N"
              + " (default ${DEFAULT-VALUE}).")
  String sizeMix;

  @Option(
      names = "--grace",
      paramLabel = "SECONDS",
      defaultValue = "30",
      description =
          "How long after the last submit an accepted message may take to be delivered"
              + " before it counts as lost (default ${DEFAULT-VALUE}).")
  int graceSeconds;

  @Option(
      names = "--ceiling-rows",
      paramLabel = "N",
      defaultValue = "100000",
      description =
          "Raw single-row inserts into the broker's Cassandra (--cassandra) after the"
              + " measured phase, to measure this machine's ceiling; 0 skips it (default"
              + " ${DEFAULT-VALUE}).")
  int ceilingRows;

  @Option(
      names = "--ceiling-in-flight",
      paramLabel = "N",
      defaultValue = "256",
      description =
          "Inserts in flight at most during the ceiling measurement (default"
              + " ${DEFAULT-VALUE}).")
  int ceilingInFlight;

  @Option(
      names = "--statuses",
      paramLabel = "by-recipient|by-sender",
      defaultValue = "by-recipient",
      description =
          "How the platforms take the statuses of their"
              + " users' messages: from the recipients' mailboxes (Capabilities.statuses_by_recipient,"
              + " StatusDelivery frames; declared for each platform before the run) or from the"
              + " senders' mailboxes (Delivery frames, the default of a newly registered platform)."
              + " Default: ${DEFAULT-VALUE}.")
  String statuses;

  @Option(
      names = "--start",
      description =
          "Start a broker for the run (./peyvand dev with its"
              + " embedded Cassandra, on free ports, data under load-tests/target/bench-broker) and stop"
              + " it at the end, instead of using the one at --broker and --cassandra.")
  boolean start;

  @Option(
      names = "--compare-statistics",
      description =
          "With --start: run the measurement twice, each against a broker of its own, first with"
              + " the regulator's statistics off (peyvand.statistics.enabled=false), then on, and"
              + " print both throughputs and their ratio (PROTOCOL.md §17.4: at most 5% apart).")
  boolean compareStatistics;

  @Spec CommandLine.Model.CommandSpec spec;

  /** The last run's report (for --compare-statistics). */
  private Report lastReport;

  @Override
  public Integer call() throws Exception {
    List<String> platformIds;
    SizeMix sizes;
    List<BrokerEndpoint> endpoints;
    try {
      platformIds = Platforms.parse(platforms);
      sizes = SizeMix.parse(sizeMix);
      endpoints = common.endpoints();
      atLeast("--users", users, 1);
      atLeast("--messages", messages, 1);
      atLeast("--in-flight", inFlight, 1);
      atLeast("--warmup", warmup, 0);
      atLeast("--rate", rate, 0);
      atLeast("--grace", graceSeconds, 0);
      atLeast("--ceiling-rows", ceilingRows, 0);
      atLeast("--ceiling-in-flight", ceilingInFlight, 1);
      if (!statuses.equals("by-recipient") && !statuses.equals("by-sender")) {
        throw new IllegalArgumentException(
            "--statuses is \"" + statuses + "\": give by-recipient" + " or by-sender");
      }
      common.cassandraPort();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintStream log = System.err;
    if (compareStatistics) {
      if (!start) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--compare-statistics needs --start (a broker for each setting)");
      }
      double[] delivered = new double[2];
      for (int on = 0; on < 2; on++) {
        log.printf("direct: statistics %s%n", on == 1 ? "on" : "off");
        int status =
            common.againstBroker(
                true,
                List.of("peyvand.statistics.enabled=" + (on == 1)),
                log,
                () -> run(platformIds, sizes, common.endpoints(), log));
        if (status != 0) {
          return status;
        }
        delivered[on] = lastReport.measured().deliveredPerSecond();
      }
      spec.commandLine()
          .getOut()
          .printf(
              "statistics: off %.1f delivered/s, on %.1f delivered/s: on/off = %.3f%n",
              delivered[0], delivered[1], delivered[1] / delivered[0]);
      spec.commandLine().getOut().flush();
      return 0;
    }
    return common.againstBroker(
        start, List.of(), log, () -> run(platformIds, sizes, common.endpoints(), log));
  }

  private int run(
      List<String> platformIds, SizeMix sizes, List<BrokerEndpoint> endpoints, PrintStream log)
      throws Exception {
    MessageIds ids = MessageIds.fresh();
    int total = warmup + messages;
    DirectWorkload workload =
        DirectWorkload.generate(common.seed, platformIds, users, total, sizes);
    Ledger ledger = new Ledger(ids, total);
    ActorSystem system = CommonOptions.actorSystem();
    List<PlatformDriver> drivers = new ArrayList<>();
    try {
      for (int i = 0; i < platformIds.size(); i++) {
        drivers.add(
            new PlatformDriver(
                platformIds.get(i),
                i,
                common,
                system,
                cap(platformIds),
                ledger,
                ids,
                workload,
                log));
      }
      String refusal = connect(drivers, endpoints);
      if (refusal == null) {
        refusal = declareStatuses(drivers);
      }
      if (refusal != null) {
        log.println(refusal);
        return UNREACHABLE;
      }
      log.printf(
          "direct: run %s, platforms %s, %d users each, %d messages after %d warm-up,"
              + " %s, sizes %s, statuses %s, seed %d, over %s%n",
          ids.runId(),
          platformIds,
          users,
          messages,
          warmup,
          rate > 0
              ? "offered at "
                  + rate
                  + "/s (open loop, at most "
                  + cap(platformIds)
                  + " in flight per platform)"
              : "at most " + inFlight + " in flight per platform",
          sizes.name(),
          statuses,
          common.seed,
          drivers.get(0).connection());
      log.printf("direct: sessions on %s%n", sessions(drivers));
      List<CpuSplit.Part> brokers = common.brokerParts();
      CpuSplit.Part cassandra = common.cassandraPart();
      CpuSplit.Part bench = CpuSplit.self("bench");
      log.printf(
          "direct: CPU accounted to %s pid %s, cassandra pid %d, bench pid %d"
              + " (-1: not found on this machine)%n",
          CpuSplit.names(brokers), CpuSplit.pids(brokers), cassandra.pid(), bench.pid());
      List<CpuSplit.Part> parts = new ArrayList<>(brokers);
      parts.add(cassandra);
      parts.add(bench);
      int lost = 0;
      if (warmup > 0) {
        runPhase("warm-up", drivers, workload, ledger, 0, warmup);
        lost += ledger.tally(0, warmup).lost();
      }
      PathCost costing =
          PathCost.start(
              new MetricsPage(common.http, common.tlsFor(platformIds.get(0))),
              common.cassandra,
              log);
      CpuSplit measuring = CpuSplit.start(parts);
      boolean settled = runPhase("measured", drivers, workload, ledger, warmup, total);
      CpuSplit.Result cpu = measuring.stop();
      PathCost.Result cost = costing.stop();
      if (settled) {
        await(
            () -> ledger.statusesSettled(0, total), ledger, ledger.now() + STATUS_SETTLE.toNanos());
      }
      Tally measured = ledger.tally(warmup, total);
      reportFailures(drivers, log);
      log.printf("direct: sessions at the end on %s%n", sessions(drivers));
      CassandraCeiling.Result ceiling = null;
      if (ceilingRows > 0) {
        List<Integer> rowSizes =
            workload.messages().stream()
                .map(m -> workload.envelope(m, ids.messageId(m.index()), 0).getSerializedSize())
                .toList();
        try {
          ceiling =
              CassandraCeiling.measure(
                  common.cassandra,
                  rowSizes,
                  ceilingRows,
                  ceilingInFlight,
                  ids.runId(),
                  common.seed,
                  parts,
                  log);
        } catch (RuntimeException e) {
          log.println(
              "ceiling: cannot measure raw inserts into Cassandra at "
                  + common.cassandra
                  + " ("
                  + e.getMessage()
                  + "); name it with --cassandra HOST:PORT, or skip it with"
                  + " --ceiling-rows 0");
        }
      }
      Report report =
          new Report(
              "direct",
              platformIds,
              users,
              inFlight,
              rate,
              warmup,
              common.seed,
              sizes.name(),
              ids.runId(),
              measured,
              lost + measured.lost(),
              ceiling,
              cpu,
              cost);
      lastReport = report;
      spec.commandLine().getOut().println(common.json ? report.json() : report.text());
      spec.commandLine().getOut().flush();
      return report.failed() ? BROKEN : 0;
    } finally {
      drivers.parallelStream().forEach(PlatformDriver::close);
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** Unanswered submits per platform at most: --in-flight, or 30 s of an open loop's rate. */
  private int cap(List<String> platformIds) {
    return rate > 0
        ? Math.max(inFlight, (int) Math.min(1_000_000L, 30L * rate / platformIds.size()))
        : inFlight;
  }

  /**
   * Where each platform's session is and how often it reconnected: {@code eitaa 127.0.0.1:7410 (0
   * reconnects), bale 127.0.0.1:7420 (1 reconnect)}.
   */
  private static String sessions(List<PlatformDriver> drivers) {
    return drivers.stream()
        .map(
            d ->
                d.platform()
                    + " "
                    + d.node()
                    + " ("
                    + d.reconnects()
                    + (d.reconnects() == 1 ? " reconnect)" : " reconnects)"))
        .collect(Collectors.joining(", "));
  }

  /** Declares --statuses for every platform; a message saying why it failed, or null. */
  private String declareStatuses(List<PlatformDriver> drivers) throws InterruptedException {
    for (PlatformDriver driver : drivers) {
      try {
        driver
            .statusesByRecipient(statuses.equals("by-recipient"))
            .toCompletableFuture()
            .get(common.connectTimeoutSeconds, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        return "cannot declare --statuses "
            + statuses
            + " for platform "
            + driver.platform()
            + " (ConfigurePlatform): "
            + (e instanceof ExecutionException ? e.getCause() : e);
      }
    }
    return null;
  }

  /** Opens every session at once; a message saying why one failed, or null. */
  private String connect(List<PlatformDriver> drivers, List<BrokerEndpoint> endpoints)
      throws InterruptedException {
    List<CompletableFuture<?>> welcomes =
        drivers.stream().<CompletableFuture<?>>map(d -> d.connect().toCompletableFuture()).toList();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(common.connectTimeoutSeconds);
    for (int i = 0; i < drivers.size(); i++) {
      try {
        welcomes.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        return CommonOptions.unreachable(
            endpoints,
            "no session for "
                + drivers.get(i).platform()
                + " within "
                + common.connectTimeoutSeconds
                + " s");
      } catch (ExecutionException e) {
        if (e.getCause() instanceof SessionRefusedException refused) {
          return "the broker at "
              + BrokerEndpoint.format(endpoints)
              + " refused the session of "
              + drivers.get(i).platform()
              + ": "
              + refused.getMessage();
        }
        return CommonOptions.unreachable(endpoints, String.valueOf(e.getCause()));
      }
    }
    return null;
  }

  /**
   * Submits messages [from, to) from every platform at once and waits for their answers and
   * deliveries; true when all accepted ones were delivered within the grace period.
   */
  private boolean runPhase(
      String name,
      List<PlatformDriver> drivers,
      DirectWorkload workload,
      Ledger ledger,
      int from,
      int to)
      throws InterruptedException {
    long start = ledger.now();
    // Open loop: each platform offers its share of the rate, the platforms staggered evenly.
    long interval = rate > 0 ? Math.round(1e9 * drivers.size() / rate) : 0;
    List<Thread> senders = new ArrayList<>();
    List<InterruptedException> interrupted = new ArrayList<>();
    for (int i = 0; i < drivers.size(); i++) {
      PlatformDriver driver = drivers.get(i);
      List<DirectWorkload.Planned> mine = workload.sentBy(driver.platform(), from, to);
      long first = start + interval * i / drivers.size();
      Thread sender =
          new Thread(
              () -> {
                try {
                  driver.submitAll(mine, first, interval);
                } catch (InterruptedException e) {
                  synchronized (interrupted) {
                    interrupted.add(e);
                  }
                }
              },
              "bench-submit-" + driver.platform());
      senders.add(sender);
      sender.start();
    }
    for (Thread sender : senders) {
      sender.join();
    }
    if (!interrupted.isEmpty()) {
      throw interrupted.get(0);
    }
    long lastSubmit = ledger.now();
    // The SDK completes every submit within its submit-timeout (60 s by default).
    Duration answerTimeout = Duration.ofSeconds(70);
    for (PlatformDriver driver : drivers) {
      driver.awaitAnswers(answerTimeout);
    }
    boolean settled =
        await(
            () -> ledger.settled(from, to),
            ledger,
            lastSubmit + TimeUnit.SECONDS.toNanos(graceSeconds));
    System.err.printf(
        "direct: %s phase: %d messages submitted in %.1f s, %s%n",
        name,
        to - from,
        (lastSubmit - start) / 1e9,
        settled
            ? "all accepted ones delivered"
            : "some accepted ones not delivered within " + graceSeconds + " s");
    return settled;
  }

  /** Polls {@code condition} until it holds or the ledger's clock reaches {@code deadline}. */
  private static boolean await(BooleanSupplier condition, Ledger clock, long deadline)
      throws InterruptedException {
    while (!condition.getAsBoolean()) {
      if (clock.now() >= deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  private static void reportFailures(List<PlatformDriver> drivers, PrintStream log) {
    for (PlatformDriver driver : drivers) {
      if (driver.firstFailure() != null) {
        log.printf(
            "%s: some submits got no answer; the first failure: %s%n",
            driver.platform(), driver.firstFailure());
      }
    }
  }
}
