package io.peyvand.protocol.sdk;

import static io.peyvand.protocol.sdk.Waits.await;
import static io.peyvand.protocol.sdk.Waits.connected;
import static io.peyvand.protocol.sdk.Waits.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.peyvand.protocol.sdk.SubmitOutcome.Accepted;
import io.peyvand.protocol.v1.Delivery;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.GroupAddress;
import io.peyvand.protocol.v1.GroupInfo;
import io.peyvand.protocol.v1.UserAddress;
import io.peyvand.protocol.v1.Welcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.grpc.GrpcServiceException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The client given several broker nodes: each node is a real pekko-grpc server on loopback ({@link
 * ScriptedBroker}) in an actor system of its own, so that terminating that system takes the node
 * away as a crash would, connections included. The client runs on a separate system.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PeyvandClientFailoverTest {
  private static final UserAddress BOB = UserAddresses.parse("bale:bob");
  private static final UserAddress ALICE = UserAddresses.parse("eitaa:alice");
  private static final Config NODE_CONFIG =
      ConfigFactory.parseString(
              "pekko.http.server.preview.enable-http2 = on\npekko.loglevel = WARNING")
          .withFallback(ConfigFactory.load());

  /** A broker node: a scripted broker in its own actor system. */
  private record Node(ActorSystem system, ScriptedBroker broker) {
    BrokerEndpoint endpoint() {
      return new BrokerEndpoint("127.0.0.1", broker.port());
    }

    /** Takes the node away: its server and every connection to it end. */
    void kill() throws Exception {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** Records where sessions were opened and lost. */
  private static final class Connections implements SessionListener {
    final List<BrokerEndpoint> connectedTo = new CopyOnWriteArrayList<>();
    final List<BrokerEndpoint> lostFrom = new CopyOnWriteArrayList<>();
    final List<BrokerEndpoint> nextTried = new CopyOnWriteArrayList<>();

    @Override
    public void onConnected(Welcome welcome, BrokerEndpoint broker) {
      connectedTo.add(broker);
    }

    @Override
    public void onDisconnected(
        BrokerEndpoint broker, Throwable cause, BrokerEndpoint next, Duration reconnectIn) {
      lostFrom.add(broker);
      nextTried.add(next);
    }
  }

  private ActorSystem clientSystem;
  private final List<Node> nodes = new ArrayList<>();

  @BeforeAll
  void start() {
    clientSystem = ActorSystem.create("failover-client", NODE_CONFIG);
  }

  @AfterAll
  void stop() throws Exception {
    clientSystem.terminate();
    clientSystem.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void killNodes() throws Exception {
    for (Node node : nodes) {
      node.kill();
    }
    nodes.clear();
  }

  private Node node(String name) throws Exception {
    ActorSystem system = ActorSystem.create("failover-" + name, NODE_CONFIG);
    Node node = new Node(system, ScriptedBroker.start(system));
    nodes.add(node);
    return node;
  }

  /** A loopback address nothing listens on (a port just freed). */
  private static BrokerEndpoint deadEndpoint() throws Exception {
    return new BrokerEndpoint("127.0.0.1", ScriptedBroker.closedPort());
  }

  private PeyvandClientBuilder client(
      List<BrokerEndpoint> brokers, SessionListener listener, DeliveryHandler handler) {
    return PeyvandClient.builder()
        .actorSystem(clientSystem)
        .brokers(brokers)
        .platformId("bale")
        .sessionName("failover-test")
        .deliveryHandler(handler)
        .sessionListener(listener)
        .failoverAfterOpen(Duration.ZERO)
        .reconnectBackoff(new Backoff(Duration.ofMillis(20), Duration.ofMillis(200), 0))
        .submitRetry(
            new RetryPolicy(5, new Backoff(Duration.ofMillis(10), Duration.ofMillis(50), 0)));
  }

  private static Envelope envelope(String messageId) {
    return ScriptedBroker.salam(messageId, BOB, ALICE);
  }

  @Test
  void whenItsNodeGoesAwayTheSessionMovesAtOnceAndTheUnansweredSubmitIsAnsweredByTheNextNode()
      throws Exception {
    Node a = node("a");
    Node b = node("b");
    a.broker().onSubmit = submit -> ScriptedBroker.NO_ANSWER;
    b.broker().onSubmit = submit -> ScriptedBroker.accepted(submit, 9);
    Connections connections = new Connections();
    List<Delivery> handled = new CopyOnWriteArrayList<>();
    // A reconnect backoff of 30 s: the move within 10 s is the immediate attempt on the next node.
    try (PeyvandClient client =
        connected(
            client(
                    List.of(a.endpoint(), b.endpoint()),
                    connections,
                    DeliveryHandler.of(handled::add))
                .reconnectBackoff(
                    new Backoff(Duration.ofSeconds(30), Duration.ofSeconds(30), 0)))) {
      assertEquals(List.of(a.endpoint()), connections.connectedTo);
      assertEquals(a.endpoint(), client.currentBroker().orElseThrow());

      CompletionStage<SubmitOutcome> outcome = client.submit(envelope("m-switch"));
      eventually("node a received the submit", () -> a.broker().submits.size() == 1);
      a.kill();

      assertEquals(new Accepted("m-switch", 9, 1, false), await(outcome), "answered by node b");
      assertEquals(List.of(a.endpoint(), b.endpoint()), connections.connectedTo);
      assertEquals(List.of(a.endpoint()), connections.lostFrom);
      assertEquals(List.of(b.endpoint()), connections.nextTried);
      assertEquals(1, b.broker().submits.size());
      assertEquals(
          a.broker().submits.get(0).getEnvelope(),
          b.broker().submits.get(0).getEnvelope(),
          "resubmitted with the same message id and content");
      assertEquals(b.endpoint(), client.currentBroker().orElseThrow());
      assertEquals(1, client.reconnects());

      // Deliveries and acknowledgements follow the session to node b.
      b.broker().push(ScriptedBroker.message(BOB, 1, false, "after the switch"));
      eventually("acknowledged to node b", () -> b.broker().acksOf(BOB).equals(List.of(1L)));
      assertEquals(1, handled.size());
    }
  }

  @Test
  void eachNewSessionGoesToTheNextNodeRoundRobin() throws Exception {
    Node a = node("a");
    Node b = node("b");
    Node c = node("c");
    Connections connections = new Connections();
    try (PeyvandClient client =
        connected(
            client(
                List.of(a.endpoint(), b.endpoint(), c.endpoint()),
                connections,
                delivery -> null))) {
      for (Node on : List.of(a, b, c)) {
        int sessions = connections.connectedTo.size();
        on.broker().dropSession();
        eventually(
            "a session after the drop on " + on.endpoint(),
            () -> connections.connectedTo.size() == sessions + 1);
      }
      assertEquals(
          List.of(a.endpoint(), b.endpoint(), c.endpoint(), a.endpoint()), connections.connectedTo);
      assertEquals(
          List.of(1, 1, 1),
          List.of(a.broker().hellos.size() - 1, b.broker().hellos.size(), c.broker().hellos.size()),
          "one Hello per session");
      assertEquals(3, client.reconnects());
    }
  }

  @Test
  void anUnreachableFirstNodeIsSkipped() throws Exception {
    BrokerEndpoint dead = deadEndpoint();
    Node b = node("b");
    Connections connections = new Connections();
    try (PeyvandClient client =
        connected(client(List.of(dead, b.endpoint()), connections, delivery -> null))) {
      assertEquals(List.of(b.endpoint()), connections.connectedTo);
      assertEquals(dead, connections.lostFrom.get(0), "the attempt on the dead node failed");
      assertEquals(b.endpoint(), connections.nextTried.get(0));
      assertEquals(0, client.reconnects(), "the first session is not a reconnection");
      assertInstanceOf(Accepted.class, await(client.submit(envelope("m-on-b"))));
      assertEquals(1, b.broker().submits.size());
    }
  }

  @Test
  void startAtSpreadsClientsOverTheNodes() throws Exception {
    Node a = node("a");
    Node b = node("b");
    Node c = node("c");
    List<BrokerEndpoint> all = List.of(a.endpoint(), b.endpoint(), c.endpoint());
    List<BrokerEndpoint> firstNodes = new ArrayList<>();
    for (int instance = 0; instance < 4; instance++) {
      Connections connections = new Connections();
      try (PeyvandClient client =
          connected(client(all, connections, delivery -> null).startAt(instance))) {
        firstNodes.add(connections.connectedTo.get(0));
        assertEquals(all.get(instance % 3), client.settings().broker());
      }
    }
    assertEquals(List.of(a.endpoint(), b.endpoint(), c.endpoint(), a.endpoint()), firstNodes);
  }

  @Test
  void groupCallsGoToTheSessionsNodeAndAnUnavailableOneIsRetriedOnTheNext() throws Exception {
    Node a = node("a");
    Node b = node("b");
    GroupAddress group = GroupAddress.newBuilder().setPlatformId("bale").setGroupId("g1").build();
    b.broker().onGroupCall =
        request ->
            CompletableFuture.completedFuture(
                GroupInfo.newBuilder().setGroup(group).setTitle("answered by b").build());
    try (PeyvandClient client =
        connected(
            client(List.of(a.endpoint(), b.endpoint()), new Connections(), delivery -> null))) {
      assertEquals("scripted", await(client.getGroup(group)).getTitle());
      assertEquals(1, a.broker().groupCalls.size(), "the session's node");
      assertEquals(0, b.broker().groupCalls.size());

      a.broker().onGroupCall =
          request ->
              CompletableFuture.failedFuture(
                  new GrpcServiceException(io.grpc.Status.UNAVAILABLE.withDescription("draining")));
      assertEquals("answered by b", await(client.getGroup(group)).getTitle());
      assertEquals(2, a.broker().groupCalls.size());
      assertEquals(1, b.broker().groupCalls.size());

      // A refusal is an answer: not sent to another node.
      a.broker().onGroupCall =
          request -> ScriptedBroker.groupRefusal(ErrorCode.NOT_PERMITTED, "not a member");
      ExecutionException refused =
          assertThrows(ExecutionException.class, () -> await(client.getGroup(group)));
      assertEquals(
          ErrorCode.NOT_PERMITTED,
          assertInstanceOf(CallRefusedException.class, refused.getCause()).code());
      assertEquals(3, a.broker().groupCalls.size());
      assertEquals(1, b.broker().groupCalls.size());
      assertEquals(
          a.endpoint(),
          client.currentBroker().orElseThrow(),
          "group calls do not move the session");
    }
  }

  @Test
  void aGroupCallWithoutSessionSkipsAnUnreachableNode() throws Exception {
    BrokerEndpoint dead = deadEndpoint();
    Node b = node("b");
    GroupAddress group = GroupAddress.newBuilder().setPlatformId("bale").setGroupId("g2").build();
    try (PeyvandClient client =
        client(List.of(dead, b.endpoint()), new Connections(), delivery -> null).build()) {
      assertEquals(group, await(client.getGroup(group)).getGroup());
      assertEquals(1, b.broker().groupCalls.size());
    }
  }

  @Test
  void withOneNodeALostSessionWaitsTheBackoffAndComesBackToIt() throws Exception {
    Node a = node("a");
    Connections connections = new Connections();
    try (PeyvandClient client =
        connected(client(List.of(a.endpoint()), connections, delivery -> null))) {
      a.broker().dropSession();
      eventually("the second session", () -> connections.connectedTo.size() == 2);
      assertEquals(List.of(a.endpoint(), a.endpoint()), connections.connectedTo);
      assertEquals(List.of(a.endpoint()), connections.nextTried);
      assertEquals(1, client.reconnects());
      assertTrue(client.isConnected());
    }
  }
}
