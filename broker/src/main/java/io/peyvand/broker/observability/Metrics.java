package io.peyvand.broker.observability;

import io.peyvand.broker.entity.Asks;
import io.peyvand.broker.tls.RevocationList;
import io.peyvand.persistence.journal.JournalMetrics;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import java.util.Arrays;
import java.util.function.DoubleSupplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The node's metrics in the Prometheus text format ({@code GET /metrics}), kept in a registry of
 * the Prometheus Java client: readiness, the JVM ({@link JvmMetrics}: heap, heap after collections,
 * pools, collections, threads), the cluster as this node sees it, the refusals of platforms'
 * requests ({@link SecurityEvents}), what messages did on this node ({@link MessageMetrics}:
 * accepted, delivered, redelivered, acknowledged, sessions, persist and submit latency), the
 * journal's Cassandra write requests ({@link JournalMetrics}), the actors' work and the shards and
 * entities it hosts ({@link ShardingStats}). Every figure is of this node;
 * cluster-config/METRICS.md explains each one and cluster-config/grafana the dashboard that sums
 * them.
 */
public final class Metrics {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final long startedAtMillis = System.currentTimeMillis();
  private volatile boolean ready;

  public Metrics(ActorSystem<?> system, SecurityEvents security, RevocationList revocations) {
    gauge("peyvand_ready", "1 when this node passes its readiness checks", () -> ready ? 1 : 0);
    gauge(
        "peyvand_uptime_seconds",
        "seconds since the broker started",
        () -> (System.currentTimeMillis() - startedAtMillis) / 1000.0);
    JvmMetrics.registerIn(registry);
    gauge(
        "peyvand_cluster_members",
        "cluster members this node knows of",
        () -> members(system, false));
    gauge(
        "peyvand_cluster_members_up", "cluster members in status Up", () -> members(system, true));
    gauge(
        "peyvand_cluster_members_unreachable",
        "cluster members this node's failure detector marks unreachable (until they are downed)",
        () -> Cluster.get(system).state().getUnreachable().size());
    gauge(
        "peyvand_revoked_certificates_crl",
        "serials the CA's revocation list revokes",
        () -> revocations.revokedSerials().size());
    gauge(
        "peyvand_revoked_certificates_admin",
        "serials administrators revoked (Admin service)",
        () -> revocations.administeredSerials().size());
    counter(
        "peyvand_revoked_handshakes_refused_total",
        "TLS handshakes refused for a revoked client certificate",
        revocations::refusedHandshakes);
    security.registerIn(registry);
    MessageMetrics.get(system).registerIn(registry);
    DirectoryMetrics.get(system).registerIn(registry);
    KeyPackageMetrics.get(system).registerIn(registry);
    journal(JournalMetrics.get(system.classicSystem()));
    counter(
        "peyvand_asks_total",
        "requests to actors made on this node whose reply completes a future (asks)",
        Asks.get(system)::count);
    CountingMailbox.Counts actors = CountingMailbox.Counts.get(system.classicSystem());
    registry.register(
        CounterWithCallback.builder()
            .name("peyvand_actor_messages_total")
            .help(
                "messages enqueued in the mailboxes of this node's actors, by kind of actor (a"
                    + " sharded entity's type, shard, shard-region, or the guardian's child such as"
                    + " system/session)")
            .labelNames("actor")
            .callback(out -> actors.snapshot().forEach((kind, count) -> out.call(count, kind)))
            .build());
  }

  /** Renders the shards and entities this node hosts, once the entities are started. */
  public void sharding(ShardingStats stats) {
    stats.registerIn(registry);
  }

  public String render(boolean ready) {
    this.ready = ready;
    return Prometheus.text(registry);
  }

  private static long members(ActorSystem<?> system, boolean upOnly) {
    long n = 0;
    for (Member m : Cluster.get(system).state().getMembers()) {
      if (!upOnly || m.status().equals(MemberStatus.up())) {
        n++;
      }
    }
    return n;
  }

  private void journal(JournalMetrics journal) {
    double[] bounds = Arrays.copyOf(journal.bounds(), journal.bounds().length + 1);
    bounds[bounds.length - 1] = Double.POSITIVE_INFINITY;
    String help =
        "latency of the journal's Cassandra write requests from this node (one request"
            + " carries the events of many entities), until Cassandra acknowledged at the write"
            + " consistency";
    registry.register(
        () ->
            HistogramSnapshot.builder()
                .name("peyvand_journal_write_seconds")
                .help(help)
                .dataPoint(
                    HistogramSnapshot.HistogramDataPointSnapshot.builder()
                        .classicHistogramBuckets(
                            ClassicHistogramBuckets.of(bounds, journal.bucketCounts()))
                        .sum(journal.sumSeconds())
                        .build())
                .build());
    counter(
        "peyvand_journal_write_failures_total",
        "journal write requests Cassandra failed or that timed out",
        journal::failedRequests);
    counter(
        "peyvand_journal_writes_total",
        "atomic writes (one entity's persist each) the journal completed, durable or failed",
        journal::writes);
  }

  private void gauge(String name, String help, DoubleSupplier value) {
    JvmMetrics.gauge(registry, name, help, value);
  }

  private void counter(String name, String help, DoubleSupplier value) {
    registry.register(
        CounterWithCallback.builder()
            .name(name)
            .help(help)
            .callback(out -> out.call(value.getAsDouble()))
            .build());
  }
}
