package io.peyvand.broker;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins this node to its cluster as {@code peyvand.cluster.join} says. With seed nodes Pekko does
 * it by itself at start (nothing to do here); self joins the node's own address (dev, tests);
 * bootstrap starts Pekko Management's HTTP endpoint, which the other nodes probe, and Cluster
 * Bootstrap, which finds the contact points through Pekko Discovery and forms or joins the cluster:
 * deployments whose addresses are not known in advance (Kubernetes, autoscaled VMs) need no
 * seed-node list. The Management endpoint is unbound when the node shuts down.
 */
final class ClusterJoin {
  private static final Logger log = LoggerFactory.getLogger(ClusterJoin.class);

  private ClusterJoin() {}

  /**
   * Starts joining; completes once what was started is running (the Management endpoint bound), not
   * when the node is a member: readiness reports that.
   */
  static CompletionStage<Done> start(ActorSystem<?> system, BrokerSettings.Join join) {
    switch (join) {
      case SELF -> {
        Cluster cluster = Cluster.get(system);
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
        return CompletableFuture.completedFuture(Done.getInstance());
      }
      case BOOTSTRAP -> {
        if (!system.settings().config().getStringList("pekko.cluster.seed-nodes").isEmpty()) {
          return CompletableFuture.failedFuture(
              new IllegalArgumentException(
                  "peyvand.cluster.join = bootstrap needs pekko.cluster.seed-nodes = [] (seed nodes"
                      + " would join before Cluster Bootstrap decides)"));
        }
        PekkoManagement management = PekkoManagement.get(system.classicSystem());
        return management
            .start()
            .thenApply(
                uri -> {
                  log.info(
                      "Pekko Management at {}; Cluster Bootstrap looks for contact points of '{}'",
                      uri,
                      system
                          .settings()
                          .config()
                          .getString(
                              "pekko.management.cluster.bootstrap.contact-point-discovery.service-name"));
                  CoordinatedShutdown.get(system)
                      .addTask(
                          CoordinatedShutdown.PhaseServiceUnbind(),
                          "peyvand-stop-management",
                          management::stop);
                  ClusterBootstrap.get(system.classicSystem()).start();
                  return Done.getInstance();
                });
      }
      default -> {
        return CompletableFuture.completedFuture(Done.getInstance());
      }
    }
  }
}
