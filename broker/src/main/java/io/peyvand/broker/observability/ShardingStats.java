package io.peyvand.broker.observability;

import io.peyvand.broker.entity.Asks;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * How many shards and entities of each sharded type this node hosts, asked of the local shard
 * regions every few seconds (never on a scrape or a message's path) and rendered as {@code
 * peyvand_sharding_shards{entity}} and {@code peyvand_sharding_entities{entity}}: an SRE sees
 * shards move to a node that joined and away from one that leaves.
 */
public final class ShardingStats {

  /** What one shard region reported last. */
  public record Hosted(int shards, int entities) {}

  private final Map<String, Hosted> hosted = new ConcurrentHashMap<>();

  /**
   * Polls the shard regions of {@code types} (label name to entity type key) every {@code
   * interval}; a region that does not answer within the interval keeps its last figures.
   */
  public ShardingStats(
      ActorSystem<?> system, Map<String, EntityTypeKey<?>> types, Duration interval) {
    system
        .scheduler()
        .scheduleWithFixedDelay(
            Duration.ZERO,
            interval,
            () ->
                types.forEach(
                    (name, key) ->
                        Asks.get(system)
                            .<ClusterShardingQuery, ShardRegion.CurrentShardRegionState>ask(
                                ClusterSharding.get(system).shardState(),
                                replyTo -> new GetShardRegionState(key, replyTo),
                                interval)
                            .thenAccept(
                                state -> {
                                  int entities = 0;
                                  for (ShardRegion.ShardState shard : state.getShards()) {
                                    entities += shard.getEntityIds().size();
                                  }
                                  hosted.put(name, new Hosted(state.getShards().size(), entities));
                                })),
            system.executionContext());
  }

  /** The last figures per entity type, by label. */
  public Map<String, Hosted> hosted() {
    return new TreeMap<>(hosted);
  }

  /** Adds the shards and entities gauges to a node's registry. */
  void registerIn(PrometheusRegistry registry) {
    registry.register(
        GaugeWithCallback.builder()
            .name("peyvand_sharding_shards")
            .help("shards of each entity type hosted on this node")
            .labelNames("entity")
            .callback(out -> hosted().forEach((name, h) -> out.call(h.shards(), name)))
            .build());
    registry.register(
        GaugeWithCallback.builder()
            .name("peyvand_sharding_entities")
            .help("entities of each type running on this node (active mailboxes, groups, ...)")
            .labelNames("entity")
            .callback(out -> hosted().forEach((name, h) -> out.call(h.entities(), name)))
            .build());
  }
}
