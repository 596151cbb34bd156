package io.peyvand.loadtests.bench.harness;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What the measured phase cost, counted, for the cost table of docs/DELIVERY-PATH.md: from the
 * broker node's {@code /metrics} (at --http) the persists (atomic journal writes), the journal's
 * Cassandra write requests, the asks, the actor messages by kind of actor and the threads started;
 * from Cassandra's own virtual tables ({@code system_views.local_write_latency}, {@code
 * local_read_latency}, {@code local_scan_latency}) the writes (partition updates) and reads by
 * table of the broker's keyspaces. Each is read before and after the phase; a figure that cannot be
 * read is left out and the reason printed once.
 */
public final class PathCost {
  private static final List<String> BROKER_COUNTERS =
      List.of(
          "peyvand_journal_writes_total",
          "peyvand_journal_write_seconds_count",
          "peyvand_asks_total",
          "jvm_threads_started_total");
  private static final String ACTOR_MESSAGES = "peyvand_actor_messages_total";

  /** The counts of one phase: broker series and Cassandra operations by keyspace.table. */
  public record Result(
      Map<String, Double> broker, Map<String, Long> writes, Map<String, Long> reads) {

    /** A broker counter's increase, or -1 when it could not be read. */
    double broker(String name) {
      return broker.getOrDefault(name, -1.0);
    }

    double actorMessages() {
      return broker.entrySet().stream()
          .filter(e -> e.getKey().startsWith(ACTOR_MESSAGES))
          .mapToDouble(Map.Entry::getValue)
          .sum();
    }

    /** Actor messages by kind, most first. */
    Map<String, Double> actorMessagesByKind() {
      Map<String, Double> kinds = new LinkedHashMap<>();
      broker.entrySet().stream()
          .filter(e -> e.getKey().startsWith(ACTOR_MESSAGES + "{"))
          .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
          .forEach(
              e -> kinds.put(e.getKey().replaceAll(".*actor=\"([^\"]*)\".*", "$1"), e.getValue()));
      return kinds;
    }

    /**
     * One line per message: {@code persists=5.00 journal-requests=1.20 asks=3.00
     * actor-messages=24.0 (UserMailbox=6.0 ...) threads-started=2.5 cassandra-writes=4.1
     * (peyvand.messages=3.0 ...) cassandra-reads=0.0}.
     */
    public String perMessage(long messages) {
      if (messages <= 0) {
        return "no messages";
      }
      List<String> parts = new ArrayList<>();
      if (!broker.isEmpty()) {
        parts.add(per("persists", broker("peyvand_journal_writes_total"), messages));
        parts.add(per("journal-requests", broker("peyvand_journal_write_seconds_count"), messages));
        parts.add(per("asks", broker("peyvand_asks_total"), messages));
        parts.add(
            per("actor-messages", actorMessages(), messages)
                + " ("
                + actorMessagesByKind().entrySet().stream()
                    .limit(6)
                    .map(e -> per(e.getKey(), e.getValue(), messages))
                    .collect(Collectors.joining(" "))
                + ")");
        parts.add(per("threads-started", broker("jvm_threads_started_total"), messages));
      }
      if (!writes.isEmpty() || !reads.isEmpty()) {
        parts.add(tables("cassandra-writes", writes, messages));
        parts.add(tables("cassandra-reads", reads, messages));
      }
      return String.join(" ", parts);
    }

    public ObjectNode json(long messages) {
      ObjectNode o = Json.object();
      ObjectNode per = o.putObject("perMessage");
      for (String name : BROKER_COUNTERS) {
        perJson(per, name, broker(name), messages);
      }
      perJson(per, "actorMessages", actorMessages(), messages);
      ObjectNode byKind = per.putObject("actorMessagesByKind");
      actorMessagesByKind().forEach((kind, n) -> perJson(byKind, kind, n, messages));
      tablesJson(per.putObject("cassandraWrites"), writes, messages);
      tablesJson(per.putObject("cassandraReads"), reads, messages);
      return o;
    }

    private static String tables(String name, Map<String, Long> byTable, long messages) {
      long total = byTable.values().stream().mapToLong(Long::longValue).sum();
      return per(name, total, messages)
          + " ("
          + byTable.entrySet().stream()
              .filter(e -> e.getValue() > 0)
              .map(e -> per(e.getKey(), e.getValue(), messages))
              .collect(Collectors.joining(" "))
          + ")";
    }

    private static void tablesJson(ObjectNode into, Map<String, Long> byTable, long messages) {
      byTable.forEach(
          (table, n) -> {
            if (n > 0) {
              perJson(into, table, n, messages);
            }
          });
    }

    private static String per(String name, double count, long messages) {
      return name + "=" + (count < 0 ? "?" : String.format(Locale.ROOT, "%.2f", count / messages));
    }

    private static void perJson(ObjectNode into, String name, double count, long messages) {
      if (count < 0) {
        into.putNull(name);
      } else {
        into.put(name, Json.fixed(count / messages, 3));
      }
    }
  }

  private final MetricsPage metrics;
  private final CqlSession cassandra;
  private final PrintStream log;
  private final Map<String, Double> brokerBefore;
  private final Map<String, long[]> cassandraBefore;

  private PathCost(MetricsPage metrics, CqlSession cassandra, PrintStream log) {
    this.metrics = metrics;
    this.cassandra = cassandra;
    this.log = log;
    this.brokerBefore = readBroker();
    this.cassandraBefore = readCassandra();
  }

  /** Reads every count now; {@code cassandraHostPort} is the broker's Cassandra (CQL). */
  public static PathCost start(MetricsPage metrics, String cassandraHostPort, PrintStream log) {
    CqlSession session = null;
    try {
      int colon = cassandraHostPort.lastIndexOf(':');
      session =
          CqlSession.builder()
              .addContactPoint(
                  new InetSocketAddress(
                      cassandraHostPort.substring(0, colon),
                      Integer.parseInt(cassandraHostPort.substring(colon + 1))))
              .withLocalDatacenter("datacenter1")
              .build();
    } catch (RuntimeException e) {
      log.println(
          "cost: cannot read Cassandra's operation counts at "
              + cassandraHostPort
              + " ("
              + e.getMessage()
              + ")");
    }
    return new PathCost(metrics, session, log);
  }

  /** Reads every count again: the increase since {@link #start}. */
  public Result stop() {
    Map<String, Double> brokerAfter = readBroker();
    Map<String, Double> broker = new TreeMap<>();
    brokerAfter.forEach(
        (name, after) -> {
          if (name.startsWith(ACTOR_MESSAGES) || BROKER_COUNTERS.contains(name)) {
            broker.put(name, after - brokerBefore.getOrDefault(name, 0.0));
          }
        });
    Map<String, long[]> cassandraAfter = readCassandra();
    Map<String, Long> writes = new TreeMap<>();
    Map<String, Long> reads = new TreeMap<>();
    cassandraAfter.forEach(
        (table, after) -> {
          long[] before = cassandraBefore.getOrDefault(table, new long[2]);
          writes.put(table, after[0] - before[0]);
          reads.put(table, after[1] - before[1]);
        });
    if (cassandra != null) {
      cassandra.close();
    }
    return new Result(broker, writes, reads);
  }

  private Map<String, Double> readBroker() {
    if (metrics == null) {
      return Map.of();
    }
    try {
      return metrics.series();
    } catch (Exception e) {
      log.println(
          "cost: cannot read "
              + metrics.uri()
              + " ("
              + e
              + "); give the broker's HTTP(S)"
              + " port with --http HOST:PORT");
      return Map.of();
    }
  }

  /** keyspace.table to {writes, reads + range scans}, for every keyspace but Cassandra's own. */
  private Map<String, long[]> readCassandra() {
    Map<String, long[]> counts = new TreeMap<>();
    if (cassandra == null) {
      return counts;
    }
    try {
      add(counts, "local_write_latency", 0);
      add(counts, "local_read_latency", 1);
      add(counts, "local_scan_latency", 1);
    } catch (RuntimeException e) {
      log.println("cost: cannot read Cassandra's system_views (" + e.getMessage() + ")");
      counts.clear();
    }
    return counts;
  }

  private void add(Map<String, long[]> counts, String view, int index) {
    for (Row row :
        cassandra.execute("SELECT keyspace_name, table_name, count FROM system_views." + view)) {
      String keyspace = row.getString(0);
      if (keyspace.startsWith("system") || keyspace.startsWith("bench_ceiling")) {
        continue;
      }
      counts.computeIfAbsent(keyspace + "." + row.getString(1), t -> new long[2])[index] +=
          row.getLong(2);
    }
  }
}
