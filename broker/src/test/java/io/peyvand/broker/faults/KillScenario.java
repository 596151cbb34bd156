package io.peyvand.broker.faults;

import java.time.Duration;
import java.util.Locale;

/**
 * SIGKILL of a node that holds adapter sessions (node-2, a seed), under steady traffic. Its
 * sessions end; each of its adapters opens one on another node. Its shards stay allocated to it
 * until the Split Brain Resolver downs it (keep-majority: the two others are the majority, after
 * failure detection and stable-after, 20 s in cluster-config/conf/common.conf); until then the
 * mailboxes it hosted do not answer and their submits are retried. Expected: lost = 0, unflagged
 * duplicates = 0, every adapter of node-2 moved, recovery about failure detection + stable-after.
 */
final class KillScenario extends FaultScenario {
  static final int VICTIM = 1;

  @Override
  String name() {
    return "kill";
  }

  @Override
  void inject(Context c) throws Exception {
    long at = c.takeOut(VICTIM, "SIGKILL", c.cluster::kill, Duration.ofSeconds(120));
    double downed = (System.nanoTime() - at) / 1e9;
    c.log(
        String.format(
            Locale.ROOT,
            "node-%d downed and removed after %.1f s (the survivors" + " see 2 members Up)",
            VICTIM + 1,
            downed));
  }

  @Override
  void verify(Context c) {
    c.checkAdaptersMovedOff(VICTIM);
  }
}
