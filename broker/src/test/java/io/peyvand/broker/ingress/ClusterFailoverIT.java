package io.peyvand.broker.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.broker.TestBroker;
import io.peyvand.broker.ingress.Conversations.Seen;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import io.peyvand.protocol.sdk.BrokerEndpoint;
import io.peyvand.protocol.sdk.PeyvandClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two broker nodes in this JVM form a cluster on one Cassandra keyspace; two platforms connect with
 * the SDK given both nodes: eitaa starts on node 1, bale on node 2. While messages flow both ways,
 * node 2 is terminated (coordinated shutdown: it leaves the cluster, its shards move to node 1, its
 * gRPC connections close). Bale's session moves to node 1 with one reconnection; its submits left
 * unanswered are resent there with the same message id. Every message arrives exactly once (a
 * repeat only ever flagged as a redelivery), each conversation in order, and every sender gets its
 * DELIVERED statuses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterFailoverIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();
  private static final int CONVERSATIONS = 10;
  private static final int PER_CONVERSATION = 30;

  @RegisterExtension
  final TestBroker.TwoNodes cluster =
      TestBroker.twoNodesPerClass(cassandra, TestBroker.BALE_AND_EITAA);

  private static BrokerEndpoint endpoint(TestBroker node) {
    return new BrokerEndpoint("127.0.0.1", node.grpcPort());
  }

  private PeyvandClient adapter(String platform, Seen seen, TestBroker first, TestBroker second)
      throws Exception {
    return Conversations.connected(
        PeyvandClient.builder()
            .brokers(List.of(endpoint(first), endpoint(second)))
            .tls(first.tls().platform(platform))
            .platformId(platform),
        platform + "-failover-test",
        seen.handler);
  }

  @Test
  void whenTheNodeOfASessionGoesAwayTheAdapterMovesOnceAndNothingIsLostOrDoubled()
      throws Exception {
    Seen atBale = new Seen();
    Seen atEitaa = new Seen();
    try (PeyvandClient eitaa = adapter("eitaa", atEitaa, cluster.node1(), cluster.node2());
        PeyvandClient bale = adapter("bale", atBale, cluster.node2(), cluster.node1())) {
      assertEquals(endpoint(cluster.node1()), eitaa.currentBroker().orElseThrow());
      assertEquals(endpoint(cluster.node2()), bale.currentBroker().orElseThrow());

      AtomicInteger accepted = new AtomicInteger();
      List<CompletableFuture<Void>> sending =
          Conversations.bothWays(eitaa, bale, CONVERSATIONS, PER_CONVERSATION, accepted);
      int total = 2 * CONVERSATIONS * PER_CONVERSATION;
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (accepted.get() < total / 3 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      int acceptedBefore = accepted.get();
      cluster.node2().close();
      System.out.printf(
          "ClusterFailoverIT: node 2 terminated after %d of %d messages were" + " accepted%n",
          acceptedBefore, total);
      assertTrue(acceptedBefore < total, "node 2 went away while messages were still flowing");

      CompletableFuture.allOf(sending.toArray(CompletableFuture[]::new)).get(180, TimeUnit.SECONDS);
      int expected = CONVERSATIONS * PER_CONVERSATION;
      Conversations.awaitComplete(atBale, atEitaa, expected, Duration.ofSeconds(120));
      Conversations.check(atBale, "e2b", expected, "ClusterFailoverIT");
      Conversations.check(atEitaa, "b2e", expected, "ClusterFailoverIT");

      // Everything may have arrived before bale's new session is welcomed (a TLS handshake
      // later): wait for the session, not for a race.
      long welcomed = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (bale.currentBroker().isEmpty() && System.nanoTime() < welcomed) {
        Thread.sleep(50);
      }
      assertEquals(
          Optional.of(endpoint(cluster.node1())),
          bale.currentBroker(),
          "bale moved to node 1 (and only there)");
      assertEquals(1, bale.reconnects(), "one reconnection for the node it lost");
      assertEquals(0, eitaa.reconnects(), "eitaa's node stayed");
    }
  }
}
