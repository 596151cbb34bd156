package io.peyvand.broker.observability;

import io.peyvand.broker.entity.Asks;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.ShardRegion;

/**
 * How many shards and entities of each sharded type this node hosts, asked of the local shard
 * regions every few seconds (never on a scrape or a message's path) and rendered as
 * {@code peyvand_sharding_shards{entity}} and {@code peyvand_sharding_entities{entity}}: an SRE
 * sees shards move to a node that joined and away from one that leaves.
 */
public final class ShardingStats {

  /** What one shard region reported last. */
  public record Hosted(int shards, int entities) {}

  private final Map<String, Hosted> hosted = new ConcurrentHashMap<>();

  /**
   * Polls the shard regions of {@code types} (label name to entity type key) every
   * {@code interval}; a region that does not answer within the interval keeps its last figures.
   */
  public ShardingStats(ActorSystem<?> system, Map<String, EntityTypeKey<?>> types,
      Duration interval) {
    system.scheduler().scheduleWithFixedDelay(Duration.ZERO, interval, () ->
        types.forEach((name, key) -> Asks.get(system)
            .<ClusterShardingQuery, ShardRegion.CurrentShardRegionState>ask(
                ClusterSharding.get(system).shardState(),
                replyTo -> new GetShardRegionState(key, replyTo), interval)
            .thenAccept(state -> {
              int entities = 0;
              for (ShardRegion.ShardState shard : state.getShards()) {
                entities += shard.getEntityIds().size();
              }
              hosted.put(name, new Hosted(state.getShards().size(), entities));
            })), system.executionContext());
  }

  /** The last figures per entity type, by label. */
  public Map<String, Hosted> hosted() {
    return new TreeMap<>(hosted);
  }

  void render(StringBuilder out) {
    Map<String, Hosted> now = hosted();
    Prometheus.header(out, "peyvand_sharding_shards", "gauge",
        "shards of each entity type hosted on this node");
    now.forEach((name, h) -> out.append("peyvand_sharding_shards{entity=\"").append(name)
        .append("\"} ").append(h.shards()).append('\n'));
    Prometheus.header(out, "peyvand_sharding_entities", "gauge",
        "entities of each type running on this node (active mailboxes, groups, ...)");
    now.forEach((name, h) -> out.append("peyvand_sharding_entities{entity=\"").append(name)
        .append("\"} ").append(h.entities()).append('\n'));
  }
}
