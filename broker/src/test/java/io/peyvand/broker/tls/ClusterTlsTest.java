package io.peyvand.broker.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.peyvand.broker.TestConfig;
import io.peyvand.broker.TestPki;
import io.peyvand.broker.mailbox.NoPendingIndex;
import io.peyvand.broker.mailbox.UserMailbox;
import io.peyvand.broker.model.Address;
import io.peyvand.broker.model.Content;
import io.peyvand.broker.model.Message;
import io.peyvand.broker.pki.Certificates;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/**
 * Artery over mutual TLS ({@code tls-tcp}, {@link ClusterTlsEngineProvider}): two nodes (two
 * ActorSystems in this JVM, on loopback, in-memory journal) with broker certificates of the
 * interconnect's CA form a cluster, and mailboxes sharded on the other node answer across it; a
 * node with a broker certificate of another CA, even one that trusts the interconnect's CA, or with
 * the Cassandra certificate of the same CA (serverAuth, but OU=cassandra), is refused at the TLS
 * handshake, never becomes a member, and the cluster stays as it was.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterTlsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final char[] PASSWORD = "cluster-tls-test".toCharArray();
  private static final int USERS = 12;

  private final ListAppender<ILoggingEvent> refusals = new ListAppender<>();
  private TestPki interconnect;
  private TestPki other;
  private ActorTestKit nodeA;
  private ActorTestKit nodeB;

  /** A node presenting {@code keys}' broker certificate and trusting the interconnect's CA. */
  private ActorTestKit node(TestPki keys) {
    return node(keys.layout().brokerKeyStore());
  }

  /** A node presenting the certificate of {@code keyStore} and trusting the interconnect's CA. */
  private ActorTestKit node(java.nio.file.Path keyStore) {
    return ActorTestKit.create(
        "ClusterTlsTest",
        TestConfig.inMemory(
            """
            pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
            pekko.cluster.sharding.number-of-shards = 10
            pekko.remote.artery.transport = tls-tcp
            peyvand.cluster.tls {
              key-store = "%s"
              key-store-password = "%s"
              trust-store = "%s"
              crl-file = "%s"
            }
            """
                .formatted(
                    keyStore,
                    new String(PASSWORD),
                    interconnect.layout().caCertificate(),
                    interconnect.layout().crl())));
  }

  @BeforeAll
  void start() throws Exception {
    refusals.start();
    ((Logger) LoggerFactory.getLogger(ClusterPeerTrustManager.class)).addAppender(refusals);
    interconnect = TestPki.create("ClusterTlsTest", PASSWORD);
    other = TestPki.create("OtherCA", PASSWORD);
    nodeA = node(interconnect);
    nodeB = node(interconnect);
    org.apache.pekko.actor.Address seed = address(nodeA);
    for (ActorTestKit node : List.of(nodeA, nodeB)) {
      Cluster.get(node.system()).manager().tell(Join.create(seed));
      NoPendingIndex.initMailboxes(node.system());
    }
    await("both nodes see two members Up", () -> up(nodeA) == 2 && up(nodeB) == 2);
    await(
        "both nodes' mailbox regions are registered",
        () -> {
          try {
            return entitiesPerRegion(nodeA).size() == 2;
          } catch (AssertionError notYet) {
            return false;
          }
        });
  }

  @AfterAll
  void stop() {
    ((Logger) LoggerFactory.getLogger(ClusterPeerTrustManager.class)).detachAppender(refusals);
    for (ActorTestKit node : new ActorTestKit[] {nodeB, nodeA}) {
      if (node != null) {
        node.shutdownTestKit();
      }
    }
    for (TestPki pki : new TestPki[] {interconnect, other}) {
      if (pki != null) {
        pki.close();
      }
    }
  }

  @Test
  void nodesWithBrokerCertificatesOfTheCaFormAClusterAndMailboxesOnTheOtherNodeAnswer() {
    assertAllMailboxesAnswer();
    Map<org.apache.pekko.actor.Address, Integer> entities = entitiesPerRegion(nodeA);
    assertTrue(
        entities.getOrDefault(address(nodeB), 0) > 0,
        "mailboxes on node B answered node A across TLS: " + entities);
  }

  @Test
  void aNodeWithACertificateOfAnotherCaIsRefusedAtTheHandshakeAndNeverJoins() {
    assertRefusedAndNeverJoins(node(other), "issued by CN=OtherCA CA");
  }

  @Test
  void aNodeWithTheCassandraCertificateOfTheSameCaIsRefusedAtTheHandshakeAndNeverJoins() {
    // serverAuth and of the interconnect's CA, as a broker's, but OU=cassandra.
    interconnect
        .ca()
        .issueCassandra(new Certificates.Server(List.of("localhost"), List.of("127.0.0.1")), false);
    assertRefusedAndNeverJoins(
        node(interconnect.layout().cassandraKeyStore()), "names no OU=broker");
  }

  /**
   * The stranger asks node A to join: A refuses its certificate at the handshake, logging {@code
   * refusal}, and the cluster stays as it was.
   */
  private void assertRefusedAndNeverJoins(ActorTestKit stranger, String refusal) {
    try {
      org.apache.pekko.actor.Address strangerAddress = address(stranger);
      Cluster.get(stranger.system()).manager().tell(Join.create(address(nodeA)));
      await(
          "node A refuses the stranger's certificate at the handshake",
          () -> refusals.list.stream().anyMatch(e -> e.getFormattedMessage().contains(refusal)));
      // Artery retries the connection, InitJoin is sent again: give it a few rounds.
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (System.nanoTime() < deadline) {
        for (ActorTestKit node : List.of(nodeA, nodeB)) {
          for (Member member : Cluster.get(node.system()).state().getMembers()) {
            assertTrue(
                !member.address().equals(strangerAddress),
                "the stranger became a member: " + member);
          }
        }
        assertTrue(
            !Cluster.get(stranger.system()).state().getMembers().iterator().hasNext(),
            "the stranger sees no cluster");
        LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
      }
    } finally {
      stranger.shutdownTestKit();
    }
    assertEquals(2, up(nodeA), "node A still sees two members Up");
    assertEquals(2, up(nodeB), "node B still sees two members Up");
    assertTrue(
        Cluster.get(nodeA.system()).state().getUnreachable().isEmpty(), "nobody is unreachable");
    assertAllMailboxesAnswer();
  }

  private void assertAllMailboxesAnswer() {
    ClusterSharding sharding = ClusterSharding.get(nodeA.system());
    Address alice = new Address("eitaa", "alice");
    for (int i = 0; i < USERS; i++) {
      Address bob = new Address("bale", "bob-" + i);
      TestProbe<UserMailbox.AcceptReply> reply = nodeA.createTestProbe();
      sharding
          .entityRefFor(UserMailbox.ENTITY_KEY, bob.toString())
          .tell(
              new UserMailbox.Accept(
                  new Message(
                      "m-" + System.nanoTime(), alice, bob, 1L, "", new Content.Text("salam")),
                  new UserMailbox.RecipientPolicy(true, 0),
                  reply.ref()));
      assertInstanceOf(UserMailbox.Accepted.class, reply.receiveMessage(WAIT));
    }
  }

  /** Entities of each node's mailbox region, as node A gathers them from every region. */
  private static Map<org.apache.pekko.actor.Address, Integer> entitiesPerRegion(ActorTestKit node) {
    TestProbe<ShardRegion.ClusterShardingStats> stats = node.createTestProbe();
    ClusterSharding.get(node.system())
        .shardState()
        .tell(
            new GetClusterShardingStats(
                UserMailbox.ENTITY_KEY, Duration.ofSeconds(3), stats.ref()));
    Map<org.apache.pekko.actor.Address, Integer> entities = new java.util.HashMap<>();
    stats
        .receiveMessage(Duration.ofSeconds(5))
        .getRegions()
        .forEach(
            (region, shards) ->
                entities.put(
                    region,
                    shards.getStats().values().stream()
                        .mapToInt(n -> ((Number) n).intValue())
                        .sum()));
    return entities;
  }

  private static org.apache.pekko.actor.Address address(ActorTestKit node) {
    return Cluster.get(node.system()).selfMember().address();
  }

  private static int up(ActorTestKit node) {
    ActorSystem<?> system = node.system();
    int up = 0;
    for (Member member : Cluster.get(system).state().getMembers()) {
      if (member.status() == MemberStatus.up()) {
        up++;
      }
    }
    return up;
  }

  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + WAIT + ": " + what);
      }
      LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
    }
  }
}
