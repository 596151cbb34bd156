package io.peyvand.loadtests.bench.fanout;

import io.peyvand.loadtests.bench.harness.CommonOptions;
import io.peyvand.loadtests.bench.ledger.FanoutLedger;
import io.peyvand.protocol.sdk.BrokerEndpoint;
import io.peyvand.protocol.v1.GroupAddress;
import io.peyvand.protocol.v1.GroupDelivery;
import io.peyvand.protocol.v1.GroupInfo;
import io.peyvand.protocol.v1.GroupsClient;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.ActorSystem;

/**
 * The {@code fanout} benchmark's platforms: one {@link GroupSession} per platform, open for the
 * whole run, and the routing of their deliveries to the ledger of the group they belong to (each
 * group, and each channel, of the run has its own {@link FanoutLedger}). Deliveries of a group with
 * no ledger (an earlier run's, or one being set up) are acknowledged and otherwise ignored. Given
 * several broker nodes, platform i's session (and its unary calls) goes to node i mod n, so that
 * posts and their deliveries cross nodes; these raw sessions do not fail over.
 */
public final class FanoutSessions implements AutoCloseable {
  private final Map<String, GroupSession> sessions = new LinkedHashMap<>();
  private final Map<GroupAddress, FanoutLedger> ledgers = new ConcurrentHashMap<>();
  private final PrintStream log;

  FanoutSessions(
      List<String> platforms,
      CommonOptions common,
      ActorSystem system,
      int buffer,
      Duration ackInterval,
      PrintStream log) {
    this.log = log;
    List<BrokerEndpoint> nodes = common.endpoints();
    for (int i = 0; i < platforms.size(); i++) {
      sessions.put(
          platforms.get(i),
          new GroupSession(
              platforms.get(i),
              nodes.get(i % nodes.size()),
              common,
              system,
              buffer,
              ackInterval,
              this::route,
              log));
    }
  }

  private void route(String platform, GroupDelivery delivery) {
    FanoutLedger ledger = ledgers.get(delivery.getGroup());
    if (ledger != null) {
      ledger.delivered(platform, delivery, ledger.now());
    }
  }

  /** From now on, the deliveries of {@code group} go to {@code ledger}. */
  void track(GroupAddress group, FanoutLedger ledger) {
    ledgers.put(group, ledger);
  }

  GroupSession of(String platform) {
    return sessions.get(platform);
  }

  /** The Groups service as {@code platform}. */
  GroupsClient groups(String platform) {
    return sessions.get(platform).groups();
  }

  List<GroupSession> all() {
    return List.copyOf(sessions.values());
  }

  /** Opens every session at once and waits for each Welcome. */
  void connect(String sessionName, Duration timeout) throws Exception {
    List<CompletionStage<?>> welcomes =
        sessions.values().stream().<CompletionStage<?>>map(s -> s.connect(sessionName)).toList();
    long deadline = System.nanoTime() + timeout.toNanos();
    for (CompletionStage<?> welcome : welcomes) {
      welcome
          .toCompletableFuture()
          .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
  }

  /** Waits until every session received {@code group}'s items up to {@code sequence}. */
  boolean awaitReceived(GroupAddress group, long sequence, Duration timeout)
      throws InterruptedException {
    return await(
        () -> sessions.values().stream().allMatch(s -> s.receivedUpTo(group) >= sequence), timeout);
  }

  /** A unary call's result, waiting at most a minute; its failure's cause is thrown. */
  static GroupInfo call(CompletionStage<GroupInfo> call) throws Exception {
    try {
      return call.toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  /** Polls {@code condition} every 20 ms until it holds (true) or the timeout passed (false). */
  static boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  @Override
  public void close() {
    sessions.values().forEach(GroupSession::close);
    log.flush();
  }
}
