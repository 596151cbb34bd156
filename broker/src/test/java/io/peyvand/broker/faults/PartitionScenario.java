package io.peyvand.broker.faults;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * node-3 is frozen with SIGSTOP for {@link #PAUSE} under steady traffic (longer than failure
 * detection plus the Split Brain Resolver's stable-after, 20 s), then resumed with SIGCONT. For the
 * others it is a partition of one: they are the majority (keep-majority), so they down it and take
 * over its shards; its adapters' sessions go quiet and move to other nodes. On resume the frozen
 * node learns it was removed and must stop serving. Expected: lost = 0, unflagged duplicates = 0,
 * the resumed node not ready (its exit code and the log line saying why are reported), and in the
 * journal no mailbox written by two incarnations interleaved ({@link JournalCheck}, which every
 * scenario runs).
 */
final class PartitionScenario extends FaultScenario {
  static final int VICTIM = 2;
  static final Duration PAUSE = Duration.ofSeconds(40);

  /** How long the resumed node gets to notice and stop. */
  static final Duration STOP_WITHIN = Duration.ofSeconds(60);

  @Override
  String name() {
    return "partition";
  }

  @Override
  void inject(Context c) throws Exception {
    long at =
        c.takeOut(
            VICTIM,
            "SIGSTOP for " + PAUSE.toSeconds() + " s:",
            c.cluster::pause,
            PAUSE.minusSeconds(2));
    double downed = (System.nanoTime() - at) / 1e9;
    c.log(
        String.format(Locale.ROOT, "the majority downed node-%d after %.1f s", VICTIM + 1, downed));
    long left = PAUSE.toNanos() - (System.nanoTime() - at);
    if (left > 0) {
      Thread.sleep(left / 1_000_000);
    }
    long resumed = System.nanoTime();
    c.cluster.resume(VICTIM);
    c.log("SIGCONT node-" + (VICTIM + 1));
    OptionalInt exit = c.cluster.node(VICTIM).awaitExit(STOP_WITHIN);
    double after = (System.nanoTime() - resumed) / 1e9;
    String what =
        exit.isPresent()
            ? "exited with " + exit.getAsInt()
            : "still running, " + (c.cluster.node(VICTIM).health().ready() ? "READY" : "not ready");
    c.log(
        String.format(Locale.ROOT, "node-%d after SIGCONT: %s (%.1f s)", VICTIM + 1, what, after));
    c.figure(
        "resumed-node",
        exit.isPresent()
            ? "exit-" + exit.getAsInt()
            : "running-" + (c.cluster.node(VICTIM).health().ready() ? "ready" : "not-ready"));
    c.check(
        !c.cluster.node(VICTIM).health().ready(),
        "the resumed node is ready again although the cluster removed it");
    reason(c);
  }

  @Override
  void verify(Context c) {
    c.checkAdaptersMovedOff(VICTIM);
  }

  /**
   * The resumed node's log lines that say what it did: the first line of each kind (the others
   * quarantined it, Split Brain Resolver, coordinated shutdown and its reason), and how many writes
   * it still tried (journal writes in flight when it froze time out when it wakes).
   */
  private void reason(Context c) throws Exception {
    List<String> lines = Files.readAllLines(c.cluster.node(VICTIM).log);
    long resumedAt = lines.stream().filter(l -> l.contains("heartbeat was delayed")).count();
    for (String kind :
        List.of(
            "heartbeat was delayed",
            "quarantined this node",
            "SBR took decision",
            "Running CoordinatedShutdown with reason")) {
      lines.stream()
          .filter(l -> l.contains(kind))
          .findFirst()
          .ifPresent(
              l ->
                  c.log(
                      "node-"
                          + (VICTIM + 1)
                          + " log: "
                          + l.substring(0, Math.min(l.length(), 220))));
    }
    long failedWrites = lines.stream().filter(l -> l.contains("Failed to persist")).count();
    c.figure("resumed-node-failed-writes", failedWrites);
    if (resumedAt == 0) {
      c.log("node-" + (VICTIM + 1) + " logged no delayed heartbeat: did it run at all?");
    }
  }
}
