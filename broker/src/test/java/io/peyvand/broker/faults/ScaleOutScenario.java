package io.peyvand.broker.faults;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fourth node joins a three-node cluster under steady traffic. Expected: it becomes Up and ready,
 * its /metrics shows {@code peyvand_sharding_shards{entity="mailbox"}} above zero within {@link
 * #SHARDS_WITHIN} of being ready (the coordinator rebalanced shards to it; the gauge is polled
 * every 5 s), and the accepted count never drops to zero in any second after the warm-up:
 * rebalancing a shard pauses its mailboxes briefly, never the whole traffic.
 */
final class ScaleOutScenario extends FaultScenario {
  static final Duration SHARDS_WITHIN = Duration.ofSeconds(90);
  private static final Pattern MAILBOX_SHARDS =
      Pattern.compile("(?m)^peyvand_sharding_shards\\{entity=\"mailbox\"} (\\d+)");

  @Override
  String name() {
    return "scale-out";
  }

  @Override
  int maxNodes() {
    return 4;
  }

  @Override
  void inject(Context c) throws Exception {
    long at = System.nanoTime();
    c.cluster.launch(3);
    c.log("node-4 starting");
    c.cluster.node(3).awaitReady(READY_TIMEOUT);
    c.cluster.awaitMembersUp(4, Duration.ofSeconds(120));
    long up = System.nanoTime();
    c.figure("joined-after", String.format(Locale.ROOT, "%.1fs", (up - at) / 1e9));
    c.log(
        String.format(
            Locale.ROOT, "node-4 ready, 4 members Up, %.1f s after its start", (up - at) / 1e9));
    int shards = 0;
    while (System.nanoTime() - up < SHARDS_WITHIN.toNanos()) {
      Matcher m = MAILBOX_SHARDS.matcher(c.cluster.node(3).metrics());
      shards = m.find() ? Integer.parseInt(m.group(1)) : 0;
      if (shards > 0) {
        break;
      }
      Thread.sleep(1000);
    }
    double after = (System.nanoTime() - up) / 1e9;
    c.check(
        shards > 0,
        "node-4 hosts no mailbox shard " + SHARDS_WITHIN.toSeconds() + " s after it was Up");
    c.figure("node-4-mailbox-shards", shards);
    c.figure("shards-after", String.format(Locale.ROOT, "%.1fs", after));
    c.log(
        String.format(
            Locale.ROOT, "node-4 hosts %d mailbox shards, %.1f s after it was Up", shards, after));
  }

  /** How many mailbox shards the new node hosts once the traffic drained (rebalanced by then). */
  @Override
  void verify(Context c) {
    Matcher m = MAILBOX_SHARDS.matcher(c.cluster.node(3).metrics());
    c.figure("node-4-mailbox-shards-at-end", m.find() ? m.group(1) : "?");
  }

  @Override
  boolean requiresSteadyAcceptance() {
    return true;
  }
}
