package io.peyvand.broker.observability;

import io.peyvand.broker.entity.Asks;
import io.peyvand.broker.tls.RevocationList;
import io.peyvand.persistence.journal.JournalMetrics;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The node's metrics in the Prometheus text format ({@code GET /metrics}): readiness, the JVM
 * ({@link JvmMetrics}: heap, heap after collections, pools, collections, threads), the cluster as
 * this node sees it, the refusals of platforms' requests ({@link SecurityEvents}), what messages
 * did on this node ({@link MessageMetrics}: accepted, delivered, redelivered, acknowledged,
 * sessions, persist and submit latency), the journal's Cassandra write requests
 * ({@link JournalMetrics}) and the shards and entities it hosts
 * ({@link ShardingStats}). Every figure is of this node; cluster-config/METRICS.md explains each
 * one and cluster-config/grafana the dashboard that sums them.
 */
public final class Metrics {
  private final ActorSystem<?> system;
  private final SecurityEvents security;
  private final RevocationList revocations;
  private final long startedAtMillis = System.currentTimeMillis();
  private final MessageMetrics messages;
  private final JournalMetrics journal;
  private volatile ShardingStats sharding;

  public Metrics(ActorSystem<?> system, SecurityEvents security, RevocationList revocations) {
    this.system = system;
    this.security = security;
    this.revocations = revocations;
    this.messages = MessageMetrics.get(system);
    this.journal = JournalMetrics.get(system.classicSystem());
    JvmMetrics.install();
  }

  /** Renders the shards and entities this node hosts, once the entities are started. */
  public void sharding(ShardingStats stats) {
    this.sharding = stats;
  }

  public String render(boolean ready) {
    StringBuilder out = new StringBuilder();
    Prometheus.gauge(out, "peyvand_ready", "1 when this node passes its readiness checks",
        ready ? 1 : 0);
    Prometheus.gauge(out, "peyvand_uptime_seconds", "seconds since the broker started",
        (System.currentTimeMillis() - startedAtMillis) / 1000.0);
    JvmMetrics.render(out);
    long up = 0;
    long all = 0;
    for (Member m : Cluster.get(system).state().getMembers()) {
      all++;
      if (m.status().equals(MemberStatus.up())) {
        up++;
      }
    }
    Prometheus.gauge(out, "peyvand_cluster_members", "cluster members this node knows of", all);
    Prometheus.gauge(out, "peyvand_cluster_members_up", "cluster members in status Up", up);
    Prometheus.gauge(out, "peyvand_revoked_certificates_crl",
        "serials the CA's revocation list revokes", revocations.revokedSerials().size());
    Prometheus.gauge(out, "peyvand_revoked_certificates_admin",
        "serials administrators revoked (Admin service)",
        revocations.administeredSerials().size());
    Prometheus.header(out, "peyvand_revoked_handshakes_refused_total", "counter",
        "TLS handshakes refused for a revoked client certificate");
    out.append("peyvand_revoked_handshakes_refused_total ")
        .append(revocations.refusedHandshakes()).append('\n');
    security.render(out);
    messages.render(out);
    renderJournal(out);
    renderActors(out);
    ShardingStats stats = sharding;
    if (stats != null) {
      stats.render(out);
    }
    return out.toString();
  }

  private void renderActors(StringBuilder out) {
    Prometheus.header(out, "peyvand_asks_total", "counter",
        "requests to actors made on this node whose reply completes a future (asks)");
    out.append("peyvand_asks_total ").append(Asks.get(system).count()).append('\n');
    Prometheus.header(out, "peyvand_actor_messages_total", "counter",
        "messages enqueued in the mailboxes of this node's actors, by kind of actor (a sharded"
            + " entity's type, shard, shard-region, or the guardian's child such as"
            + " system/session)");
    CountingMailbox.Counts.get(system.classicSystem()).snapshot().forEach((kind, count) ->
        out.append("peyvand_actor_messages_total{actor=\"").append(kind).append("\"} ")
            .append(count).append('\n'));
  }

  private void renderJournal(StringBuilder out) {
    Prometheus.header(out, "peyvand_journal_write_seconds", "histogram",
        "latency of the journal's Cassandra write requests from this node (one request carries"
            + " the events of many entities), until Cassandra acknowledged at the write"
            + " consistency");
    Prometheus.histogram(out, "peyvand_journal_write_seconds", "", journal.bounds(),
        journal.bucketCounts(), journal.sumSeconds());
    Prometheus.header(out, "peyvand_journal_write_failures_total", "counter",
        "journal write requests Cassandra failed or that timed out");
    out.append("peyvand_journal_write_failures_total ").append(journal.failedRequests())
        .append('\n');
    Prometheus.header(out, "peyvand_journal_writes_total", "counter",
        "atomic writes (one entity's persist each) the journal completed, durable or failed");
    out.append("peyvand_journal_writes_total ").append(journal.writes()).append('\n');
  }
}
