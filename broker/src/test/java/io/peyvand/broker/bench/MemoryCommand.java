package io.peyvand.broker.bench;

import io.peyvand.broker.mailbox.UserMailbox;
import io.peyvand.broker.model.Address;
import io.peyvand.loadtests.bench.harness.CpuSplit;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code memory} scenario: the heap one node needs per active mailbox, and the heap of a node
 * while many registered users are idle.
 *
 * <p>Active: a started node (passivation off, so that nothing leaves memory while measuring) is
 * measured (heap after a full collection), then {@code --active} mailboxes each accept one message
 * (recovery of an empty history, the event, the pending index entry: a mailbox in use), and it is
 * measured again; the growth divided by the count is the heap per active mailbox.
 *
 * <p>Idle: {@code --idle} users each have one stored event (their consent), and none is in memory:
 * a fresh node is measured with them in the journal. They are written by copying the rows the
 * journal wrote for one template user ({@link IdleUsers}), or through the entities when the journal
 * does not store rows that way. A sample is then woken, and each must recover the consent its event
 * records: the copies are what the journal reads.
 */
@Command(
    name = "memory",
    mixinStandardHelpOptions = true,
    description = "Heap per active mailbox, and heap of a node with many registered idle users.")
final class MemoryCommand implements Callable<Integer> {
  private static final String NO_PASSIVATION =
      "pekko.cluster.sharding.passivation.strategy = none\n";

  @Mixin BenchOptions common = new BenchOptions();

  @Option(
      names = "--active",
      paramLabel = "N",
      defaultValue = "100000",
      description = "Mailboxes made active in one node (default ${DEFAULT-VALUE}).")
  int active;

  @Option(
      names = "--idle",
      paramLabel = "N",
      defaultValue = "1000000",
      description = "Registered idle users, one stored event each (default ${DEFAULT-VALUE}).")
  int idle;

  @Option(
      names = "--sample",
      paramLabel = "N",
      defaultValue = "1000",
      description =
          "Idle users woken afterwards to check what was stored (default" + " ${DEFAULT-VALUE}).")
  int sample;

  @Option(
      names = "--in-flight",
      paramLabel = "N",
      defaultValue = "256",
      description = "Requests (or inserts) unanswered at most (default ${DEFAULT-VALUE}).")
  int inFlight;

  @Option(
      names = "--idle-through-entities",
      description =
          "Write the idle users' events through"
              + " the entities (slow: a recovery and a persist each) instead of copying journal rows.")
  boolean throughEntities;

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (active < 1 || idle < 0 || sample < 0 || inFlight < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--active and --in-flight must be positive, --idle and --sample at least 0");
    }
    PrintStream log = System.err;
    long setupStart = System.nanoTime();
    String run = Long.toString(System.currentTimeMillis(), 36);
    MemoryResult result;
    try (BenchCassandra cassandra =
        BenchCassandra.open(common.cassandra, common.startCassandra, "bench_memory_" + run, log)) {
      log.printf(
          "memory: Cassandra %s at %s (pid %d), keyspace %s, max heap %s%n",
          cassandra.version,
          cassandra.contactPoint,
          cassandra.pid,
          cassandra.keyspace,
          MemoryResult.mib(Heap.max()));
      List<CpuSplit.Part> parts =
          List.of(CpuSplit.self("broker+bench"), new CpuSplit.Part("cassandra", cassandra.pid));
      long baseline;
      long activeHeap;
      long activateNanos;
      CpuSplit.Result activateCpu;
      Address template = new Address("bench", "idle-template");
      try (BenchNode node = cassandra.startNode("bench-active", NO_PASSIVATION)) {
        Mailboxes mailboxes = new Mailboxes(node.system(), 100);
        // Warm the code paths (and the shards) before the baseline.
        Mailboxes.runAll(
            200,
            inFlight,
            i ->
                mailboxes.accept(
                    new Address("other", "w"), new Address("bench", "warm-" + i), "warm-" + i));
        baseline = Heap.usedAfterGc();
        log.printf(
            "memory: baseline heap %s; activating %d mailboxes...%n",
            MemoryResult.mib(baseline), active);
        CpuSplit activating = CpuSplit.start(parts);
        long start = System.nanoTime();
        Mailboxes.runAll(
            active,
            inFlight,
            i ->
                mailboxes.accept(
                    new Address("other", "s" + (i % 1000)),
                    new Address("bench", "a" + i),
                    "m-" + i));
        activateNanos = System.nanoTime() - start;
        activateCpu = activating.stop();
        activeHeap = Heap.usedAfterGc();
        int alive = liveEntities(node);
        log.printf(
            "memory: %d mailboxes active in %.1f s; heap %s; %d entities alive%n",
            active, activateNanos / 1e9, MemoryResult.mib(activeHeap), alive);

        consent(node, template).toCompletableFuture().get(60, TimeUnit.SECONDS);
      }

      // Two fresh nodes, one before and one after the idle users are written: what a node holds
      // for users that exist only in the journal is the difference.
      long freshHeap;
      long seedNanos;
      String seeding;
      try (BenchNode node = cassandra.startNode("bench-fresh", "")) {
        freshHeap = settledHeap();
        log.printf(
            "memory: a fresh node holds %s; writing %d idle users...%n",
            MemoryResult.mib(freshHeap), idle);
        long seedStart = System.nanoTime();
        seeding = seed(node, cassandra, template, log);
        seedNanos = System.nanoTime() - seedStart;
      }
      int ok;
      long idleHeap;
      long sampledHeap;
      try (BenchNode node = cassandra.startNode("bench-idle", "")) {
        idleHeap = settledHeap();
        ok = checkSample(node, log);
        sampledHeap = Heap.usedAfterGc();
      }
      result =
          new MemoryResult(
              active,
              baseline,
              activeHeap,
              activateNanos,
              activateCpu,
              idle,
              seeding,
              seedNanos,
              freshHeap,
              idleHeap,
              Math.min(sample, idle),
              ok,
              sampledHeap,
              Heap.max(),
              System.nanoTime() - setupStart);
    }
    spec.commandLine().getOut().println(common.json ? result.json() : result.text());
    spec.commandLine().getOut().flush();
    return result.failed() ? 1 : 0;
  }

  /** The idle users' events, by copying the template's rows or through the entities. */
  private String seed(BenchNode node, BenchCassandra cassandra, Address template, PrintStream log)
      throws Exception {
    if (idle == 0) {
      return "(none)";
    }
    Optional<IdleUsers> copies =
        throughEntities
            ? Optional.empty()
            : IdleUsers.template(cassandra.session, cassandra.keyspace, persistenceId(template));
    if (copies.isPresent()) {
      log.printf(
          "memory: writing %d idle users by copying the journal's rows of %s (%s)...%n",
          idle, template, copies.get().tables());
      int failed = copies.get().copy(idle, inFlight, i -> persistenceId(idleUser(i)), log);
      return "by copying the journal's rows of a template user ("
          + copies.get().tables()
          + (failed > 0 ? ", " + failed + " failed" : "")
          + ")";
    }
    log.printf("memory: writing %d idle users through the entities (slow)...%n", idle);
    int failed = Mailboxes.runAll(idle, inFlight, i -> consent(node, idleUser(i)));
    return "through the entities" + (failed > 0 ? " (" + failed + " failed)" : "");
  }

  /** Wakes a random sample of idle users: each must have recovered its opt-in. */
  private int checkSample(BenchNode node, PrintStream log) throws InterruptedException {
    int count = Math.min(sample, idle);
    SplittableRandom random = new SplittableRandom(42);
    int[] users = random.ints(count, 0, Math.max(1, idle)).toArray();
    AtomicInteger ok = new AtomicInteger();
    ClusterSharding sharding = ClusterSharding.get(node.system());
    Mailboxes.runAll(
        count,
        inFlight,
        i ->
            sharding
                .entityRefFor(UserMailbox.ENTITY_KEY, idleUser(users[i]).toString())
                // Unblocking a sender nobody blocked writes nothing and answers the consent:
                // recovered
                // from the stored event (opted in, not by default) or not (the default given here).
                .<UserMailbox.ConsentView>ask(
                    replyTo ->
                        new UserMailbox.SetBlocked(
                            new Address("other", "nobody"), false, false, replyTo),
                    Mailboxes.ASK_TIMEOUT)
                .thenApply(
                    view -> {
                      if (view.optedIn() && !view.byDefault()) {
                        ok.incrementAndGet();
                      }
                      return view;
                    }));
    if (ok.get() < count) {
      log.printf(
          "memory: only %d of %d sampled idle users recovered their stored consent%n",
          ok.get(), count);
    }
    return ok.get();
  }

  /**
   * The heap of a node that just started, once its start-up is over (the previous node's threads
   * gone, the first sweeps done).
   */
  private static long settledHeap() throws InterruptedException {
    Thread.sleep(3000);
    return Heap.usedAfterGc();
  }

  private static java.util.concurrent.CompletionStage<UserMailbox.ConsentView> consent(
      BenchNode node, Address user) {
    return ClusterSharding.get(node.system())
        .entityRefFor(UserMailbox.ENTITY_KEY, user.toString())
        .ask(replyTo -> new UserMailbox.SetConsent(true, false, replyTo), Mailboxes.ASK_TIMEOUT);
  }

  private static int liveEntities(BenchNode node) throws Exception {
    var state =
        org.apache.pekko.actor.typed.javadsl.AskPattern
            .<org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery,
                org.apache.pekko.cluster.sharding.ShardRegion.CurrentShardRegionState>
                ask(
                    ClusterSharding.get(node.system()).shardState(),
                    replyTo ->
                        new org.apache.pekko.cluster.sharding.typed.GetShardRegionState(
                            UserMailbox.ENTITY_KEY, replyTo),
                    java.time.Duration.ofSeconds(30),
                    node.system().scheduler())
            .toCompletableFuture()
            .get(60, TimeUnit.SECONDS);
    return state.getShards().stream().mapToInt(s -> s.getEntityIds().size()).sum();
  }

  private static Address idleUser(int i) {
    return new Address("bench", "i" + i);
  }

  private static String persistenceId(Address user) {
    return UserMailbox.ENTITY_KEY.name() + "|" + user;
  }
}
