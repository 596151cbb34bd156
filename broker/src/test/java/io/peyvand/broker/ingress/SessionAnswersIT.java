package io.peyvand.broker.ingress;

import static io.peyvand.broker.ingress.RawSession.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.broker.TestBroker;
import io.peyvand.broker.mailbox.UserMailbox;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import io.peyvand.protocol.v1.ClientFrame;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.Ping;
import io.peyvand.protocol.v1.ServerFrame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion.CurrentShardRegionState;
import org.apache.pekko.cluster.sharding.ShardRegion.ShardState;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.remote.RemoteActorRefProvider;
import org.apache.pekko.remote.transport.ThrottlerTransportAdapter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A session's answers leave as they are ready, not in the order of its frames (FAULTS.md, finding
 * 4). Two broker nodes in this JVM form a cluster; an adapter's session is on node 1. Node 2 is cut
 * off (Artery's test-mode blackhole, both ways), so a submission to a mailbox that node 2 hosts
 * waits for the ask timeout. A Ping and the submissions to node 1's mailboxes sent after it must be
 * answered at once, not held behind it; the cut-off submissions are answered too, later, each
 * exactly once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionAnswersIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();
  private static final String CLUSTER_CONFIG =
      TestBroker.BALE_AND_EITAA
          + """
      pekko.remote.artery.advanced.test-mode = on
      """;
  private static final int RECIPIENTS = 24;
  private static final Duration WAIT = Duration.ofSeconds(30);

  @RegisterExtension
  final TestBroker.TwoNodes cluster = TestBroker.twoNodesPerClass(cassandra, CLUSTER_CONFIG);

  @Test
  void aSubmissionToAnUnreachableMailboxDoesNotHoldUpTheAnswersAfterIt() throws Exception {
    try (RawSession eitaa = RawSession.hello(cluster.node1(), "eitaa")) {
      // Every recipient's mailbox is started, on one node or the other, until node 2 hosts some.
      long correlation = 0;
      Set<String> onNode2 = Set.of();
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (onNode2.isEmpty() && System.nanoTime() < deadline) {
        for (int r = 0; r < RECIPIENTS; r++) {
          long c = ++correlation;
          eitaa.submit(c, text("warm-" + c, "eitaa:sender", "bale:u" + r, "warm up"));
          ServerFrame answer =
              eitaa.expect(
                  f -> f.hasSubmitResult() && f.getSubmitResult().getCorrelationId() == c, WAIT);
          assertTrue(answer.getSubmitResult().hasAccepted(), "warm-up accepted: " + answer);
        }
        onNode2 = mailboxes(cluster.node2());
      }
      assertFalse(onNode2.isEmpty(), "node 2 hosts some of the mailboxes");
      List<String> fast = new ArrayList<>();
      List<String> slow = new ArrayList<>();
      for (int r = 0; r < RECIPIENTS; r++) {
        (onNode2.contains("bale:u" + r) ? slow : fast).add("bale:u" + r);
      }
      assertFalse(fast.isEmpty(), "node 1 hosts some of the mailboxes: " + onNode2);

      blackhole(true);
      try {
        // The slow ones first, then a Ping, then the fast ones: in frame order every answer
        // would wait for the slow ones' ask timeout.
        Map<Long, String> sent = new HashMap<>();
        for (String to : slow) {
          long c = ++correlation;
          sent.put(c, to);
          eitaa.submit(c, text("slow-" + c, "eitaa:sender", to, "to a node cut off"));
        }
        long sentAt = System.nanoTime();
        eitaa.send(ClientFrame.newBuilder().setPing(Ping.newBuilder().setNonce(42)).build());
        Set<Long> fastCorrelations = new HashSet<>();
        for (String to : fast) {
          long c = ++correlation;
          sent.put(c, to);
          fastCorrelations.add(c);
          eitaa.submit(c, text("fast-" + c, "eitaa:sender", to, "to node 1"));
        }

        boolean pong = false;
        Set<Long> answered = new HashSet<>();
        Map<Long, ServerFrame> answers = new HashMap<>();
        while (!(pong && answered.containsAll(fastCorrelations))) {
          ServerFrame frame = eitaa.poll(Duration.ofSeconds(3));
          assertTrue(
              frame != null,
              "Pong and node 1's answers within 3 s of each other; pong="
                  + pong
                  + ", answered "
                  + answered
                  + " of fast "
                  + fastCorrelations);
          if (frame.hasPong()) {
            assertEquals(42, frame.getPong().getNonce());
            pong = true;
          } else if (frame.hasSubmitResult()) {
            long c = frame.getSubmitResult().getCorrelationId();
            assertTrue(answered.add(c), "answered once: " + c);
            answers.put(c, frame);
          }
        }
        double tookSeconds = (System.nanoTime() - sentAt) / 1e9;
        assertTrue(
            tookSeconds < 4.0,
            "the Pong and node 1's answers came after "
                + tookSeconds
                + " s, behind the submissions to node 2 (ask timeout 5 s)");
        for (long c : fastCorrelations) {
          assertTrue(
              answers.get(c).getSubmitResult().hasAccepted(),
              "accepted on node 1: " + answers.get(c));
        }
        Set<Long> slowPending = new HashSet<>(sent.keySet());
        slowPending.removeAll(answered);
        assertFalse(
            slowPending.isEmpty(),
            "some submissions to node 2 were still unanswered when the Pong came");

        // The cut-off ones are answered too, each once (UNAVAILABLE after the ask timeout, or
        // accepted if node 2 answered after all).
        while (!answered.containsAll(sent.keySet())) {
          ServerFrame frame = eitaa.expect(ServerFrame::hasSubmitResult, WAIT);
          long c = frame.getSubmitResult().getCorrelationId();
          assertTrue(answered.add(c), "answered once: " + c);
          assertTrue(
              frame.getSubmitResult().hasAccepted()
                  || frame.getSubmitResult().getRefused().getCode() == ErrorCode.UNAVAILABLE,
              "accepted or UNAVAILABLE: " + frame);
        }
      } finally {
        blackhole(false);
      }
    }
  }

  /** Cuts node 1 and node 2 apart (both ways), or joins them again. */
  private void blackhole(boolean on) {
    Address node2Address = Cluster.get(cluster.node2().system()).selfMember().address();
    ThrottlerTransportAdapter.ThrottleMode mode =
        on
            ? ThrottlerTransportAdapter.blackholeThrottleMode()
            : ThrottlerTransportAdapter.unthrottledThrottleMode();
    ExtendedActorSystem classic = (ExtendedActorSystem) Adapter.toClassic(cluster.node1().system());
    ((RemoteActorRefProvider) classic.provider())
        .transport()
        .managementCommand(
            new ThrottlerTransportAdapter.SetThrottle(
                node2Address, ThrottlerTransportAdapter.bothDirection(), mode));
  }

  /** The users whose mailboxes {@code node} hosts. */
  private static Set<String> mailboxes(TestBroker node) throws Exception {
    CurrentShardRegionState state =
        AskPattern.<ClusterShardingQuery, CurrentShardRegionState>ask(
                ClusterSharding.get(node.system()).shardState(),
                replyTo -> new GetShardRegionState(UserMailbox.ENTITY_KEY, replyTo),
                Duration.ofSeconds(10),
                node.system().scheduler())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    Set<String> users = new HashSet<>();
    for (ShardState shard : state.getShards()) {
      users.addAll(shard.getEntityIds());
    }
    return users;
  }
}
