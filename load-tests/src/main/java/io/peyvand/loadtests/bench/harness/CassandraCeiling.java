package io.peyvand.loadtests.bench.harness;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The ceiling of this machine for the broker's kind of work: raw single-row inserts into the same
 * Cassandra with the plain Java driver, async, at most {@code inFlight} at a time, rows as large as
 * the benchmark's messages. Nothing a broker built on this Cassandra does can store messages faster
 * than this, since each message costs it at least one such write (in fact several: the event, the
 * pending index, the acknowledgement, the sender's status); the benchmark reports the broker's
 * delivered throughput as a fraction of it.
 *
 * <p>The rows go to a scratch keyspace {@code bench_ceiling_<run id>} (one replica) that the
 * measurement creates and drops; a first tenth of the rows (at least 2,000) warms the driver and
 * Cassandra up and is not timed.
 */
public final class CassandraCeiling {
  /** Mailbox-like partitions: rows spread over this many partition keys, in sequence order. */
  private static final int PARTITIONS = 1000;

  /**
   * What was measured.
   *
   * @param rows rows timed (warm-up excluded)
   * @param averageRowBytes average payload size of the timed rows
   * @param failed inserts that failed (timed out, overloaded): they count as not done
   * @param cpu the CPU split over the timed inserts; null when not measured
   */
  public record Result(
      String contactPoint,
      String cassandraVersion,
      int rows,
      double averageRowBytes,
      int inFlight,
      long nanos,
      int failed,
      CpuSplit.Result cpu) {
    public double rowsPerSecond() {
      return nanos <= 0 ? 0 : (rows - failed) * 1e9 / nanos;
    }
  }

  private CassandraCeiling() {}

  /** {@code delivered} as a fraction of {@code ceiling} (0 when there is no ceiling). */
  public static double ratio(double delivered, double ceiling) {
    return ceiling <= 0 ? 0 : delivered / ceiling;
  }

  /**
   * Inserts {@code rows} rows (plus the warm-up) whose payload sizes cycle through {@code sizes};
   * throws if Cassandra cannot be reached or the keyspace not created.
   */
  public static Result measure(
      String hostPort,
      List<Integer> sizes,
      int rows,
      int inFlight,
      String runId,
      long seed,
      List<CpuSplit.Part> parts,
      PrintStream log)
      throws InterruptedException {
    String keyspace = "bench_ceiling_" + runId;
    try (CqlSession session = open(hostPort)) {
      Row version = session.execute("SELECT release_version FROM system.local").one();
      session.execute(
          "CREATE KEYSPACE "
              + keyspace
              + " WITH replication ="
              + " {'class': 'SimpleStrategy', 'replication_factor': 1}");
      try {
        session.execute(
            "CREATE TABLE "
                + keyspace
                + ".rows (partition text, seq bigint,"
                + " payload blob, PRIMARY KEY (partition, seq))");
        PreparedStatement insert =
            session.prepare(
                "INSERT INTO " + keyspace + ".rows (partition, seq, payload) VALUES (?, ?, ?)");
        byte[][] payloads = payloads(sizes, seed);
        int warmup = Math.max(2000, rows / 10);
        log.printf(
            "ceiling: %d raw inserts into %s at %s (%d warm-up), at most %d in flight%n",
            rows, keyspace, hostPort, warmup, inFlight);
        insertAll(session, insert, payloads, 0, warmup, inFlight);
        CpuSplit split = CpuSplit.start(parts);
        long start = System.nanoTime();
        int failed = insertAll(session, insert, payloads, warmup, warmup + rows, inFlight);
        long nanos = System.nanoTime() - start;
        CpuSplit.Result cpu = split.stop();
        double average = 0;
        for (int i = warmup; i < warmup + rows; i++) {
          average += payloads[i % payloads.length].length;
        }
        return new Result(
            hostPort,
            version == null ? "unknown" : version.getString("release_version"),
            rows,
            rows == 0 ? 0 : average / rows,
            inFlight,
            nanos,
            failed,
            cpu);
      } finally {
        session.execute("DROP KEYSPACE IF EXISTS " + keyspace);
      }
    }
  }

  /** Inserts rows [from, to); returns how many failed. */
  private static int insertAll(
      CqlSession session,
      PreparedStatement insert,
      byte[][] payloads,
      int from,
      int to,
      int inFlight)
      throws InterruptedException {
    BoundedWrites writes = new BoundedWrites(session, inFlight);
    for (int i = from; i < to; i++) {
      writes.execute(
          insert.bind(
              "u" + (i % PARTITIONS), (long) i, ByteBuffer.wrap(payloads[i % payloads.length])));
    }
    int failed = writes.awaitAll();
    if (writes.firstFailure() != null) {
      System.err.println(
          "ceiling: " + failed + " inserts failed; the first: " + writes.firstFailure());
    }
    return failed;
  }

  /** One payload per size, of seeded random bytes (incompressible, like encrypted content). */
  private static byte[][] payloads(List<Integer> sizes, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    byte[][] payloads = new byte[Math.max(1, sizes.size())][];
    for (int i = 0; i < payloads.length; i++) {
      payloads[i] = new byte[sizes.isEmpty() ? 0 : sizes.get(i)];
      for (int b = 0; b < payloads[i].length; b++) {
        payloads[i][b] = (byte) random.nextInt(256);
      }
    }
    return payloads;
  }

  private static CqlSession open(String hostPort) {
    DriverConfigLoader loader =
        DriverConfigLoader.programmaticBuilder()
            .withStringList(DefaultDriverOption.CONTACT_POINTS, List.of(hostPort))
            .withString(DefaultDriverOption.LOAD_BALANCING_LOCAL_DATACENTER, "datacenter1")
            .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(5))
            .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(10))
            .withDuration(
                DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, Duration.ofSeconds(20))
            .withDuration(
                DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, Duration.ofSeconds(30))
            .withInt(DefaultDriverOption.CONNECTION_MAX_REQUESTS, 2048)
            .build();
    return CqlSession.builder().withConfigLoader(loader).build();
  }
}
