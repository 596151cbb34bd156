package io.peyvand.broker.observability;

import io.peyvand.broker.tls.RevocationList;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The node's metrics in the Prometheus text format ({@code GET /metrics}). For now the process and
 * the cluster as this node sees them; message counters join as the features that count them land.
 */
public final class Metrics {
  private final ActorSystem<?> system;
  private final SecurityEvents security;
  private final RevocationList revocations;
  private final long startedAtMillis = System.currentTimeMillis();

  public Metrics(ActorSystem<?> system, SecurityEvents security, RevocationList revocations) {
    this.system = system;
    this.security = security;
    this.revocations = revocations;
  }

  public String render(boolean ready) {
    StringBuilder out = new StringBuilder();
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    gauge(out, "peyvand_ready", "1 when this node passes its readiness checks", ready ? 1 : 0);
    gauge(out, "peyvand_uptime_seconds", "seconds since the broker started",
        (System.currentTimeMillis() - startedAtMillis) / 1000.0);
    gauge(out, "jvm_heap_used_bytes", "heap in use", heap.getUsed());
    gauge(out, "jvm_heap_max_bytes", "maximum heap", heap.getMax());
    gauge(out, "jvm_threads_live", "live threads",
        ManagementFactory.getThreadMXBean().getThreadCount());
    long up = 0;
    long all = 0;
    for (Member m : Cluster.get(system).state().getMembers()) {
      all++;
      if (m.status().equals(MemberStatus.up())) {
        up++;
      }
    }
    gauge(out, "peyvand_cluster_members", "cluster members this node knows of", all);
    gauge(out, "peyvand_cluster_members_up", "cluster members in status Up", up);
    gauge(out, "peyvand_revoked_certificates_crl", "serials the CA's revocation list revokes",
        revocations.revokedSerials().size());
    gauge(out, "peyvand_revoked_certificates_admin", "serials administrators revoked (Admin"
        + " service)", revocations.administeredSerials().size());
    out.append("# HELP peyvand_revoked_handshakes_refused_total TLS handshakes refused for a"
            + " revoked client certificate\n")
        .append("# TYPE peyvand_revoked_handshakes_refused_total counter\n")
        .append("peyvand_revoked_handshakes_refused_total ")
        .append(revocations.refusedHandshakes()).append('\n');
    security.render(out);
    return out.toString();
  }

  private static void gauge(StringBuilder out, String name, String help, double value) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n')
        .append("# TYPE ").append(name).append(" gauge\n")
        .append(name).append(' ');
    if (value == Math.rint(value)) {
      out.append((long) value);
    } else {
      out.append(value);
    }
    out.append('\n');
  }
}
