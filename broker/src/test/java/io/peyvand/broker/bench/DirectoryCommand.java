package io.peyvand.broker.bench;

import io.peyvand.broker.directory.DirectorySettings;
import io.peyvand.broker.directory.NumberHasher;
import io.peyvand.broker.directory.PhoneNumber;
import io.peyvand.loadtests.bench.harness.CpuSplit;
import io.peyvand.persistence.directory.DirectoryStore;
import io.peyvand.protocol.v1.DirectoryClient;
import io.peyvand.protocol.v1.LookupRequest;
import io.peyvand.protocol.v1.LookupResult;
import io.peyvand.protocol.v1.UserAddress;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.apache.pekko.grpc.GrpcClientSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code directory} scenario ({@code ./peyvand bench directory}): lookups of batches of numbers
 * over gRPC against a directory of {@code --entries} published numbers, as contact syncs do.
 *
 * <p>The entries (users of {@code eitaa}) are written straight through the broker's {@link
 * DirectoryStore} under the node's key, as Publish writes them, without the consent checks (which
 * are Publish's cost, not the lookups'). Each lookup asks for {@code --batch} numbers of which
 * {@code --hit-ratio} are published: the hits are checked with their owners' mailboxes (would they
 * accept the asker?), the rest cost a read each. Askers are users of {@code bale}, each asking for
 * new numbers until their burst is spent, then the next asker. Printed: lookups/s and numbers/s,
 * p50/p99 latency, CPU per lookup in the broker and in Cassandra, the broker's heap per asker in
 * memory, and Cassandra's disk per entry (after a flush, through JMX; only with {@code
 * --start-cassandra}, whose JMX port is known).
 */
@Command(
    name = "directory",
    mixinStandardHelpOptions = true,
    description = "Directory lookups/s, latency and space per entry against N published entries.")
final class DirectoryCommand implements Callable<Integer> {
  @Mixin BenchOptions common = new BenchOptions();

  @Option(
      names = "--entries",
      paramLabel = "N",
      defaultValue = "1000000",
      description = "Numbers published before the lookups (default ${DEFAULT-VALUE}).")
  int entries;

  @Option(
      names = "--lookups",
      paramLabel = "N",
      defaultValue = "3000",
      description = "Lookups measured (default ${DEFAULT-VALUE}).")
  int lookups;

  @Option(
      names = "--batch",
      paramLabel = "N",
      defaultValue = "100",
      description = "Numbers per lookup (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--hit-ratio",
      paramLabel = "R",
      defaultValue = "0.1",
      description = "Share of each batch's numbers that are published (default ${DEFAULT-VALUE}).")
  double hitRatio;

  @Option(
      names = "--in-flight",
      paramLabel = "N",
      defaultValue = "16",
      description = "Lookups unanswered at most (default ${DEFAULT-VALUE}); seeding uses 256.")
  int inFlight;

  @Spec CommandLine.Model.CommandSpec spec;

  private static final int USER_BURST = 1000;

  @Override
  public Integer call() throws Exception {
    if (entries < 1 || lookups < 1 || batch < 1 || batch > 1000 || inFlight < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--entries, --lookups, --in-flight must be positive and --batch between 1 and 1000");
    }
    if (hitRatio < 0 || hitRatio > 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--hit-ratio is from 0 to 1");
    }
    PrintStream log = System.err;
    String run = Long.toString(System.currentTimeMillis(), 36);
    try (BenchCassandra cassandra =
        BenchCassandra.open(
            common.cassandra, common.startCassandra, "bench_directory_" + run, log)) {
      String overrides =
          """
          peyvand.platforms.bootstrap = [
            { id = "bale", display-name = "Bale", default-opted-in = true }
            { id = "eitaa", display-name = "Eitaa", default-opted-in = true }
          ]
          peyvand.directory.platform-new-numbers-per-day = 2000000000
          peyvand.directory.user-burst = %d
          """
              .formatted(USER_BURST);
      try (BenchNode node = cassandra.startNode("bench-directory", overrides)) {
        NumberHasher hasher =
            DirectorySettings.fromConfig(node.system().settings().config(), false).hasher();
        DirectoryStore store =
            new DirectoryStore(
                CompletableFuture.completedFuture(cassandra.session), cassandra.keyspace);
        log.printf("directory: publishing %,d entries...%n", entries);
        long seedStart = System.nanoTime();
        Instant at = Instant.now();
        Mailboxes.runAll(
            entries,
            256,
            i -> {
              var hash = hasher.current(PhoneNumber.parse(published(i)));
              return store.publish(
                  new DirectoryStore.NumberKey(hash.keyId(), hash.value()),
                  "eitaa",
                  "e" + i,
                  false,
                  at);
            });
        double seedSeconds = (System.nanoTime() - seedStart) / 1e9;
        log.printf("directory: %,d entries in %.0f s; looking up...%n", entries, seedSeconds);

        DirectoryClient client =
            DirectoryClient.create(
                GrpcClientSettings.connectToServiceAt(
                        "127.0.0.1", node.broker().grpcAddress().getPort(), node.system())
                    .withTls(false),
                node.system());
        int hitsPerBatch = (int) Math.round(batch * hitRatio);
        // Warm up: code paths, the gRPC connection, a few entities.
        Mailboxes.runAll(50, inFlight, i -> client.lookup(request(1_000_000 + i, i, hitsPerBatch)));
        long heapBefore = Heap.usedAfterGc();
        long[] latencies = new long[lookups];
        AtomicLong found = new AtomicLong();
        List<CpuSplit.Part> parts =
            List.of(CpuSplit.self("broker+bench"), new CpuSplit.Part("cassandra", cassandra.pid));
        CpuSplit cpu = CpuSplit.start(parts);
        long start = System.nanoTime();
        Mailboxes.runAll(
            lookups,
            inFlight,
            i -> {
              long sent = System.nanoTime();
              return client
                  .lookup(request(i, i, hitsPerBatch))
                  .thenApply(
                      result -> {
                        latencies[i] = System.nanoTime() - sent;
                        found.addAndGet(hits(result));
                        return result;
                      });
            });
        long wall = System.nanoTime() - start;
        CpuSplit.Result split = cpu.stop();
        long perAsker = Math.max(1, USER_BURST / batch);
        long askers = (lookups + perAsker - 1) / perAsker;
        long heapAfter = Heap.usedAfterGc();
        client.close();
        Arrays.sort(latencies);
        long disk = diskBytes(cassandra, log);
        double seconds = wall / 1e9;
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
            Locale.ROOT,
            "directory: %,d entries; %,d lookups of %d numbers (%d published each), %d in flight%n",
            entries,
            lookups,
            batch,
            hitsPerBatch,
            inFlight);
        out.printf(
            Locale.ROOT,
            "  lookups/s %.0f   numbers/s %.0f   found %,d (expected %,d)%n",
            lookups / seconds,
            lookups * (double) batch / seconds,
            found.get(),
            (long) lookups * hitsPerBatch);
        out.printf(
            Locale.ROOT,
            "  latency p50 %.1f ms   p99 %.1f ms   max %.1f ms%n",
            latencies[lookups / 2] / 1e6,
            latencies[(int) Math.min(lookups - 1, Math.ceil(lookups * 0.99) - 1)] / 1e6,
            latencies[lookups - 1] / 1e6);
        out.printf(Locale.ROOT, "  cpu %s%n", split.line());
        for (CpuSplit.Share share : split.shares()) {
          out.printf(
              Locale.ROOT,
              "  cpu per lookup, %s: %.2f ms%n",
              share.name(),
              share.cpuNanos() / 1e6 / lookups);
        }
        out.printf(
            Locale.ROOT,
            "  broker heap growth: %.1f KiB per asker (%d askers: each one's Lookups entity and"
                + " the mailboxes its hits woke to check consent; the entries are in Cassandra"
                + " only)%n",
            (heapAfter - heapBefore) / 1024.0 / askers,
            askers);
        out.printf(
            Locale.ROOT,
            "  publishing (straight to the store, 256 in flight): %.0f entries/s%n",
            entries / seedSeconds);
        out.printf(
            Locale.ROOT,
            "  Cassandra disk: %s%n",
            disk < 0
                ? "n/a (run with --start-cassandra to flush and measure through JMX)"
                : String.format(
                    Locale.ROOT,
                    "%.1f bytes per entry (directory_entries + directory_by_user, %.1f MiB"
                        + " compressed SSTables)",
                    disk / (double) entries,
                    disk / 1048576.0));
        out.printf(
            Locale.ROOT,
            "rerun: ./peyvand bench directory --start-cassandra --entries %d --lookups %d"
                + " --batch %d --hit-ratio %s --in-flight %d%n",
            entries,
            lookups,
            batch,
            hitRatio,
            inFlight);
      }
    }
    return 0;
  }

  /** The number published as entry {@code i}: Iranian mobile numbers from +98912 0000000. */
  private static String published(long i) {
    return String.format("+98912%07d", i);
  }

  /**
   * Lookup {@code n}: by asker {@code n / (burst / batch)} (each asker spends its burst on new
   * numbers), {@code hits} published numbers spread over the entries and the rest never published
   * (+98935...).
   */
  private LookupRequest request(long n, long seed, int hits) {
    long perAsker = Math.max(1, USER_BURST / batch);
    LookupRequest.Builder request =
        LookupRequest.newBuilder()
            .setAsker(UserAddress.newBuilder().setPlatformId("bale").setUserId("a" + n / perAsker));
    for (int k = 0; k < batch; k++) {
      long mixed = (seed * batch + k) * 2654435761L;
      if (k < hits) {
        request.addPhoneNumbers(published(Math.floorMod(mixed, (long) entries)));
      } else {
        request.addPhoneNumbers(String.format("+98935%07d", Math.floorMod(mixed, 10_000_000L)));
      }
    }
    return request.build();
  }

  private static long hits(LookupResult result) {
    return result.getMatchesList().stream().filter(m -> m.getUsersCount() > 0).count();
  }

  /**
   * The live SSTable bytes of the directory's two tables after a flush, through the node's JMX; -1
   * when the node's JMX port is not known.
   */
  private static long diskBytes(BenchCassandra cassandra, PrintStream log) {
    if (cassandra.jmxPort < 0) {
      return -1;
    }
    JMXServiceURL url;
    try {
      url =
          new JMXServiceURL(
              "service:jmx:rmi:///jndi/rmi://127.0.0.1:" + cassandra.jmxPort + "/jmxrmi");
    } catch (java.net.MalformedURLException e) {
      throw new IllegalStateException(e);
    }
    try (JMXConnector jmx = JMXConnectorFactory.connect(url)) {
      MBeanServerConnection server = jmx.getMBeanServerConnection();
      List<String> tables = List.of("directory_entries", "directory_by_user");
      server.invoke(
          new ObjectName("org.apache.cassandra.db:type=StorageService"),
          "forceKeyspaceFlush",
          new Object[] {cassandra.keyspace, tables.toArray(String[]::new)},
          new String[] {String.class.getName(), String[].class.getName()});
      long bytes = 0;
      for (String table : tables) {
        Object count =
            server.getAttribute(
                new ObjectName(
                    "org.apache.cassandra.metrics:type=Table,keyspace="
                        + cassandra.keyspace
                        + ",scope="
                        + table
                        + ",name=LiveDiskSpaceUsed"),
                "Count");
        bytes += ((Number) count).longValue();
      }
      return bytes;
    } catch (Exception e) {
      log.println("directory: cannot read Cassandra's disk use through JMX: " + e);
      return -1;
    }
  }
}
