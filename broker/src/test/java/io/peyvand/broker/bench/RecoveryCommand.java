package io.peyvand.broker.bench;

import io.peyvand.broker.delivery.SessionDirectory;
import io.peyvand.broker.mailbox.UserMailbox;
import io.peyvand.broker.model.Address;
import io.peyvand.loadtests.bench.harness.CpuSplit;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.Props;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code recovery} scenario: how long a node takes to bring back one mailbox with a long
 * history, without snapshots (every event replayed) and with them (the latest snapshot, then the
 * few events after it).
 *
 * <p>One mailbox serves both. It is built through the real entity in a node that takes no
 * snapshots, with an acknowledging stand-in session ({@link AckingSession}), so its history is a
 * real one: messages from 100 senders, cumulative acknowledgements every 20 ms, and the
 * confirmations of the DELIVERED statuses it owed them; until the journal holds {@code --events}
 * events for it. Recovered then, every event is replayed. Next, a node with {@code snapshot-every =
 * --snapshot-every} (the broker's setting) recovers it and takes a few more messages, until the
 * journal passes the next multiple of the interval: the mailbox saves a snapshot there and deletes
 * the events it covers, as it would in production. Recovered then, it reads that snapshot and
 * replays what follows.
 *
 * <p>Each timed recovery is {@code --runs} times in a fresh node (a new actor system: nothing
 * cached), which first recovers another, empty mailbox (so that the journal's connection, the shard
 * and the code are warm): the time from the big mailbox's first command to its answer is the
 * recovery time.
 */
@Command(
    name = "recovery",
    mixinStandardHelpOptions = true,
    description =
        "Time to recover a mailbox of --events events in a fresh node, without and with"
            + " snapshots.")
final class RecoveryCommand implements Callable<Integer> {
  /** A snapshot interval no mailbox of this scenario reaches: no snapshot is ever taken. */
  static final int NEVER = 1_000_000_000;

  private static final Address MAILBOX = new Address("bench", "recovery");
  private static final String PERSISTENCE_ID = UserMailbox.ENTITY_KEY.name() + "|" + MAILBOX;

  @Mixin BenchOptions common = new BenchOptions();

  @Option(
      names = "--events",
      paramLabel = "N",
      defaultValue = "100000",
      description = "Events of the mailbox to recover (default ${DEFAULT-VALUE}).")
  long events;

  @Option(
      names = "--snapshot-every",
      paramLabel = "N",
      defaultValue = "200",
      description =
          "peyvand.mailbox.snapshot-every of the variant with snapshots (default"
              + " ${DEFAULT-VALUE}, the broker's).")
  int snapshotEvery;

  @Option(
      names = "--runs",
      paramLabel = "N",
      defaultValue = "3",
      description = "Recoveries per variant, each in a fresh node (default ${DEFAULT-VALUE}).")
  int runs;

  @Option(
      names = "--in-flight",
      paramLabel = "N",
      defaultValue = "64",
      description = "Messages unanswered at most while building (default ${DEFAULT-VALUE}).")
  int inFlight;

  @Option(
      names = "--body-bytes",
      paramLabel = "N",
      defaultValue = "100",
      description = "Text body of each message (default ${DEFAULT-VALUE}).")
  int bodyBytes;

  @Spec CommandLine.Model.CommandSpec spec;

  private long messages;

  @Override
  public Integer call() throws Exception {
    if (events < 1 || runs < 1 || inFlight < 1 || snapshotEvery < 1 || bodyBytes < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--events, --runs, --in-flight, --snapshot-every and --body-bytes must be positive");
    }
    PrintStream log = System.err;
    long setupStart = System.nanoTime();
    String run = Long.toString(System.currentTimeMillis(), 36);
    List<RecoveryResult.Variant> variants = new ArrayList<>();
    try (BenchCassandra cassandra =
        BenchCassandra.open(
            common.cassandra, common.startCassandra, "bench_recovery_" + run, log)) {
      log.printf(
          "recovery: Cassandra %s at %s (pid %d), keyspace %s%n",
          cassandra.version, cassandra.contactPoint, cassandra.pid, cassandra.keyspace);
      List<CpuSplit.Part> parts =
          List.of(CpuSplit.self("broker+bench"), new CpuSplit.Part("cassandra", cassandra.pid));

      Phase built = write(cassandra, parts, NEVER, events, log);
      log.printf(
          "recovery: mailbox %s has %d events (%d messages), written in %.1f s%n",
          MAILBOX, built.events(), messages, built.nanos() / 1e9);
      variants.add(measure("without-snapshots", NEVER, built, cassandra, parts, log));

      // The next multiple of the interval, past what is there: the mailbox snapshots on it.
      long target = (built.events() / snapshotEvery + 1) * snapshotEvery;
      Phase snapshotted = write(cassandra, parts, snapshotEvery, target, log);
      log.printf(
          "recovery: %d events after %.1f s more writing: a snapshot at %d%n",
          snapshotted.events(), snapshotted.nanos() / 1e9, target);
      variants.add(measure("with-snapshots", snapshotEvery, snapshotted, cassandra, parts, log));
    }
    RecoveryResult result = new RecoveryResult(events, variants, System.nanoTime() - setupStart);
    spec.commandLine().getOut().println(common.json ? result.json() : result.text());
    spec.commandLine().getOut().flush();
    return 0;
  }

  /** What one writing phase left: the journal's event count, how long, and the CPU split. */
  private record Phase(long events, long messages, long written, long nanos, CpuSplit.Result cpu) {}

  /**
   * Sends messages to the mailbox, in a node with {@code snapshot-every = every} and an
   * acknowledging session, until the journal holds at least {@code target} events for it.
   */
  private Phase write(
      BenchCassandra cassandra, List<CpuSplit.Part> parts, int every, long target, PrintStream log)
      throws Exception {
    long start = System.nanoTime();
    CpuSplit split = CpuSplit.start(parts);
    try (BenchNode node = cassandra.startNode("bench-write", config(every))) {
      SessionDirectory.get(node.system()).watch(MAILBOX.platformId());
      node.system()
          .systemActorOf(
              AckingSession.create(MAILBOX.platformId(), Duration.ofMillis(20)),
              "bench-session",
              Props.empty());
      while (SessionDirectory.get(node.system()).sessionCount(MAILBOX.platformId()) == 0) {
        Thread.sleep(20);
      }
      Mailboxes mailboxes = new Mailboxes(node.system(), bodyBytes);
      long written = highest(node);
      long before = written;
      long lastReport = System.nanoTime();
      while (written < target) {
        // Most messages cost one event and a share of an acknowledgement: send most of what is
        // missing, then look at the journal again.
        int batch = (int) Math.max(1, Math.min(20_000, (target - written) * 3 / 4));
        long first = messages;
        Mailboxes.runAll(
            batch,
            inFlight,
            i ->
                mailboxes.accept(
                    new Address("other", "s" + ((first + i) % 100)),
                    MAILBOX,
                    "rec-" + (first + i)));
        messages += batch;
        written = highest(node);
        if (System.nanoTime() - lastReport > TimeUnit.SECONDS.toNanos(10)) {
          log.printf(
              "recovery: %d events (%d messages) so far, %.0f s%n",
              written, messages, (System.nanoTime() - start) / 1e9);
          lastReport = System.nanoTime();
        }
      }
      written = settle(node, written);
      return new Phase(
          written, messages, written - before, System.nanoTime() - start, split.stop());
    }
  }

  /** {@code --runs} recoveries, each in a fresh node with {@code snapshot-every = every}. */
  private RecoveryResult.Variant measure(
      String name,
      int every,
      Phase phase,
      BenchCassandra cassandra,
      List<CpuSplit.Part> parts,
      PrintStream log)
      throws Exception {
    List<Long> recoveries = new ArrayList<>();
    CpuSplit.Result recoveryCpu = null;
    for (int r = 1; r <= runs; r++) {
      try (BenchNode node = cassandra.startNode("bench-recover", config(every))) {
        Mailboxes mailboxes = new Mailboxes(node.system(), bodyBytes);
        mailboxes
            .view(new Address("bench", "warm-" + r))
            .toCompletableFuture()
            .get(60, TimeUnit.SECONDS);
        CpuSplit recovering = CpuSplit.start(parts);
        long start = System.nanoTime();
        UserMailbox.View view =
            mailboxes.view(MAILBOX).toCompletableFuture().get(10, TimeUnit.MINUTES);
        long took = System.nanoTime() - start;
        recoveryCpu = recovering.stop();
        recoveries.add(took);
        log.printf(
            "recovery: %s: run %d: %.0f ms (last sequence %d, acknowledged %d)%n",
            name, r, took / 1e6, view.lastSequence(), view.acknowledgedUpTo());
      }
    }
    return new RecoveryResult.Variant(
        name,
        every,
        phase.events(),
        phase.messages(),
        phase.written(),
        phase.nanos(),
        recoveries,
        phase.cpu(),
        recoveryCpu);
  }

  private static String config(int snapshotEvery) {
    return String.format(Locale.ROOT, "peyvand.mailbox.snapshot-every = %d%n", snapshotEvery);
  }

  private static long highest(BenchNode node) throws Exception {
    return JournalProbe.highestSequenceNr(node.system(), PERSISTENCE_ID)
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
  }

  /** Waits until the mailbox stops writing (the last acknowledgements and confirmations). */
  private static long settle(BenchNode node, long written) throws Exception {
    long last = written;
    for (int i = 0; i < 20; i++) {
      Thread.sleep(2500); // longer than the mailbox's tick, which saves confirmations
      long now = highest(node);
      if (now == last) {
        return now;
      }
      last = now;
    }
    return last;
  }
}
