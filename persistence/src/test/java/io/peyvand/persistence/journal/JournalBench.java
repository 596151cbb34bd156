package io.peyvand.persistence.journal;

import com.datastax.oss.driver.api.core.CqlSession;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.peyvand.persistence.cassandra.CassandraNode;
import io.peyvand.persistence.cassandra.CqlSessions;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import io.peyvand.persistence.testkit.SharedCassandra;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.persistence.Persistence;

/**
 * Benchmark, not a test: pekko-persistence-cassandra against Peyvand's journal in one run, on a
 * Cassandra node of its own (same machine), through real EventSourcedBehaviors that persist one
 * event per command and answer after it is stored. Prints events/s, p50/p99 latency and the CPU
 * time of this JVM and of the Cassandra process (from /proc/PID/stat) per phase, then first-contact
 * recovery of entities that have events. Run: {@code ./peyvand bench-journal [--help]}.
 */
public final class JournalBench {
  private static final String PAYLOAD = "m".repeat(160);
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(60);
  private static final long TICK_NANOS = 10_000_000L; // CLK_TCK 100

  record Journal(String name, String pluginId) {}

  record Cpu(long jvmNanos, long cassandraNanos) {
    static Cpu now(long cassandraPid) {
      return new Cpu(procCpuNanos("self"), procCpuNanos(Long.toString(cassandraPid)));
    }

    Cpu minus(Cpu before) {
      return new Cpu(jvmNanos - before.jvmNanos, cassandraNanos - before.cassandraNanos);
    }
  }

  private final ActorTestKit kit;
  private final long cassandraPid;
  private final int inFlight;
  private final Duration warmup;
  private final Duration measure;

  private JournalBench(
      ActorTestKit kit, long cassandraPid, int inFlight, Duration warmup, Duration measure) {
    this.kit = kit;
    this.cassandraPid = cassandraPid;
    this.inFlight = inFlight;
    this.warmup = warmup;
    this.measure = measure;
  }

  public static void main(String[] args) throws Exception {
    int seconds = 10;
    int warmupSeconds = 4;
    int inFlight = 1000;
    List<Integer> scales = List.of(1, 100, 10_000);
    int recoveryEntities = 10_000;
    List<String> journals = List.of("plugin", "plugin-tuned", "ours", "inmem");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--warmup" -> warmupSeconds = Integer.parseInt(args[++i]);
        case "--in-flight" -> inFlight = Integer.parseInt(args[++i]);
        case "--scales" ->
            scales = Arrays.stream(args[++i].split(",")).map(Integer::parseInt).toList();
        case "--recovery" -> recoveryEntities = Integer.parseInt(args[++i]);
        case "--journals" -> journals = List.of(args[++i].split(","));
        default -> {
          System.out.println(
              """
              ./peyvand bench-journal [--seconds 10] [--warmup 4] [--in-flight 1000]
                  [--scales 1,100,10000] [--recovery 10000] [--journals plugin,plugin-tuned,ours,inmem]
              Starts its own Cassandra node (target/test-cassandra), then per scale and journal:
              entities persisting one event per command, closed loop with at most --in-flight
              commands outstanding; then first contact of --recovery entities that have events.""");
          System.exit(args[i].equals("--help") ? 0 : 2);
        }
      }
    }
    List<Journal> chosen =
        journals.stream()
            .map(
                name ->
                    switch (name) {
                      case "plugin" -> new Journal(name, "pekko.persistence.cassandra.journal");
                      case "plugin-tuned" -> new Journal(name, "bench.cassandra-tuned.journal");
                      case "ours" -> new Journal(name, "peyvand.journal");
                      // Pekko's in-memory journal: the floor, what Pekko and this benchmark cost
                      // without storage.
                      case "inmem" -> new Journal(name, "pekko.persistence.journal.inmem");
                      default -> throw new IllegalArgumentException("unknown journal " + name);
                    })
            .toList();

    CassandraNode node = SharedCassandra.node();
    String keyspace = "bench_journal";
    try (CqlSession session =
        CqlSessions.open(node.settings().address(), node.settings().cqlPort())) {
      CassandraKeyspace.recreate(session, keyspace);
    }
    Config config =
        ConfigFactory.parseString(
                """
        pekko.loglevel = WARNING
        # The plugin with what tuning it offers for single-event writes: responses out of global
        # order, no all_persistence_ids write (its own session).
        bench.cassandra-tuned = ${pekko.persistence.cassandra}
        bench.cassandra-tuned.journal {
          write-response-global-order = off
          support-all-persistence-ids = off
        }
        """)
            .withFallback(CassandraKeyspace.config(keyspace, node.settings().cqlContactPoint()))
            .withFallback(ConfigFactory.load())
            .resolve();
    ActorTestKit kit = ActorTestKit.create("journal-bench", config);
    JournalBench bench =
        new JournalBench(
            kit,
            node.pid(),
            inFlight,
            Duration.ofSeconds(warmupSeconds),
            Duration.ofSeconds(seconds));
    System.out.printf(
        Locale.ROOT,
        "Journal benchmark: %d cores, Cassandra %s pid %d (commitlog %s),"
            + " event %d bytes, %d s per phase after %d s warm-up, at most %d commands in flight%n",
        Runtime.getRuntime().availableProcessors(),
        node.settings().cqlContactPoint(),
        node.pid(),
        node.settings().commitlogSync(),
        PAYLOAD.length(),
        seconds,
        warmupSeconds,
        inFlight);
    for (Journal j : chosen) {
      // Start each journal (and its session) before measuring anything.
      Persistence.get(Adapter.toClassic(kit.system()))
          .journalFor(j.pluginId(), ConfigFactory.empty());
    }
    System.out.printf(
        Locale.ROOT,
        "%-30s %-13s %9s %8s %8s %10s %11s %11s %9s%n",
        "phase",
        "journal",
        "events/s",
        "p50 ms",
        "p99 ms",
        "JVM cores",
        "JVM us/ev",
        "Cass us/ev",
        "req/ev");
    List<List<ActorRef<BenchEntity.Command>>> recoveryCandidates = new ArrayList<>();
    for (int scale : scales) {
      for (Journal j : chosen) {
        List<ActorRef<BenchEntity.Command>> entities = bench.writes(j, scale);
        if (scale == scales.get(scales.size() - 1)) {
          recoveryCandidates.add(entities);
        }
        bench.stopAll(entities);
      }
    }
    for (int i = 0; i < chosen.size(); i++) {
      Journal j = chosen.get(i);
      bench.recovery(j, Math.min(recoveryEntities, scales.get(scales.size() - 1)));
    }
    kit.shutdownTestKit();
    System.out.println("Rerun: ./peyvand bench-journal " + String.join(" ", args));
    System.exit(0);
  }

  private String prefix(Journal j, int scale) {
    return j.name() + "-" + scale + "-";
  }

  private List<ActorRef<BenchEntity.Command>> spawn(Journal j, int scale) {
    List<ActorRef<BenchEntity.Command>> entities = new ArrayList<>(scale);
    for (int i = 0; i < scale; i++) {
      entities.add(kit.spawn(BenchEntity.create(prefix(j, scale) + i, j.pluginId())));
    }
    return entities;
  }

  /** One write phase; returns the entities (still running). */
  private List<ActorRef<BenchEntity.Command>> writes(Journal j, int scale) throws Exception {
    Cpu before = Cpu.now(cassandraPid);
    long start = System.nanoTime();
    List<ActorRef<BenchEntity.Command>> entities = spawn(j, scale);
    closedLoop(scale, i -> ask(entities.get(i), BenchEntity.Ping::new), 1, null);
    long elapsed = System.nanoTime() - start;
    if (scale >= 1000) {
      print(
          "first contact, new entities",
          j,
          scale,
          elapsed,
          null,
          Cpu.now(cassandraPid).minus(before),
          -1);
    }
    IntFunction<CompletionStage<Done>> persist =
        i -> ask(entities.get(i), replyTo -> new BenchEntity.Persist(PAYLOAD, replyTo));
    runFor(scale, persist, warmup, null);
    CassandraJournal.Stats statsBefore = stats(j);
    before = Cpu.now(cassandraPid);
    List<long[]> latencies = new ArrayList<>();
    long count = runFor(scale, persist, measure, latencies);
    Cpu cpu = Cpu.now(cassandraPid).minus(before);
    CassandraJournal.Stats statsAfter = stats(j);
    double requestsPerEvent =
        statsAfter == null ? -1 : (double) (statsAfter.requests() - statsBefore.requests()) / count;
    print(
        "write, " + scale + (scale == 1 ? " entity" : " entities"),
        j,
        count,
        measure.toNanos(),
        latencies,
        cpu,
        requestsPerEvent);
    return entities;
  }

  private void recovery(Journal j, int scale) throws Exception {
    Cpu before = Cpu.now(cassandraPid);
    long start = System.nanoTime();
    List<ActorRef<BenchEntity.Command>> entities = spawn(j, scale);
    closedLoop(scale, i -> ask(entities.get(i), BenchEntity.Ping::new), 1, null);
    long elapsed = System.nanoTime() - start;
    print(
        "first contact, with events",
        j,
        scale,
        elapsed,
        null,
        Cpu.now(cassandraPid).minus(before),
        -1);
    stopAll(entities);
  }

  private void stopAll(List<ActorRef<BenchEntity.Command>> entities) throws Exception {
    closedLoop(entities.size(), i -> ask(entities.get(i), BenchEntity.Stop::new), 1, null);
  }

  private CassandraJournal.Stats stats(Journal j) throws Exception {
    if (!j.name().equals("ours")) {
      return null;
    }
    return (CassandraJournal.Stats)
        Patterns.ask(
                Persistence.get(Adapter.toClassic(kit.system()))
                    .journalFor(j.pluginId(), ConfigFactory.empty()),
                CassandraJournal.GetStats.INSTANCE,
                ASK_TIMEOUT)
            .toCompletableFuture()
            .get(60, TimeUnit.SECONDS);
  }

  private CompletionStage<Done> ask(
      ActorRef<BenchEntity.Command> entity,
      java.util.function.Function<ActorRef<Done>, BenchEntity.Command> message) {
    return AskPattern.ask(entity, message::apply, ASK_TIMEOUT, kit.scheduler());
  }

  /**
   * Sends {@code perEntity} commands to each of {@code entities}, at most {@code inFlight} at once;
   * waits for every answer.
   */
  private void closedLoop(
      int entities,
      IntFunction<CompletionStage<Done>> command,
      int perEntity,
      List<long[]> latencies)
      throws InterruptedException {
    long total = (long) entities * perEntity;
    AtomicLong next = new AtomicLong();
    int loops = (int) Math.min(inFlight, total);
    CountDownLatch done = new CountDownLatch(loops);
    for (int l = 0; l < loops; l++) {
      loop(next, total, entities, command, done);
    }
    if (!done.await(10, TimeUnit.MINUTES)) {
      throw new IllegalStateException("commands did not complete");
    }
  }

  private void loop(
      AtomicLong next,
      long total,
      int entities,
      IntFunction<CompletionStage<Done>> command,
      CountDownLatch done) {
    long n = next.getAndIncrement();
    if (n >= total) {
      done.countDown();
      return;
    }
    command
        .apply((int) (n % entities))
        .whenComplete(
            (ok, error) -> {
              if (error != null) {
                System.err.println("command failed: " + error);
              }
              loop(next, total, entities, command, done);
            });
  }

  /** Persists for {@code duration} in a closed loop; returns the commands answered. */
  private long runFor(
      int entities,
      IntFunction<CompletionStage<Done>> command,
      Duration duration,
      List<long[]> latencies)
      throws InterruptedException {
    int loops = Math.min(inFlight, entities);
    long end = System.nanoTime() + duration.toNanos();
    AtomicLong next = new AtomicLong();
    AtomicLong answered = new AtomicLong();
    CountDownLatch done = new CountDownLatch(loops);
    List<LongList> perLoop = new ArrayList<>();
    for (int l = 0; l < loops; l++) {
      LongList own = new LongList();
      perLoop.add(own);
      timedLoop(next, entities, command, end, answered, own, done);
    }
    done.await(duration.toSeconds() + 120, TimeUnit.SECONDS);
    if (latencies != null) {
      for (LongList l : perLoop) {
        latencies.add(l.toArray());
      }
    }
    return answered.get();
  }

  private void timedLoop(
      AtomicLong next,
      int entities,
      IntFunction<CompletionStage<Done>> command,
      long end,
      AtomicLong answered,
      LongList latencies,
      CountDownLatch done) {
    long sent = System.nanoTime();
    if (sent >= end) {
      done.countDown();
      return;
    }
    int entity = (int) (next.getAndIncrement() % entities);
    command
        .apply(entity)
        .whenComplete(
            (ok, error) -> {
              long now = System.nanoTime();
              if (error != null) {
                System.err.println("command failed: " + error);
              } else if (now <= end) {
                answered.incrementAndGet();
                latencies.add(now - sent);
              }
              timedLoop(next, entities, command, end, answered, latencies, done);
            });
  }

  private void print(
      String phase,
      Journal j,
      long count,
      long nanos,
      List<long[]> latencies,
      Cpu cpu,
      double requestsPerEvent) {
    double seconds = nanos / 1e9;
    String p50 = "";
    String p99 = "";
    if (latencies != null) {
      long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
      if (all.length > 0) {
        p50 = String.format(Locale.ROOT, "%.2f", all[(int) (all.length * 0.50)] / 1e6);
        p99 =
            String.format(
                Locale.ROOT,
                "%.2f",
                all[Math.min(all.length - 1, (int) (all.length * 0.99))] / 1e6);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%-30s %-13s %9.0f %8s %8s %10.2f %11.0f %11.0f %9s%n",
        phase,
        j.name(),
        count / seconds,
        p50,
        p99,
        cpu.jvmNanos() / 1e9 / seconds,
        cpu.jvmNanos() / 1e3 / count,
        cpu.cassandraNanos() / 1e3 / count,
        requestsPerEvent < 0 ? "" : String.format(Locale.ROOT, "%.3f", requestsPerEvent));
  }

  /** utime + stime of a process, from /proc/PID/stat, in nanoseconds. */
  static long procCpuNanos(String pid) {
    try {
      String stat = Files.readString(Path.of("/proc", pid, "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // fields[0] is field 3 (state): utime is field 14, stime field 15.
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * TICK_NANOS;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** A growable long array: latencies without boxing. */
  private static final class LongList {
    private long[] values = new long[1024];
    private int size;

    void add(long v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    long[] toArray() {
      return Arrays.copyOf(values, size);
    }
  }
}
