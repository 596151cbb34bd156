package io.peyvand.broker.entity;

import io.peyvand.broker.TestConfig;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;

/** The event-sourced behaviour test kit as the broker's entity tests use it. */
public final class EntityTestKits {
  private EntityTestKits() {}

  /**
   * The actor test kit whose system the entity test kits run in: a local (not clustered) system on
   * the event-sourced test kit's in-memory journal and snapshot store. Register it with Pekko's
   * {@code TestKitJUnit5Extension} ({@code @JUnit5TestKit}), which shuts it down after the class.
   */
  public static ActorTestKit actorTestKit() {
    return ActorTestKit.create(
        EventSourcedBehaviorTestKit.config().withFallback(TestConfig.local()));
  }

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
