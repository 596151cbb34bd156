package io.peyvand.broker.observability;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The node's metrics in the Prometheus text format ({@code GET /metrics}): readiness, the JVM
 * ({@link JvmMetrics}: heap, heap after collections, pools, collections, threads), the cluster as
 * this node sees it and the refusals of platforms' requests; message counters join as the
 * features that count them land.
 */
public final class Metrics {
  private final ActorSystem<?> system;
  private final SecurityEvents security;
  private final long startedAtMillis = System.currentTimeMillis();

  public Metrics(ActorSystem<?> system, SecurityEvents security) {
    this.system = system;
    this.security = security;
    JvmMetrics.install();
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
    security.render(out);
    return out.toString();
  }
}
