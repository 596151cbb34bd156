package io.peyvand.broker.entity;

import io.peyvand.persistence.lease.CassandraLease;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.Terminated;
import org.apache.pekko.coordination.lease.LeaseSettings;

/**
 * The lease every shard of the broker holds while it runs (pekko.cluster.sharding.use-lease), so a
 * shard, and every entity in it, runs on one node at a time even when the shard coordinators
 * disagree. That happened: in a rolling restart a node came back at its old address within the
 * down-removal margin, answered the next coordinator's hand-over request in place of the node that
 * still ran the coordinator, and two coordinators gave one shard to two nodes (FAULTS.md, "Two
 * coordinators"). With the lease, the second node's shard waits until the first one's has stopped.
 *
 * <p>Pekko 1.2 never releases a shard's lease when the shard stops (fixed in later versions), so
 * this lease watches its shard and releases itself when the shard terminates: after a hand-off the
 * next node takes the shard within a lease retry interval, rather than after the lease expires.
 */
public final class ShardLease extends CassandraLease {
  private final ExtendedActorSystem system;
  private final Optional<String> shardPath;
  private ActorRef watcher;

  public ShardLease(LeaseSettings settings, ExtendedActorSystem system) {
    super(settings, system);
    this.system = system;
    this.shardPath = shardPath(system.name(), settings.leaseName());
  }

  /**
   * Where the shard actor of a shard lease lives: Pekko names the lease {@code
   * <system>-shard-<type>-<shard id>} and the shard {@code /system/sharding/<type>/<shard id>}.
   * Empty for a lease that is not a shard's.
   */
  static Optional<String> shardPath(String systemName, String leaseName) {
    String prefix = systemName + "-shard-";
    if (!leaseName.startsWith(prefix)) {
      return Optional.empty();
    }
    String typeAndShard = leaseName.substring(prefix.length());
    int dash = typeAndShard.lastIndexOf('-');
    if (dash <= 0 || dash == typeAndShard.length() - 1) {
      return Optional.empty();
    }
    return Optional.of(
        "/system/sharding/"
            + URLEncoder.encode(typeAndShard.substring(0, dash), StandardCharsets.UTF_8)
            + "/"
            + URLEncoder.encode(typeAndShard.substring(dash + 1), StandardCharsets.UTF_8));
  }

  @Override
  protected void acquired(long acquisition) {
    shardPath.ifPresent(
        path ->
            system
                .actorSelection(path)
                .resolveOne(Duration.ofSeconds(5))
                .whenComplete(
                    (shard, notFound) -> {
                      if (shard == null) {
                        // Gone before it could be watched: nothing holds the lease any more.
                        releaseUnlessAcquiredSince(acquisition);
                      } else {
                        watcher().tell(new Watch(shard, acquisition), ActorRef.noSender());
                      }
                    }));
  }

  private synchronized ActorRef watcher() {
    if (watcher == null) {
      watcher =
          system.systemActorOf(
              Props.create(Watcher.class, () -> new Watcher(this)),
              "shard-lease-"
                  + URLEncoder.encode(getSettings().leaseName(), StandardCharsets.UTF_8));
    }
    return watcher;
  }

  private record Watch(ActorRef shard, long acquisition) {}

  /** Releases the lease when the shard that acquired it terminates. */
  private static final class Watcher extends AbstractActor {
    private final ShardLease lease;
    private final Map<ActorRef, Long> watched = new HashMap<>();

    Watcher(ShardLease lease) {
      this.lease = lease;
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .match(
              Watch.class,
              watch -> {
                watched.put(watch.shard(), watch.acquisition());
                getContext().watch(watch.shard());
              })
          .match(
              Terminated.class,
              terminated -> {
                Long acquisition = watched.remove(terminated.actor());
                if (acquisition != null) {
                  lease.releaseUnlessAcquiredSince(acquisition);
                }
              })
          .build();
    }
  }
}
