package io.peyvand.broker.entity;

import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/** Starts a sharded entity type on this node; {@code create} makes an entity from its id. */
public final class Sharded {

  /** An entity type stopped by sharding's default message when idle or when its shard moves. */
  public static <M> void start(
      ActorSystem<?> system, EntityTypeKey<M> key, Function<String, Behavior<M>> create) {
    ClusterSharding.get(system)
        .init(Entity.of(key, context -> create.apply(context.getEntityId())));
  }

  /**
   * An entity type told {@code stopMessage} when idle or when its shard moves, so that it can
   * finish its work before it stops. Sent by the local shard only, so it need not be serializable.
   */
  public static <M> void start(
      ActorSystem<?> system,
      EntityTypeKey<M> key,
      M stopMessage,
      Function<String, Behavior<M>> create) {
    ClusterSharding.get(system)
        .init(
            Entity.of(key, context -> create.apply(context.getEntityId()))
                .withStopMessage(stopMessage));
  }

  private Sharded() {}
}
