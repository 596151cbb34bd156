package io.peyvand.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.peyvand.persistence.testkit.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.discovery.Discovery;
import org.apache.pekko.discovery.ServiceDiscovery;
import org.apache.pekko.discovery.kubernetes.KubernetesApiServiceDiscovery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * peyvand.cluster.join = bootstrap with Pekko Discovery's kubernetes-api method, as
 * cluster-config/k8s runs it, outside Kubernetes: the node starts Pekko Management and Cluster
 * Bootstrap, and the discovery (pekko-discovery-kubernetes-api 1.1.1, next to Pekko 1.2.1 and
 * pekko-http 1.1.0, which Pekko would refuse at start-up if their versions were mixed) loads the
 * API server's CA and asks for the pods by the configured label selector; without a Kubernetes API
 * server in the environment it says what is missing.
 */
class KubernetesDiscoveryTest {
  @TempDir Path tmp;

  @Test
  void bootstrapStartsWithKubernetesApiDiscoveryAndNamesWhatItMissesOutsideKubernetes()
      throws Exception {
    Path ca = tmp.resolve("ca.crt");
    Files.copy(TestPki.shared().layout().caCertificate(), ca);
    int management = Ports.free();
    Config config =
        ConfigFactory.parseString(
                """
        peyvand.environment = dev
        peyvand.cluster.join = bootstrap
        pekko.remote.artery.canonical.port = 0
        pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
        pekko.management.http.hostname = "127.0.0.1"
        pekko.management.http.port = %d
        pekko.management.cluster.bootstrap.contact-point-discovery {
          service-name = "peyvand-broker"
          discovery-method = kubernetes-api
          port-name = "management"
          required-contact-point-nr = 3
        }
        pekko.discovery.kubernetes-api {
          pod-label-selector = "app=%%s"
          use-raw-ip = true
          api-ca-path = "%s"
          api-token-path = "%s"
          pod-namespace-path = "%s"
          api-service-host-env-name = "PEYVAND_TEST_NO_SUCH_KUBERNETES_HOST"
        }
        """
                    .formatted(management, ca, tmp.resolve("token"), tmp.resolve("namespace")))
            .withFallback(ConfigFactory.load());
    ActorSystem<Void> node = ActorSystem.create(Behaviors.empty(), "KubernetesDiscovery", config);
    try {
      BrokerSettings.Join join = BrokerSettings.fromConfig(node.settings().config()).join();
      assertEquals(BrokerSettings.Join.BOOTSTRAP, join);
      ClusterJoin.start(node, join).toCompletableFuture().get(30, TimeUnit.SECONDS);

      ServiceDiscovery discovery =
          Discovery.get(node.classicSystem()).loadServiceDiscovery("kubernetes-api");
      assertTrue(discovery instanceof KubernetesApiServiceDiscovery, discovery.toString());
      ExecutionException e =
          assertThrows(
              ExecutionException.class,
              () ->
                  discovery
                      .lookup("peyvand-broker", Duration.ofSeconds(5))
                      .toCompletableFuture()
                      .get(10, TimeUnit.SECONDS));
      assertTrue(
          e.getCause().getMessage().contains("PEYVAND_TEST_NO_SUCH_KUBERNETES_HOST"),
          e.getCause().toString());
    } finally {
      node.terminate();
      node.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
