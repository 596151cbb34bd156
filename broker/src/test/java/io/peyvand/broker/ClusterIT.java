package io.peyvand.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.peyvand.broker.delivery.SessionDirectory;
import io.peyvand.broker.ingress.RawSession;
import io.peyvand.broker.platform.Platform;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import io.peyvand.protocol.v1.ServerFrame;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.StreamSupport;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two whole broker nodes in this JVM form a cluster over Artery on loopback and share the real
 * Cassandra: each node's {@code GET /cluster} shows both members Up and reachable, the same leader,
 * and the shards it hosts; a platform registered after start and connected to one node only is
 * watched by the other node before any message needs it, and messages whose mailboxes live on
 * either node reach its session promptly (the sweep that would otherwise find them is set to ten
 * minutes); when a node leaves, the other shows itself alone and hosts every shard.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SHARED =
      TestBroker.BALE_AND_EITAA
          + """
      # Only a prompt watch can deliver within the test: no sweep comes to the rescue.
      peyvand.mailbox.sweep-interval = 10 minutes
      """;

  @RegisterExtension
  final TestBroker.TwoNodes cluster = TestBroker.twoNodesPerClass(cassandra, SHARED);

  private TestBroker nodeA;
  private TestBroker nodeB;

  @BeforeAll
  void start() throws Exception {
    nodeA = cluster.node1();
    nodeB = cluster.node2();
    await("both nodes see two members Up", () -> nodeA.upMembers() == 2 && nodeB.upMembers() == 2);
  }

  @Test
  @Order(1)
  void eachNodeShowsBothMembersUpTheSameLeaderAndTheShardsItHosts() throws Exception {
    String a = nodeA.system().address().toString();
    String b = nodeB.system().address().toString();
    // The bootstrap platforms are registered entities somewhere: the two nodes host both of
    // them between them (figures polled every 5 s). A shard handed over when node B joined stops
    // its entity until the next message: asking each platform (admission is idempotent) starts
    // it where its shard lives now.
    for (List<String> platform : List.of(List.of("bale", "Bale"), List.of("eitaa", "Eitaa"))) {
      Platform.admit(nodeA.system(), platform.get(0), platform.get(1), true, WAIT)
          .toCompletableFuture()
          .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
    await(
        "both platform entities counted",
        () ->
            hostedPlatformEntities(nodeA) >= 0
                && hostedPlatformEntities(nodeB) >= 0
                && hostedPlatformEntities(nodeA) + hostedPlatformEntities(nodeB) == 2);
    JsonNode viewA = cluster(nodeA);
    JsonNode viewB = cluster(nodeB);
    assertEquals(a, viewA.get("self").asText());
    assertEquals(b, viewB.get("self").asText());
    assertEquals("Up", viewA.get("selfStatus").asText());
    for (JsonNode view : List.of(viewA, viewB)) {
      assertEquals(Set.of(a, b), addresses(view), view.toString());
      for (JsonNode member : view.get("members")) {
        assertEquals("Up", member.get("status").asText(), view.toString());
        assertTrue(member.get("reachable").asBoolean(), view.toString());
      }
      assertEquals(2, view.get("upMembers").asInt());
      assertEquals(0, view.get("unreachableMembers").asInt());
    }
    String leader = viewA.get("leader").asText();
    assertTrue(leader.equals(a) || leader.equals(b), leader);
    assertEquals(leader, viewB.get("leader").asText());
    assertTrue(viewA.get("leaderIsSelf").asBoolean() != viewB.get("leaderIsSelf").asBoolean());
    // The figures are each node's own: the shard counts match its shard region.
    int shardsA = regionShards(nodeA, Platform.ENTITY_KEY);
    int shardsB = regionShards(nodeB, Platform.ENTITY_KEY);
    assertTrue(shardsA + shardsB >= 1 && shardsA + shardsB <= 2, shardsA + " + " + shardsB);
    await(
        "node A reports its own platform shards",
        () ->
            clusterQuietly(nodeA).get("sharding").get("platform").get("shards").asInt() == shardsA);
    await(
        "node B reports its own platform shards",
        () ->
            clusterQuietly(nodeB).get("sharding").get("platform").get("shards").asInt() == shardsB);
  }

  @Test
  @Order(2)
  void aPlatformConnectedToOneNodeIsWatchedByTheOtherAndReachedFromMailboxesOnEither()
      throws Exception {
    String platform = "nova";
    Platform.admit(nodeA.system(), platform, "Nova", true, Duration.ofSeconds(10))
        .toCompletableFuture()
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertFalse(
        SessionDirectory.get(nodeB.system()).watchedPlatforms().contains(platform),
        "precondition: node B never used the platform");
    try (RawSession nova = RawSession.hello(nodeA, platform);
        RawSession eitaa = RawSession.hello(nodeB, "eitaa")) {
      // The session registered on node A only: node B watches the platform without having used it.
      await(
          "node B watches " + platform + " and sees its session",
          () -> SessionDirectory.get(nodeB.system()).sessionCount(platform) == 1);
      int users = 16;
      for (int i = 0; i < users; i++) {
        eitaa.submit(i, RawSession.text("m-" + i, "eitaa:ali", platform + ":user-" + i, "salam"));
      }
      Set<String> reached = new TreeSet<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (reached.size() < users && System.nanoTime() < deadline) {
        ServerFrame frame = nova.poll(Duration.ofMillis(200));
        if (frame != null && frame.hasDelivery() && frame.getDelivery().hasMessage()) {
          reached.add(frame.getDelivery().getMailbox().getUserId());
          nova.ack(frame.getDelivery().getMailbox(), frame.getDelivery().getSequence());
        }
      }
      assertEquals(users, reached.size(), "users reached: " + reached);
      // The mailboxes were spread over both nodes (20 shards, 16 users): both routes were used.
      await(
          "mailboxes hosted on both nodes",
          () -> hostedMailboxes(nodeA) > 0 && hostedMailboxes(nodeB) > 0);
    }
  }

  @Test
  @Order(3)
  void afterANodeLeavesTheOtherShowsItselfAloneAndHostsEveryShard() throws Exception {
    String a = nodeA.system().address().toString();
    nodeB.close(); // graceful: leaves the cluster, hands its shards over
    nodeB = null;
    await(
        "node A sees itself alone",
        () -> {
          JsonNode view = clusterQuietly(nodeA);
          return view != null && addresses(view).equals(Set.of(a));
        });
    await(
        "node A hosts the platforms the other node hosted",
        () -> platformEntitiesAfterWake(nodeA) == 3);
  }

  /** Asks for all three platforms (waking their entities here) and counts the hosted ones. */
  private int platformEntitiesAfterWake(TestBroker node) {
    for (String id : List.of("bale", "eitaa", "nova")) {
      ClusterSharding.get(node.system())
          .entityRefFor(Platform.ENTITY_KEY, id)
          .tell(new Platform.Get(node.system().ignoreRef()));
    }
    return hostedPlatformEntities(node);
  }

  private JsonNode cluster(TestBroker node) throws Exception {
    HttpResponse<String> response = node.get("/cluster");
    assertEquals(200, response.statusCode(), response.body());
    assertTrue(response.headers().firstValue("content-type").orElse("").contains("json"));
    return JSON.readTree(response.body());
  }

  private JsonNode clusterQuietly(TestBroker node) {
    try {
      return cluster(node);
    } catch (Exception | AssertionError e) {
      return null;
    }
  }

  private int hostedPlatformEntities(TestBroker node) {
    return hosted(node, "platform");
  }

  private int hostedMailboxes(TestBroker node) {
    return hosted(node, "mailbox");
  }

  private int hosted(TestBroker node, String type) {
    JsonNode view = clusterQuietly(node);
    if (view == null || !view.get("sharding").has(type)) {
      return -1;
    }
    return view.get("sharding").get(type).get("entities").asInt();
  }

  private static int regionShards(
      TestBroker node, org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey<?> key)
      throws Exception {
    return org.apache.pekko.actor.typed.javadsl.AskPattern
        .<ClusterShardingQuery,
            org.apache.pekko.cluster.sharding.ShardRegion.CurrentShardRegionState>
            ask(
                ClusterSharding.get(node.system()).shardState(),
                replyTo ->
                    new org.apache.pekko.cluster.sharding.typed.GetShardRegionState(key, replyTo),
                Duration.ofSeconds(10),
                node.system().scheduler())
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS)
        .getShards()
        .size();
  }

  private static Set<String> addresses(JsonNode view) {
    Set<String> addresses = new HashSet<>();
    StreamSupport.stream(view.get("members").spliterator(), false)
        .forEach(m -> addresses.add(m.get("address").asText()));
    return addresses;
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("not within " + WAIT + ": " + what);
  }
}
