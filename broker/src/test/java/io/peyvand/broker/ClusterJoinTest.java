package io.peyvand.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.peyvand.persistence.testkit.Ports;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.Test;

/**
 * peyvand.cluster.join = bootstrap: two nodes (two actor systems in this JVM, on loopback) find
 * each other through Pekko Discovery's config method, probe each other's Pekko Management endpoint
 * and form one cluster without any seed node; a node configured with seed nodes as well is refused.
 * The settings side: self-join = on still means join = self, production refuses self.
 */
class ClusterJoinTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static Config node(int management, int... contactPoints) {
    StringBuilder endpoints = new StringBuilder();
    for (int port : contactPoints) {
      endpoints.append("{ host = \"127.0.0.1\", port = ").append(port).append(" }\n");
    }
    return ConfigFactory.parseString(
            """
        peyvand.environment = dev
        peyvand.cluster.join = bootstrap
        pekko.remote.artery.canonical.port = 0
        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
        pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
        pekko.management.http.hostname = "127.0.0.1"
        pekko.management.http.port = %d
        pekko.management.cluster.bootstrap.contact-point-discovery {
          service-name = "peyvand"
          discovery-method = config
          required-contact-point-nr = 2
          stable-margin = 1 second
        }
        # Several nodes on one host: keep contact points whose port differs from this node's.
        pekko.management.cluster.bootstrap.contact-point.filter-on-fallback-port = false
        pekko.discovery.config.services.peyvand.endpoints = [
        %s]
        """
                .formatted(management, endpoints))
        .withFallback(ConfigFactory.load());
  }

  @Test
  void twoNodesFormOneClusterThroughDiscoveryWithoutSeedNodes() throws Exception {
    int a = Ports.free();
    int b = Ports.free();
    ActorSystem<Void> nodeA =
        ActorSystem.create(Behaviors.empty(), "ClusterJoinTest", node(a, a, b));
    ActorSystem<Void> nodeB =
        ActorSystem.create(Behaviors.empty(), "ClusterJoinTest", node(b, a, b));
    try {
      for (ActorSystem<Void> node : List.of(nodeA, nodeB)) {
        BrokerSettings.Join join = BrokerSettings.fromConfig(node.settings().config()).join();
        assertEquals(BrokerSettings.Join.BOOTSTRAP, join);
        ClusterJoin.start(node, join).toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (System.nanoTime() < deadline && !(up(nodeA) == 2 && up(nodeB) == 2)) {
        Thread.sleep(200);
      }
      assertEquals(2, up(nodeA), Cluster.get(nodeA).state().toString());
      assertEquals(2, up(nodeB), Cluster.get(nodeB).state().toString());
      // The lowest address formed the cluster; the other joined it: one cluster, one leader.
      assertEquals(Cluster.get(nodeA).state().getLeader(), Cluster.get(nodeB).state().getLeader());
    } finally {
      nodeB.terminate();
      nodeA.terminate();
      nodeB.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      nodeA.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void bootstrapWithSeedNodesIsRefused() throws Exception {
    int a = Ports.free();
    ActorSystem<Void> node =
        ActorSystem.create(
            Behaviors.empty(),
            "ClusterJoinTest",
            ConfigFactory.parseString(
                    "pekko.cluster.seed-nodes = [\"pekko://ClusterJoinTest@127.0.0.1:1\"]")
                .withFallback(node(a, a)));
    try {
      ExecutionException e =
          assertThrows(
              ExecutionException.class,
              () ->
                  ClusterJoin.start(node, BrokerSettings.Join.BOOTSTRAP)
                      .toCompletableFuture()
                      .get(10, TimeUnit.SECONDS));
      assertTrue(e.getCause().getMessage().contains("seed-nodes"), e.getCause().getMessage());
    } finally {
      node.terminate();
      node.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void selfJoinOnStillMeansJoinSelfAndProductionRefusesIt() {
    Config dev =
        ConfigFactory.parseString(
                """
        peyvand.environment = dev
        peyvand.cluster.self-join = on
        """)
            .withFallback(ConfigFactory.load());
    assertEquals(BrokerSettings.Join.SELF, BrokerSettings.fromConfig(dev).join());
    Config devSelf =
        ConfigFactory.parseString(
                """
        peyvand.environment = dev
        peyvand.cluster.join = self
        """)
            .withFallback(ConfigFactory.load());
    assertTrue(BrokerSettings.fromConfig(devSelf).selfJoin());
    Config production =
        ConfigFactory.parseString(
                """
        peyvand.environment = production
        peyvand.cluster.join = self
        peyvand.tls { enabled = on, crl-file = "crl.pem" }
        """)
            .withFallback(ConfigFactory.load());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BrokerSettings.fromConfig(production));
    assertTrue(e.getMessage().contains("peyvand.cluster.join"), e.getMessage());
    Config typo =
        ConfigFactory.parseString("peyvand.cluster.join = seeds")
            .withFallback(ConfigFactory.load());
    assertThrows(IllegalArgumentException.class, () -> BrokerSettings.fromConfig(typo));
  }

  private static int up(ActorSystem<?> system) {
    int up = 0;
    for (Member member : Cluster.get(system).state().getMembers()) {
      if (member.status().equals(MemberStatus.up())) {
        up++;
      }
    }
    return up;
  }
}
