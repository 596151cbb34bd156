package io.peyvand.broker.ingress;

import static io.peyvand.broker.ingress.RawSession.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.broker.TestBroker;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import io.peyvand.protocol.sdk.BrokerEndpoint;
import io.peyvand.protocol.sdk.DeliveryHandler;
import io.peyvand.protocol.sdk.PeyvandClient;
import io.peyvand.protocol.sdk.SubmitOutcome;
import io.peyvand.protocol.v1.Delivery;
import io.peyvand.protocol.v1.MessageStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two broker nodes in this JVM form a cluster on one Cassandra keyspace; two platforms connect with
 * the SDK given both nodes: eitaa starts on node 1, bale on node 2. While messages flow both ways,
 * node 2 is terminated (coordinated shutdown: it leaves the cluster, its shards move to node 1,
 * its gRPC connections close). Bale's session moves to node 1 with one reconnection; its submits
 * left unanswered are resent there with the same message id. Every message arrives exactly once
 * (a repeat only ever flagged as a redelivery), each conversation in order, and every sender gets
 * its DELIVERED statuses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterFailoverIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();
  private static final String CLUSTER = "ClusterFailoverIT";
  private static final String CLUSTER_CONFIG = TestBroker.BALE_AND_EITAA + """
      pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
      pekko.cluster.sharding.number-of-shards = 20
      """;
  private static final int CONVERSATIONS = 10;
  private static final int PER_CONVERSATION = 30;

  private TestBroker node1;
  private TestBroker node2;

  /** What one adapter saw, in arrival order. */
  private static final class Seen {
    final ConcurrentLinkedQueue<Delivery> deliveries = new ConcurrentLinkedQueue<>();
    final DeliveryHandler handler = DeliveryHandler.of(deliveries::add);
  }

  @BeforeAll
  void start() throws Exception {
    TestBroker[] nodes = TestBroker.twoNodeCluster(CLUSTER, cassandra, CLUSTER_CONFIG);
    node1 = nodes[0];
    node2 = nodes[1];
  }

  @AfterAll
  void stop() {
    node2.close(); // idempotent: the test terminated it already
    node1.close();
  }

  private static BrokerEndpoint endpoint(TestBroker node) {
    return new BrokerEndpoint("127.0.0.1", node.grpcPort());
  }

  private PeyvandClient adapter(String platform, Seen seen, TestBroker first, TestBroker second)
      throws Exception {
    PeyvandClient client = PeyvandClient.builder()
        .brokers(List.of(endpoint(first), endpoint(second)))
        .platformId(platform)
        .sessionName(platform + "-failover-test")
        .deduplicate(false) // the test wants to see every delivery, duplicates included
        .deliveryHandler(seen.handler)
        .build();
    client.connect().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return client;
  }

  /** Sends one conversation's messages one after another; completes when all are accepted. */
  private static CompletableFuture<Void> conversation(PeyvandClient client, String from, String to,
      String tag, AtomicInteger accepted) {
    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    for (int i = 0; i < PER_CONVERSATION; i++) {
      String id = tag + "-" + i;
      String body = tag + " " + i;
      chain = chain.thenCompose(ignored -> client.submit(text(id, from, to, body))
          .thenAccept(outcome -> {
            if (!(outcome instanceof SubmitOutcome.Accepted)) {
              throw new AssertionError(id + " not accepted: " + outcome);
            }
            accepted.incrementAndGet();
          }).toCompletableFuture());
    }
    return chain;
  }

  @Test
  void whenTheNodeOfASessionGoesAwayTheAdapterMovesOnceAndNothingIsLostOrDoubled()
      throws Exception {
    Seen atBale = new Seen();
    Seen atEitaa = new Seen();
    try (PeyvandClient eitaa = adapter("eitaa", atEitaa, node1, node2);
        PeyvandClient bale = adapter("bale", atBale, node2, node1)) {
      assertEquals(endpoint(node1), eitaa.currentBroker().orElseThrow());
      assertEquals(endpoint(node2), bale.currentBroker().orElseThrow());

      AtomicInteger accepted = new AtomicInteger();
      List<CompletableFuture<Void>> sending = new ArrayList<>();
      for (int c = 0; c < CONVERSATIONS; c++) {
        sending.add(conversation(eitaa, "eitaa:e" + c, "bale:b" + c, "e2b" + c, accepted));
        sending.add(conversation(bale, "bale:b" + c, "eitaa:e" + c, "b2e" + c, accepted));
      }
      int total = 2 * CONVERSATIONS * PER_CONVERSATION;
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (accepted.get() < total / 3 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      int acceptedBefore = accepted.get();
      node2.close();
      System.out.printf("ClusterFailoverIT: node 2 terminated after %d of %d messages were"
          + " accepted%n", acceptedBefore, total);
      assertTrue(acceptedBefore < total, "node 2 went away while messages were still flowing");

      CompletableFuture.allOf(sending.toArray(CompletableFuture[]::new)).get(180, TimeUnit.SECONDS);
      int expected = CONVERSATIONS * PER_CONVERSATION;
      deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (System.nanoTime() < deadline && !(complete(atBale, expected)
          && complete(atEitaa, expected))) {
        Thread.sleep(200);
      }
      check(atBale, "e2b", expected);
      check(atEitaa, "b2e", expected);

      assertEquals(endpoint(node1), bale.currentBroker().orElseThrow(), "bale moved to node 1");
      assertEquals(1, bale.reconnects(), "one reconnection for the node it lost");
      assertEquals(0, eitaa.reconnects(), "eitaa's node stayed");
    }
  }

  /** Every message and every DELIVERED status of the other side's messages has arrived. */
  private static boolean complete(Seen seen, int expected) {
    Set<String> messages = new HashSet<>();
    Set<String> statuses = new HashSet<>();
    for (Delivery d : seen.deliveries) {
      if (d.hasMessage()) {
        messages.add(d.getMessage().getMessageId());
      } else if (d.getStatus().getKind() == MessageStatus.Kind.DELIVERED) {
        statuses.add(d.getStatus().getMessageId());
      }
    }
    return messages.size() == expected && statuses.size() == expected;
  }

  private static void check(Seen seen, String incomingTag, int expected) {
    Map<String, Long> highest = new HashMap<>();
    Map<String, Integer> nextInConversation = new HashMap<>();
    Set<String> messages = new HashSet<>();
    Set<String> delivered = new HashSet<>();
    int flaggedRepeats = 0;
    for (Delivery d : seen.deliveries) {
      String mailbox = d.getMailbox().getPlatformId() + ":" + d.getMailbox().getUserId();
      long seenUpTo = highest.getOrDefault(mailbox, 0L);
      if (d.getSequence() <= seenUpTo) {
        assertTrue(d.getRedelivery(), "a repeated delivery without the redelivery flag: " + d);
        flaggedRepeats++;
        continue;
      }
      assertEquals(seenUpTo + 1, d.getSequence(), "mailbox " + mailbox + " skipped a sequence");
      highest.put(mailbox, d.getSequence());
      if (d.hasMessage()) {
        String id = d.getMessage().getMessageId();
        assertTrue(id.startsWith(incomingTag), id);
        String conversation = id.substring(0, id.indexOf('-'));
        int index = Integer.parseInt(id.substring(id.indexOf('-') + 1));
        assertEquals(nextInConversation.getOrDefault(conversation, 0), index,
            "conversation " + conversation + " out of order");
        nextInConversation.put(conversation, index + 1);
        assertTrue(messages.add(id), "message stored twice (a second sequence): " + id);
      } else {
        assertEquals(MessageStatus.Kind.DELIVERED, d.getStatus().getKind());
        delivered.add(d.getStatus().getMessageId());
      }
    }
    assertEquals(expected, messages.size(), "messages received");
    assertEquals(expected, delivered.size(), "DELIVERED statuses received");
    System.out.printf("ClusterFailoverIT %s: %d messages, %d statuses, %d flagged"
        + " redeliveries%n", incomingTag, messages.size(), delivered.size(), flaggedRepeats);
  }
}
