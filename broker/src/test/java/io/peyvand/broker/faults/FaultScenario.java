package io.peyvand.broker.faults;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.peyvand.loadtests.bench.harness.MessageIds;
import io.peyvand.loadtests.bench.ledger.Ledger;
import io.peyvand.loadtests.bench.ledger.Tally;
import io.peyvand.persistence.cassandra.CassandraNode;
import io.peyvand.persistence.testkit.SharedCassandra;
import io.peyvand.protocol.sdk.DeliveryHandler;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.UserAddress;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.pekko.actor.ActorSystem;

/**
 * The frame every fault scenario runs in: a cluster of broker JVMs ({@link FaultCluster}), one
 * {@link ClusterAdapter} per (platform, session) spread over the nodes, steady {@link Traffic}, a
 * warm-up, the scenario's fault ({@link #inject}), traffic for {@code settle} seconds after the
 * fault ended, then a drain (retries until every message is answered) and a grace period for the
 * deliveries, and the {@link Ledger}'s check (the ledger of load-tests, the bench's own). Prints
 * one summary line; the result says whether the run passed: the ledger's conditions ({@link
 * #ledgerFailures}: lost = 0, unflagged duplicates = 0, no message stored twice, no final refusal,
 * every message answered in the end), the journal check, the recovery, and the scenario's own
 * conditions.
 *
 * <p>Recovery time: for each instant the scenario marks ({@link Context#recoveryFrom}), the time
 * from it to the first of three consecutive seconds in which at least 95% of the messages first
 * sent were accepted within 3 s and received within 10 s of their first send ("traffic back:
 * accepted and delivered flowing"); the longest one is reported.
 */
abstract class FaultScenario {
  static final Duration READY_TIMEOUT = Duration.ofSeconds(240);
  private static final double ON_TIME_SHARE = 0.95;
  private static final long ACCEPT_WITHIN = Duration.ofSeconds(3).toNanos();
  private static final long DELIVER_WITHIN = Duration.ofSeconds(10).toNanos();

  /** Traffic goes on at most this long past the settle time while it is not back yet. */
  private static final int EXTRA_SECONDS = 60;

  /** What every scenario takes from the command line (or an IT). */
  record Options(
      double rate,
      int warmupSeconds,
      int settleSeconds,
      int usersPerPlatform,
      int sessionsPerPlatform,
      int drainSeconds,
      int graceSeconds,
      Path baseDir) {
    static Options defaults() {
      return new Options(
          50,
          30,
          30,
          20,
          2,
          90,
          30,
          Path.of(System.getProperty("peyvand.faults.dir", "target/faults")));
    }

    /** The integration tests' options: shorter warm-up and settle time. */
    static Options forCi() {
      Options d = defaults();
      return new Options(
          d.rate(),
          20,
          15,
          d.usersPerPlatform(),
          d.sessionsPerPlatform(),
          d.drainSeconds(),
          d.graceSeconds(),
          d.baseDir());
    }
  }

  /** What a run found: its summary line, whether it passed, and why not. */
  record Result(String name, String summary, boolean passed, List<String> failures) {}

  /** What a scenario works with while it runs. */
  final class Context {
    final FaultCluster cluster;
    final Ledger ledger;
    final List<ClusterAdapter> adapters;
    final Options options;
    private final PrintStream progress;
    private final List<Long> recoveryFrom = new ArrayList<>();
    private final Map<String, String> figures = new LinkedHashMap<>();
    private final List<String> failures = new ArrayList<>();
    // node -> the adapters that were on it when it was taken out
    private final Map<Integer, List<ClusterAdapter>> takenOut = new LinkedHashMap<>();

    Context(
        FaultCluster cluster,
        Ledger ledger,
        List<ClusterAdapter> adapters,
        Options options,
        PrintStream progress) {
      this.cluster = cluster;
      this.ledger = ledger;
      this.adapters = adapters;
      this.options = options;
      this.progress = progress;
    }

    /** A progress line on stderr (or the IT's output), with the run's clock. */
    void log(String line) {
      progress.printf(Locale.ROOT, "[%s %6.1fs] %s%n", name(), ledger.now() / 1e9, line);
    }

    /** Recovery is measured from this instant of {@link System#nanoTime()}. */
    void recoveryFrom(long nanos) {
      recoveryFrom.add(ledger.at(nanos));
    }

    /** A figure of the scenario's own, printed in the summary line as key=value. */
    void figure(String key, Object value) {
      figures.put(key, String.valueOf(value));
    }

    /** A condition of the scenario failed. */
    void fail(String reason) {
      failures.add(reason);
      log("FAILED: " + reason);
    }

    void check(boolean condition, String reason) {
      if (!condition) {
        fail(reason);
      }
    }

    void sleepSeconds(double seconds) throws InterruptedException {
      Thread.sleep((long) (seconds * 1000));
    }

    /** A fault that takes one node out: SIGKILL, SIGSTOP. */
    interface NodeFault {
      void apply(int node) throws Exception;
    }

    /**
     * Takes node {@code victim} out with {@code fault} ({@code signal} names it in the log), marks
     * recovery from that instant and waits at most {@code within} until the others see 2 members
     * Up. Records the figure downed-after and returns the instant of the fault ({@link
     * System#nanoTime()}).
     */
    long takeOut(int victim, String signal, NodeFault fault, Duration within) throws Exception {
      long pid = cluster.node(victim).pid();
      takenOut.put(victim, adapters.stream().filter(a -> a.node() == victim).toList());
      long at = System.nanoTime();
      fault.apply(victim);
      recoveryFrom(at);
      log(signal + " node-" + (victim + 1) + " (pid " + pid + ")");
      cluster.awaitMembersUp(2, within);
      figure("downed-after", String.format(Locale.ROOT, "%.1fs", (System.nanoTime() - at) / 1e9));
      return at;
    }

    /**
     * Checks that the adapters of a node taken out ({@link #takeOut}) moved to other nodes: none is
     * on it at the end, and each that was on it moved. Records the figure sessions-moved (adapters
     * that moved at all).
     */
    void checkAdaptersMovedOff(int victim) {
      List<ClusterAdapter> wereOn = takenOut.getOrDefault(victim, List.of());
      check(!wereOn.isEmpty(), "no adapter was on node-" + (victim + 1) + " when it was taken out");
      for (ClusterAdapter adapter : adapters) {
        check(
            adapter.node() != victim,
            adapter.name() + " is still on node-" + (victim + 1) + ", which was taken out");
      }
      for (ClusterAdapter adapter : wereOn) {
        check(
            adapter.moves().stream().anyMatch(m -> m.startsWith("node-" + (victim + 1) + "->")),
            adapter.name() + " never moved off node-" + (victim + 1));
      }
      figure("sessions-moved", adapters.stream().filter(a -> !a.moves().isEmpty()).count());
    }

    /** Reconnects of all adapters between the two instants. */
    int reconnectsBetween(long from, long to) {
      return adapters.stream().mapToInt(a -> a.reconnectsBetween(from, to)).sum();
    }
  }

  /** The scenario's name as the command line spells it (kill, cassandra, ...). */
  abstract String name();

  /** Whether the scenario stops Cassandra, so needs a node of its own. */
  boolean ownCassandra() {
    return false;
  }

  /** Nodes the cluster may have at most (ports are reserved for them). */
  int maxNodes() {
    return 3;
  }

  /**
   * Whether every second between the warm-up and the end of the traffic must have accepted messages
   * (a change that must not stall the whole traffic, like a node joining).
   */
  boolean requiresSteadyAcceptance() {
    return false;
  }

  /** Injects the fault and waits until it is over (repaired, or the cluster settled). */
  abstract void inject(Context context) throws Exception;

  /** The scenario's checks once the traffic drained. */
  void verify(Context context) throws Exception {}

  /**
   * Runs the scenario with the CI's options ({@link Options#forCi}), progress and summary on
   * stdout, and fails the calling test unless it passed.
   */
  void passesInCi() throws Exception {
    Result result = run(Options.forCi(), System.out);
    System.out.println(result.summary());
    assertTrue(result.passed(), result.summary() + "\n" + String.join("\n", result.failures()));
  }

  /** Runs the scenario; progress goes to {@code progress}. */
  Result run(Options options, PrintStream progress) throws Exception {
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path dir = options.baseDir().resolve(name() + "-" + stamp).toAbsolutePath();
    String keyspace = "faults_" + name().replace('-', '_') + "_" + ProcessHandle.current().pid();
    progress.printf("[%s] starting Cassandra and 3 broker nodes (logs in %s)%n", name(), dir);
    CassandraNode cassandra =
        ownCassandra()
            ? FaultCluster.ownCassandra(dir.resolve("cassandra"))
            : SharedCassandra.node();
    ActorSystem system =
        ActorSystem.create(
            "faults-adapters",
            ConfigFactory.parseString("pekko.actor.provider = local")
                .withFallback(ConfigFactory.load()));
    List<ClusterAdapter> adapters = new ArrayList<>();
    Traffic traffic = null;
    try (FaultCluster cluster =
        FaultCluster.create(
            dir,
            keyspace,
            cassandra,
            ownCassandra(),
            maxNodes(),
            line -> progress.printf("[%s] %s%n", name(), line))) {
      long clusterBegun = System.nanoTime();
      cluster.startAll(3, READY_TIMEOUT);
      progress.printf(
          Locale.ROOT,
          "[%s] 3 nodes Up after %.1f s%n",
          name(),
          (System.nanoTime() - clusterBegun) / 1e9);

      MessageIds ids = MessageIds.fresh();
      // Room for the timeline's hour at the rate; the traffic sends no more than that.
      Ledger ledger = new Ledger(ids, (int) Math.ceil(options.rate() * Ledger.TIMELINE_SECONDS));
      DeliveryHandler handler = DeliveryHandler.of(d -> ledger.delivered(d, ledger.now()));
      Map<String, List<ClusterAdapter>> byPlatform = new LinkedHashMap<>();
      int index = 0;
      for (String platform : FaultCluster.PLATFORMS) {
        for (int k = 0; k < options.sessionsPerPlatform(); k++) {
          ClusterAdapter adapter =
              new ClusterAdapter(
                  platform + "-" + (k + 1),
                  platform,
                  cluster.endpoints(3),
                  index++,
                  system,
                  handler);
          adapter.start(Duration.ofSeconds(60));
          adapters.add(adapter);
          byPlatform.computeIfAbsent(platform, p -> new ArrayList<>()).add(adapter);
        }
      }
      Context context = new Context(cluster, ledger, adapters, options, progress);
      traffic = new Traffic(ledger, ids, byPlatform, options.usersPerPlatform(), options.rate());
      traffic.start();
      context.log(
          String.format(
              Locale.ROOT,
              "traffic at %.0f msg/s from %d adapter sessions" + " (%s); warm-up %d s",
              options.rate(),
              adapters.size(),
              placement(adapters),
              options.warmupSeconds()));
      context.sleepSeconds(options.warmupSeconds() / 2);
      int secondHalf = traffic.created();
      context.sleepSeconds(options.warmupSeconds() - options.warmupSeconds() / 2);
      long warmedUp = ledger.now();
      Tally before = ledger.tally(secondHalf, traffic.created());
      long acceptedP99 = before.submitToAccepted().value(0.99) / 1_000_000;
      long receivedP99 = before.submitToDelivered().value(0.99) / 1_000_000;
      context.log(
          String.format(
              Locale.ROOT,
              "before the fault: accepted p50 %d ms, p99 %d ms;" + " received p50 %d ms, p99 %d ms",
              before.submitToAccepted().value(0.5) / 1_000_000,
              acceptedP99,
              before.submitToDelivered().value(0.5) / 1_000_000,
              receivedP99));
      context.figure("before-p99", acceptedP99 + "/" + receivedP99 + "ms");

      inject(context);

      context.log(
          "fault over; traffic goes on for "
              + options.settleSeconds()
              + " s, longer"
              + " (at most "
              + EXTRA_SECONDS
              + " s) until it is back");
      context.sleepSeconds(options.settleSeconds());
      long extraEnd = System.nanoTime() + Duration.ofSeconds(EXTRA_SECONDS).toNanos();
      while (!recovered(
              context,
              ledger,
              traffic.created(),
              ledger.now() - DELIVER_WITHIN - Duration.ofSeconds(1).toNanos())
          && System.nanoTime() < extraEnd) {
        Thread.sleep(1000);
      }
      traffic.stopSending();
      long trafficEnd = ledger.now();
      context.log("traffic stopped after " + traffic.created() + " messages; draining");
      boolean answered = traffic.awaitAnswered(Duration.ofSeconds(options.drainSeconds()));
      long graceEnd = System.nanoTime() + Duration.ofSeconds(options.graceSeconds()).toNanos();
      int sent = traffic.created();
      while (ledger.tally(0, sent).lost() > 0 && System.nanoTime() < graceEnd) {
        Thread.sleep(250);
      }
      Tally figures = ledger.tally(0, sent);
      Ledger.Receipts receipts = ledger.receipts(0, sent);
      if (!answered) {
        context.log(figures.unanswered() + " messages still unanswered after the drain");
      }
      List<Ledger.Second> timeline =
          ledger.timeline(sent, trafficEnd, ACCEPT_WITHIN, DELIVER_WITHIN);
      printTimeline(progress, timeline, ledger.second(warmedUp));
      verify(context);
      List<String> lostSample = new ArrayList<>();
      for (int lost : receipts.lostSample()) {
        UserAddress to = traffic.recipient(lost);
        lostSample.add(ids.messageId(lost) + "->" + to.getPlatformId() + ":" + to.getUserId());
      }
      journal(context, ids, traffic, receipts);

      int reconnects = adapters.stream().mapToInt(ClusterAdapter::reconnects).sum();
      double recovery = recovery(context, ledger, timeline, trafficEnd);
      int minAccepted = minAccepted(timeline, ledger.second(warmedUp), ledger.second(trafficEnd));
      if (requiresSteadyAcceptance()) {
        context.check(minAccepted > 0, "a second after the warm-up without accepted messages");
      }
      ledgerFailures(figures, receipts, lostSample).forEach(context::fail);

      StringBuilder line =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "faults %s: nodes=3 rate=%.0f/s sent=%d accepted=%d dup-answered=%d refused%s"
                      + " refused-final=%d not-answered=%d never-answered=%d delivered=%d lost=%d"
                      + " dup-flagged=%d dup-unflagged=%d stored-twice=%d reconnects=%d recovery=%s"
                      + " min-accepted/s=%d",
                  name(),
                  options.rate(),
                  figures.messages(),
                  figures.accepted() - figures.duplicates(),
                  figures.duplicates(),
                  refusedText(ledger.refusals()),
                  figures.refusedTotal(),
                  ledger.triesUnanswered(),
                  figures.unanswered(),
                  figures.delivered(),
                  figures.lost(),
                  receipts.repeatedFlagged(),
                  receipts.unflaggedRepeats(),
                  receipts.storedTwice(),
                  reconnects,
                  recovery < 0 ? "none" : String.format(Locale.ROOT, "%.1fs", recovery),
                  minAccepted));
      context.figures.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
      boolean passed = context.failures.isEmpty();
      line.append(passed ? " PASS" : " FAIL");
      progress.printf(
          "[%s] adapters: %s%n",
          name(),
          adapters.stream()
              .map(a -> a.name() + " reconnects=" + a.reconnects() + " moves=" + a.moves())
              .toList());
      return new Result(name(), line.toString(), passed, List.copyOf(context.failures));
    } finally {
      if (traffic != null) {
        traffic.close();
      }
      adapters.forEach(ClusterAdapter::close);
      system.terminate();
    }
  }

  /**
   * The conditions of FAULTS.md's table ("must be") on the ledger's figures, which every scenario
   * must meet: lost = 0, dup-unflagged = 0, stored-twice = 0, refused-final = 0, never-answered =
   * 0, and no delivery of an unknown message id. Returns each broken one as the reason the run
   * fails (empty: they all hold). The journal's violations and the recovery are checked apart.
   */
  static List<String> ledgerFailures(
      Tally figures, Ledger.Receipts receipts, List<String> lostSample) {
    List<String> failures = new ArrayList<>();
    if (figures.lost() != 0) {
      failures.add("lost=" + figures.lost() + " " + lostSample);
    }
    if (receipts.unflaggedRepeats() != 0) {
      failures.add("dup-unflagged=" + receipts.unflaggedRepeats());
    }
    if (receipts.storedTwice() != 0) {
      failures.add(
          "stored-twice="
              + receipts.storedTwice()
              + " (messages received at two sequence numbers: stored twice by the broker)");
    }
    if (figures.refusedTotal() != 0) {
      failures.add("refused-final=" + figures.refusedTotal());
    }
    if (figures.unanswered() != 0) {
      failures.add("never-answered=" + figures.unanswered());
    }
    if (figures.foreign() != 0) {
      failures.add("deliveries of unknown message ids: " + figures.foreign());
    }
    return failures;
  }

  /**
   * The journal check of every scenario ({@link JournalCheck}), and where each lost message is in
   * its recipient's journal, if anywhere.
   */
  private void journal(Context c, MessageIds ids, Traffic traffic, Ledger.Receipts receipts) {
    JournalCheck.Report journal = JournalCheck.check(c.cluster.session(), c.cluster.keyspace());
    c.figure("journal-mailboxes", journal.mailboxes());
    c.figure("max-incarnations", journal.maxWriters());
    c.figure("journal-violations", journal.violations().size());
    journal.violations().stream().limit(10).forEach(v -> c.log("journal: " + v));
    c.check(journal.mailboxes() > 0, "no mailbox in the journal");
    c.check(
        journal.violations().isEmpty(),
        journal.violations().size()
            + " journal violations (a mailbox written by two incarnations at once, or a gap)");
    for (int lost : receipts.lostSample()) {
      String id = ids.messageId(lost);
      UserAddress mailbox = traffic.recipient(lost);
      String recipient = mailbox.getPlatformId() + ":" + mailbox.getUserId();
      List<JournalCheck.Stored> stored =
          JournalCheck.find(c.cluster.session(), c.cluster.keyspace(), recipient, id);
      c.log("lost " + id + " to " + recipient + ": in its journal at " + stored);
      if (!stored.isEmpty()) {
        JournalCheck.Stored at = stored.get(0);
        c.log("  " + c.ledger.explain(lost, mailbox, at.item() - 2, at.item() + 2));
        JournalCheck.rows(
                c.cluster.session(), c.cluster.keyspace(), recipient, at.sequenceNr() - 3, 12)
            .forEach(row -> c.log("  journal " + recipient + " " + row));
      }
    }
  }

  /** Refusals by code as {CODE=n,...}. */
  private static String refusedText(Map<ErrorCode, Long> refused) {
    StringBuilder s = new StringBuilder("{");
    refused.forEach(
        (code, n) -> s.append(s.length() > 1 ? "," : "").append(code).append('=').append(n));
    return s.append('}').toString();
  }

  private static String placement(List<ClusterAdapter> adapters) {
    StringBuilder s = new StringBuilder();
    for (ClusterAdapter a : adapters) {
      s.append(s.length() > 0 ? ", " : "").append(a.name()).append("@node-").append(a.node() + 1);
    }
    return s.toString();
  }

  /** Whether the traffic is back after every marked instant, judging seconds up to {@code end}. */
  private boolean recovered(Context context, Ledger ledger, int sent, long end) {
    List<Ledger.Second> timeline = ledger.timeline(sent, end, ACCEPT_WITHIN, DELIVER_WITHIN);
    for (long from : context.recoveryFrom) {
      if (backAt(timeline, from / 1e9, ledger.second(end)) < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * The first second from {@code at} on that starts three consecutive seconds with at least
   * ON_TIME_SHARE of their messages on time; -1 if none before {@code end}.
   */
  private static int backAt(List<Ledger.Second> timeline, double at, int end) {
    for (int s = (int) Math.floor(at); s + 2 < end && s + 2 < timeline.size(); s++) {
      boolean allOnTime = true;
      for (int k = s; k < s + 3; k++) {
        Ledger.Second second = timeline.get(k);
        allOnTime &= second.sent() > 0 && second.onTime() >= ON_TIME_SHARE * second.sent();
      }
      if (allOnTime) {
        return s;
      }
    }
    return -1;
  }

  /**
   * The longest recovery over the marked instants, in seconds; -1 when the traffic did not come
   * back before it stopped (then the run fails).
   */
  private double recovery(
      Context context, Ledger ledger, List<Ledger.Second> timeline, long trafficEnd) {
    double longest = 0;
    for (long from : context.recoveryFrom) {
      double at = from / 1e9;
      int back = backAt(timeline, at, ledger.second(trafficEnd));
      if (back < 0) {
        context.fail(
            String.format(
                Locale.ROOT,
                "traffic not back (%.0f%% on time) before the" + " traffic stopped, from %.1f s",
                ON_TIME_SHARE * 100,
                at));
        return -1;
      }
      longest = Math.max(longest, Math.max(0, back - at));
    }
    return longest;
  }

  /** The fewest messages accepted in one second between warm-up and the end of the traffic. */
  private static int minAccepted(List<Ledger.Second> timeline, int from, int to) {
    int min = Integer.MAX_VALUE;
    for (int s = from; s < to && s < timeline.size(); s++) {
      min = Math.min(min, timeline.get(s).accepted());
    }
    return min == Integer.MAX_VALUE ? 0 : min;
  }

  private void printTimeline(PrintStream out, List<Ledger.Second> timeline, int warmedUp) {
    out.printf("[%s] timeline (s: sent accepted delivered refused on-time%%)%n", name());
    StringBuilder row = new StringBuilder();
    for (Ledger.Second s : timeline) {
      row.append(
          String.format(
              Locale.ROOT,
              "%s%3d: %3d %3d %3d %3d %3.0f%%  ",
              s.second() == warmedUp ? "|" : " ",
              s.second(),
              s.sent(),
              s.accepted(),
              s.delivered(),
              s.refused(),
              s.sent() == 0 ? 0.0 : 100.0 * s.onTime() / s.sent()));
      if (s.second() % 4 == 3) {
        out.printf("[%s] %s%n", name(), row);
        row.setLength(0);
      }
    }
    if (row.length() > 0) {
      out.printf("[%s] %s%n", name(), row);
    }
  }
}
