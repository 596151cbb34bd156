package io.peyvand.broker.faults;

import io.peyvand.broker.BrokerProcess;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cassandra stops (SIGTERM to its process) for {@link #OUTAGE} under steady traffic, then starts
 * again on the same data directory; the brokers are not touched. Expected: during the outage
 * submissions are refused with a retryable code (UNAVAILABLE) or not answered, and retried with the
 * same id, never accepted and then lost; every node's /health/ready says not-ready while Cassandra
 * is away; the nodes recover by themselves when it is back (ready again, accepting), and every
 * message accepted before, during or after the outage is delivered. Recovery time: from Cassandra
 * answering CQL again to traffic back.
 *
 * <p>The SDK retries an UNAVAILABLE refusal itself (same message id), so the traffic may see none;
 * the brokers' own count ({@code peyvand_refusals_total{code="UNAVAILABLE"}}, summed over the
 * nodes) shows what they answered, and must not be zero: an outage is refused, not hidden.
 */
final class CassandraScenario extends FaultScenario {
  static final Duration OUTAGE = Duration.ofSeconds(30);
  private static final Pattern UNAVAILABLE =
      Pattern.compile("(?m)^peyvand_refusals_total\\{[^}]*code=\"UNAVAILABLE\"[^}]*} (\\d+)");

  @Override
  String name() {
    return "cassandra";
  }

  @Override
  boolean ownCassandra() {
    return true;
  }

  @Override
  void inject(Context c) throws Exception {
    long at = System.nanoTime();
    c.log("stopping Cassandra (SIGTERM to pid " + c.cluster.cassandraPid() + ")");
    c.cluster.stopCassandra();
    c.log(
        String.format(
            Locale.ROOT,
            "Cassandra stopped after %.1f s; staying down until %d s" + " after the stop",
            (System.nanoTime() - at) / 1e9,
            OUTAGE.toSeconds()));
    boolean[] notReady = new boolean[3];
    String[] sample = new String[3];
    while (System.nanoTime() - at < OUTAGE.toNanos()) {
      for (int i = 0; i < 3; i++) {
        BrokerProcess.Health h = c.cluster.node(i).health();
        if (!h.ready()) {
          notReady[i] = true;
          sample[i] = h.body();
        }
      }
      Thread.sleep(1000);
    }
    c.log("starting Cassandra again on the same data directory");
    c.cluster.startCassandra();
    long back = System.nanoTime();
    c.recoveryFrom(back);
    c.log(
        String.format(
            Locale.ROOT, "Cassandra answers CQL again, %.1f s after the stop", (back - at) / 1e9));
    int notReadyNodes = 0;
    for (int i = 0; i < 3; i++) {
      if (notReady[i]) {
        notReadyNodes++;
      } else {
        c.fail("node-" + (i + 1) + " stayed ready during the Cassandra outage");
      }
    }
    c.log("/health/ready during the outage, node-1: " + sample[0]);
    c.figure("not-ready-nodes", notReadyNodes + "/3");
    c.cluster.awaitMembersUp(3, Duration.ofSeconds(120));
    c.figure(
        "ready-again-after", String.format(Locale.ROOT, "%.1fs", (System.nanoTime() - back) / 1e9));
    c.figure("outage", String.format(Locale.ROOT, "%.1fs", (back - at) / 1e9));
    long refused = 0;
    for (int i = 0; i < 3; i++) {
      Matcher m = UNAVAILABLE.matcher(c.cluster.node(i).metrics());
      while (m.find()) {
        refused += Long.parseLong(m.group(1));
      }
    }
    c.figure("broker-refused-unavailable", refused);
    if (refused == 0) {
      c.fail("no node refused a submission UNAVAILABLE during the outage");
    }
  }
}
