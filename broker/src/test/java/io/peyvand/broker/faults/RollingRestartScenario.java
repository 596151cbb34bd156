package io.peyvand.broker.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * Each of the three nodes in turn is restarted gracefully under steady traffic: SIGTERM (Pekko's
 * coordinated shutdown: not ready, unbind, hand the shards over, leave), wait for the JVM to end,
 * start it again on the same ports, wait until it is ready and every node sees three members Up.
 * Expected: lost = 0, unflagged duplicates = 0, and no adapter reconnects more than once per
 * restarted node (counted per restart, from its SIGTERM to the next one).
 */
final class RollingRestartScenario extends FaultScenario {

  @Override
  String name() {
    return "rolling-restart";
  }

  private final List<Long> restarts = new ArrayList<>();

  @Override
  void inject(Context c) throws Exception {
    List<String> took = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      long at = System.nanoTime();
      restarts.add(at);
      c.recoveryFrom(at);
      c.log("SIGTERM node-" + (i + 1));
      OptionalInt exit = c.cluster.stopGracefully(i, Duration.ofSeconds(60));
      double stopped = (System.nanoTime() - at) / 1e9;
      c.log(
          String.format(
              Locale.ROOT,
              "node-%d exited with %d after %.1f s; starting it again",
              i + 1,
              exit.getAsInt(),
              stopped));
      c.cluster.launch(i);
      c.cluster.node(i).awaitReady(READY_TIMEOUT);
      c.cluster.awaitMembersUp(3, Duration.ofSeconds(120));
      double total = (System.nanoTime() - at) / 1e9;
      took.add(String.format(Locale.ROOT, "%.0f/%.0fs", stopped, total));
      c.log(
          String.format(
              Locale.ROOT,
              "node-%d back: ready, 3 members Up, %.1f s after SIGTERM",
              i + 1,
              total));
      c.check(
          exit.getAsInt() == 0 || exit.getAsInt() == 143,
          "node-" + (i + 1) + " exited with " + exit.getAsInt() + " on SIGTERM");
    }
    c.figure("restarts(stop/total)", String.join(",", took));
  }

  @Override
  void verify(Context c) {
    int worst = 0;
    for (ClusterAdapter adapter : c.adapters) {
      for (int i = 0; i < restarts.size(); i++) {
        long from = restarts.get(i);
        long to = i + 1 < restarts.size() ? restarts.get(i + 1) : Long.MAX_VALUE;
        int n = adapter.reconnectsBetween(from, to);
        worst = Math.max(worst, n);
        c.check(
            n <= 1,
            adapter.name()
                + " reconnected "
                + n
                + " times during the restart of"
                + " node-"
                + (i + 1));
      }
    }
    c.figure("max-reconnects-per-restart", worst);
  }
}
