package io.peyvand.broker.entity;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;

/** The event-sourced behaviour test kit as the broker's entity tests use it. */
public final class EntityTestKits {
  private EntityTestKits() {}

  /**
   * A test kit for {@code behavior} whose events go through the stored-event serializers. Commands
   * are not serialized (they carry local reply-to refs), nor is the state (entities store it
   * through snapshot adapters, whose bytes StoredEventSerializerTest checks).
   */
  public static <C, E, S> EventSourcedBehaviorTestKit<C, E, S> of(
      ActorSystem<?> system, Behavior<C> behavior) {
    return EventSourcedBehaviorTestKit.create(
        system,
        behavior,
        EventSourcedBehaviorTestKit.enabledSerializationSettings()
            .withVerifyCommands(false)
            .withVerifyState(false));
  }
}
