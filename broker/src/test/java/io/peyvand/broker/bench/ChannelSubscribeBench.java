package io.peyvand.broker.bench;

import com.typesafe.config.Config;
import io.peyvand.broker.group.BucketCount;
import io.peyvand.broker.group.ChannelSettings;
import io.peyvand.broker.group.ChannelSubscribers;
import io.peyvand.broker.group.ChannelSubscriptions;
import io.peyvand.broker.group.CountSink;
import io.peyvand.broker.group.SubscriberCounts;
import io.peyvand.broker.model.Address;
import io.peyvand.broker.serialization.ChannelSubscriberSnapshots;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Channel subscriptions on the real Cassandra, through Cluster Sharding and the real {@link
 * ChannelSubscribers} buckets (not through the API, which is wired elsewhere): a bulk subscription
 * of {@code --users} over four platforms in calls of {@code --bulk} users, then the same single
 * subscriptions into a channel of ten subscribers and into the big one, whose costs must match. The
 * counts the buckets report are checked exact. Prints figures; asserts no time. Rerun:
 *
 * <pre>
 * mvn -B -o -q -pl broker -am package -DskipTests
 * java -Xmx2g -Dlogback.configurationFile=peyvand-bench-logback.xml \
 *   -cp "broker/target/test-classes:broker/target/classes:$(cat broker/target/test.classpath)" \
 *   io.peyvand.broker.bench.ChannelSubscribeBench --start-cassandra --users 1000000
 * </pre>
 */
@Command(
    name = "channel-subscribe",
    mixinStandardHelpOptions = true,
    description = "Bulk and single channel subscriptions on Cassandra; 10 vs N subscribers.")
public final class ChannelSubscribeBench implements Callable<Integer> {
  private static final List<String> PLATFORMS = List.of("bale", "eitaa", "rubika", "soroush");

  @Option(
      names = "--users",
      description = "Subscribers of the big channel (default" + " ${DEFAULT-VALUE}).")
  int users = 1_000_000;

  @Option(names = "--bulk", description = "Users per bulk call (default ${DEFAULT-VALUE}).")
  int bulk = 10_000;

  @Option(
      names = "--calls-in-flight",
      description = "Bulk calls at once (default" + " ${DEFAULT-VALUE}).")
  int callsInFlight = 4;

  @Option(
      names = "--singles",
      description = "Single subscriptions per channel (default" + " ${DEFAULT-VALUE}).")
  int singles = 2_000;

  @Option(
      names = "--singles-in-flight",
      description = "Single subscriptions at once (default" + " ${DEFAULT-VALUE}).")
  int singlesInFlight = 16;

  @Option(
      names = "--cassandra",
      description = "HOST:PORT of a running Cassandra (default" + " ${DEFAULT-VALUE}).")
  String cassandra = "127.0.0.1:9042";

  @Option(names = "--start-cassandra", description = "Start a Cassandra for this run instead.")
  boolean startCassandra;

  private final PrintStream out;

  ChannelSubscribeBench(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] args) {
    PrintStream results = System.out;
    System.setOut(System.err);
    System.exit(new CommandLine(new ChannelSubscribeBench(results)).execute(args));
  }

  /** The channels' side: exact counts, each report confirmed at once. */
  private static final class Counts implements CountSink {
    private final Map<Address, SubscriberCounts> counts = new TreeMap<>();
    private long reports;

    @Override
    public synchronized CompletionStage<Done> report(Address channel, BucketCount count) {
      reports++;
      counts.computeIfAbsent(channel, c -> new SubscriberCounts()).apply(count);
      return CompletableFuture.completedFuture(Done.getInstance());
    }

    synchronized Map<String, Long> perPlatform(Address channel) {
      SubscriberCounts c = counts.get(channel);
      return c == null ? Map.of() : Map.copyOf(c.perPlatform());
    }

    synchronized long reports() {
      return reports;
    }
  }

  @Override
  public Integer call() throws Exception {
    try (BenchCassandra store =
        BenchCassandra.open(cassandra, startCassandra, "bench_channel_subscribe", System.err)) {
      Config config = BenchNode.config(store.contactPoint, store.keyspace);
      ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "bench", config);
      try {
        return run(system);
      } finally {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
      }
    }
  }

  private int run(ActorSystem<Void> system) throws Exception {
    Cluster.get(system).manager().tell(Join.create(Cluster.get(system).selfMember().address()));
    ChannelSettings settings = ChannelSettings.fromConfig(system.settings().config());
    Counts counts = new Counts();
    ChannelSubscribers.init(system, settings, counts, new ChannelSubscriberSnapshots());
    ChannelSubscriptions subscriptions = new ChannelSubscriptions(system, settings);
    Address big = new Address("eitaa", "big");
    Address small = new Address("eitaa", "small");

    // Warm-up: the shards, the journal's connection, the code.
    await(subscriptions.subscribe(small, "bale", users("w", 0, 10)));

    int perPlatform = users / PLATFORMS.size();
    List<long[]> calls = new ArrayList<>();
    Semaphore window = new Semaphore(callsInFlight);
    List<CompletableFuture<?>> pending = new ArrayList<>();
    long bulkStart = System.nanoTime();
    for (String platform : PLATFORMS) {
      for (int from = 0; from < perPlatform; from += bulk) {
        List<String> batch = users("u", from, Math.min(perPlatform, from + bulk));
        window.acquire();
        long start = System.nanoTime();
        pending.add(
            subscriptions
                .subscribe(big, platform, batch)
                .toCompletableFuture()
                .whenComplete(
                    (outcome, error) -> {
                      window.release();
                      synchronized (calls) {
                        calls.add(
                            new long[] {
                              System.nanoTime() - start, error == null ? outcome.changed() : -1
                            });
                      }
                    }));
      }
    }
    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(30, TimeUnit.MINUTES);
    double bulkSeconds = (System.nanoTime() - bulkStart) / 1e9;
    long changed = calls.stream().mapToLong(c -> c[1]).sum();
    long failed = calls.stream().filter(c -> c[1] < 0).count();

    Map<String, Long> expected = new TreeMap<>();
    PLATFORMS.forEach(p -> expected.put(p, (long) perPlatform));
    long countDeadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (!counts.perPlatform(big).equals(expected) && System.nanoTime() < countDeadline) {
      Thread.sleep(100);
    }
    double countLagSeconds = (System.nanoTime() - bulkStart) / 1e9 - bulkSeconds;
    Map<String, Long> counted = counts.perPlatform(big);
    boolean exact = counted.equals(expected);
    long reports = counts.reports();

    // The same single subscriptions, small channel and big channel in alternation; the first
    // round wakes every bucket of both (a bucket's first contact is a recovery) and is not counted.
    singles(subscriptions, small, "s");
    singles(subscriptions, big, "s");
    long[] intoSmall = singles(subscriptions, small, "t");
    long[] intoBig = singles(subscriptions, big, "t");

    out.printf(
        "channel subscriptions: %,d users over %d platforms, %d buckets per platform,"
            + " Cassandra at %s%n",
        users, PLATFORMS.size(), settings.subscriptionBuckets(), store(system));
    out.printf(
        "  bulk: %,d calls of %,d users, %d in flight: %.1f s, %,.0f users/s;"
            + " call p50 %.0f ms, p99 %.0f ms; %,d subscribed, %d calls failed%n",
        calls.size(),
        bulk,
        callsInFlight,
        bulkSeconds,
        changed / bulkSeconds,
        percentile(calls.stream().mapToLong(c -> c[0]).toArray(), 50) / 1e6,
        percentile(calls.stream().mapToLong(c -> c[0]).toArray(), 99) / 1e6,
        changed,
        failed);
    out.printf(
        "  counts: %s, exact: %s, %,d bucket reports, settled %.1f s after the last" + " call%n",
        new TreeMap<>(counted), exact, reports, countLagSeconds);
    printSingles(String.format(Locale.ROOT, "%,d subscribers", 10 + singles), intoSmall);
    printSingles(String.format(Locale.ROOT, "%,d subscribers", users + singles), intoBig);
    out.println(
        "rerun: java -Xmx2g -Dlogback.configurationFile=peyvand-bench-logback.xml -cp"
            + " \"broker/target/test-classes:broker/target/classes:$(cat broker/target/test.classpath)\""
            + " io.peyvand.broker.bench.ChannelSubscribeBench"
            + (startCassandra ? " --start-cassandra" : " --cassandra " + cassandra)
            + " --users "
            + users
            + " --bulk "
            + bulk
            + " --calls-in-flight "
            + callsInFlight
            + " --singles "
            + singles);
    return exact && failed == 0 ? 0 : 1;
  }

  private static String store(ActorSystem<Void> system) {
    return system
        .settings()
        .config()
        .getStringList("datastax-java-driver.basic.contact-points")
        .toString();
  }

  private void printSingles(String channel, long[] latencies) {
    out.printf(
        "  single subscribe into a channel of %s: p50 %.1f ms, p99 %.1f ms (%,d calls,"
            + " %d in flight, after a round that woke its buckets)%n",
        channel,
        percentile(latencies, 50) / 1e6,
        percentile(latencies, 99) / 1e6,
        latencies.length,
        singlesInFlight);
  }

  /** {@code --singles} one-user subscriptions of bale users, latencies in ns. */
  private long[] singles(ChannelSubscriptions subscriptions, Address channel, String prefix)
      throws Exception {
    long[] latencies = new long[singles];
    Semaphore window = new Semaphore(singlesInFlight);
    List<CompletableFuture<?>> pending = new ArrayList<>();
    for (int i = 0; i < singles; i++) {
      int n = i;
      window.acquire();
      long start = System.nanoTime();
      pending.add(
          subscriptions
              .subscribe(channel, "bale", List.of(prefix + "-" + i))
              .toCompletableFuture()
              .whenComplete(
                  (outcome, error) -> {
                    latencies[n] = System.nanoTime() - start;
                    window.release();
                  }));
    }
    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
    return latencies;
  }

  private static List<String> users(String prefix, int from, int to) {
    List<String> ids = new ArrayList<>(to - from);
    for (int n = from; n < to; n++) {
      ids.add(prefix + (10_000_000 + n));
    }
    return ids;
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(2, TimeUnit.MINUTES);
  }

  private static double percentile(long[] values, int p) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
