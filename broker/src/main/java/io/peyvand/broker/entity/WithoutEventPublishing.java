package io.peyvand.broker.entity;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;

/**
 * The behavior of an event-sourced entity that does not publish its persisted events to the event
 * stream. Pekko's {@code EventSourcedBehavior} publishes each one by default, for replicated event
 * sourcing, which the broker does not use: one actor message and one object more per event
 * (docs/DELIVERY-PATH.md, step 1). An entity returns this from its {@code apply}.
 */
public final class WithoutEventPublishing {
  private WithoutEventPublishing() {}

  public static <C> Behavior<C> of(EventSourcedBehavior<C, ?, ?> entity) {
    // The Scala trait is seen from Java as an interface; its implementation is a Behavior.
    @SuppressWarnings("unchecked")
    Behavior<C> behavior =
        (Behavior<C>) (Object) entity.createEventSourcedBehavior().withEventPublishing(false);
    return behavior;
  }
}
