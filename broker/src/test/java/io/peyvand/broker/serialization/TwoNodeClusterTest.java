package io.peyvand.broker.serialization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.peyvand.broker.TestConfig;
import io.peyvand.broker.delivery.Deliver;
import io.peyvand.broker.delivery.SessionDirectory;
import io.peyvand.broker.mailbox.NoPendingIndex;
import io.peyvand.broker.mailbox.UserMailbox;
import io.peyvand.broker.model.Address;
import io.peyvand.broker.model.Content;
import io.peyvand.broker.model.MailboxItem;
import io.peyvand.broker.model.Message;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two broker nodes (two ActorSystems in this JVM, on loopback over Artery TCP, free ports) form a
 * cluster. Mailboxes are sharded across both; the only session of platform bale is on node B. Node
 * A asks mailboxes on either node: commands to mailboxes on B and their replies cross, and the
 * mailboxes on A push to the session on B (Deliver) across the Receptionist. Nothing here is
 * serialized unless it really crosses. In-memory journal per node: this tests messages.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoNodeClusterTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int USERS = 12;

  private ActorTestKit nodeA;
  private ActorTestKit nodeB;

  private static Config config() {
    return TestConfig.inMemory(
        """
            pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
            pekko.cluster.sharding.number-of-shards = 20
            # Serialize nothing that stays on its node: what is checked is what crosses.
            pekko.actor.serialize-messages = off
            """);
  }

  @BeforeAll
  void start() {
    // Nodes of one cluster share the system's name.
    nodeA = ActorTestKit.create("TwoNodeClusterTest", config());
    nodeB = ActorTestKit.create("TwoNodeClusterTest", config());
    org.apache.pekko.actor.Address seed = Cluster.get(nodeA.system()).selfMember().address();
    Cluster.get(nodeA.system()).manager().tell(Join.create(seed));
    Cluster.get(nodeB.system()).manager().tell(Join.create(seed));
    for (ActorTestKit node : new ActorTestKit[] {nodeA, nodeB}) {
      NoPendingIndex.initMailboxes(node.system());
    }
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!(upMembers(nodeA.system()) == 2 && upMembers(nodeB.system()) == 2)
        && System.nanoTime() < deadline) {
      sleep(50);
    }
    assertEquals(2, upMembers(nodeA.system()), "both nodes are up");
    // Up is not enough: until node B's shard region has registered with the coordinator, every
    // shard is allocated to node A (seen once on a loaded machine).
    deadline = System.nanoTime() + WAIT.toNanos();
    while (mailboxRegions(nodeA.system()) < 2 && System.nanoTime() < deadline) {
      sleep(100);
    }
    assertEquals(2, mailboxRegions(nodeA.system()), "both nodes host mailbox shards");
  }

  private static int mailboxRegions(ActorSystem<?> system) {
    try {
      return org.apache.pekko.actor.typed.javadsl.AskPattern
          .<org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery,
              org.apache.pekko.cluster.sharding.ShardRegion.ClusterShardingStats>
              ask(
                  ClusterSharding.get(system).shardState(),
                  replyTo ->
                      new org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats(
                          UserMailbox.ENTITY_KEY, Duration.ofSeconds(3), replyTo),
                  Duration.ofSeconds(5),
                  system.scheduler())
          .toCompletableFuture()
          .get()
          .getRegions()
          .size();
    } catch (Exception notYet) {
      return 0;
    }
  }

  private static int upMembers(ActorSystem<?> system) {
    int up = 0;
    for (org.apache.pekko.cluster.Member m : Cluster.get(system).state().getMembers()) {
      if (m.status() == MemberStatus.up()) {
        up++;
      }
    }
    return up;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @AfterAll
  void stop() {
    if (nodeB != null) {
      nodeB.shutdownTestKit();
    }
    if (nodeA != null) {
      nodeA.shutdownTestKit();
    }
  }

  @Test
  void mailboxesOnEitherNodeAnswerNodeAAndPushToTheSessionOnNodeB() {
    TestProbe<Deliver> session = nodeB.createTestProbe(Deliver.class);
    nodeB
        .system()
        .receptionist()
        .tell(Receptionist.register(SessionDirectory.keyFor("bale"), session.ref()));
    // As a real session does on its node; a node's mailboxes find sessions through its directory.
    SessionDirectory.get(nodeB.system()).watch("bale");
    SessionDirectory directoryOnA = SessionDirectory.get(nodeA.system());
    directoryOnA.watch("bale");
    long deadline = System.nanoTime() + WAIT.toNanos();
    while ((directoryOnA.sessionCount("bale") < 1
            || SessionDirectory.get(nodeB.system()).sessionCount("bale") < 1)
        && System.nanoTime() < deadline) {
      sleep(20);
    }
    assertEquals(1, directoryOnA.sessionCount("bale"), "node A sees the session on node B");

    ClusterSharding shardingA = ClusterSharding.get(nodeA.system());
    Address alice = new Address("eitaa", "alice");
    Map<Address, Long> sequences = new HashMap<>();
    for (int i = 0; i < USERS; i++) {
      Address bob = new Address("bale", "bob-" + i);
      Message message = new Message("m-" + i, alice, bob, 1L, "", new Content.Text("salam " + i));
      TestProbe<UserMailbox.AcceptReply> reply = nodeA.createTestProbe();
      shardingA
          .entityRefFor(UserMailbox.ENTITY_KEY, bob.toString())
          .tell(
              new UserMailbox.Accept(
                  message, new UserMailbox.RecipientPolicy(true, 0), reply.ref()));
      sequences.put(
          bob, assertInstanceOf(UserMailbox.Accepted.class, reply.receiveMessage(WAIT)).sequence());
    }

    // Which node each mailbox lives on: the node of the reply-to it pushes with.
    Set<org.apache.pekko.actor.Address> pushedFrom = new HashSet<>();
    Set<Address> delivered = new HashSet<>();
    while (delivered.size() < USERS) {
      Deliver d = session.receiveMessage(WAIT);
      Message m = assertInstanceOf(MailboxItem.Incoming.class, d.item()).message();
      assertEquals(sequences.get(d.stream().address()), d.sequence());
      assertEquals(d.stream().address(), m.recipient());
      delivered.add(m.recipient());
      pushedFrom.add(d.busyReplyTo().path().address());
    }
    assertEquals(
        2, pushedFrom.size(), "mailboxes on both nodes pushed to the session on B: " + pushedFrom);
    assertTrue(
        pushedFrom.contains(Cluster.get(nodeA.system()).selfMember().address()),
        "a mailbox on node A pushed across to node B");

    // Acknowledgements from node A: replies from mailboxes on node B cross back.
    for (Map.Entry<Address, Long> e : sequences.entrySet()) {
      TestProbe<UserMailbox.Outcome> outcome = nodeA.createTestProbe();
      shardingA
          .entityRefFor(UserMailbox.ENTITY_KEY, e.getKey().toString())
          .tell(new UserMailbox.Acknowledge("bale", e.getValue(), outcome.ref()));
      assertEquals(new UserMailbox.Done(e.getValue()), outcome.receiveMessage(WAIT));
    }
  }
}
