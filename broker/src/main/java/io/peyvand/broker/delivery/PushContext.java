package io.peyvand.broker.delivery;

import io.peyvand.broker.observability.MessageMetrics;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What the pushers of one entity share.
 *
 * @param directory the node's sessions by platform
 * @param busyReplyTo where sessions answer {@link Deliver.Busy} (the entity's adapter; the answer
 *     names the platform)
 * @param metrics the node's message counters
 * @param whenSessionAppears the entity's wake-up when a pusher found no session of its platform:
 *     run once one appears, from another thread (so it only tells the entity); one object per
 *     entity, which {@link SessionDirectory#stopWaiting} forgets when it stops
 */
public record PushContext(
    SessionDirectory directory,
    ActorRef<Deliver.Busy> busyReplyTo,
    MessageMetrics metrics,
    Runnable whenSessionAppears) {

  /** The entity stopped: it waits for no platform's session any more. */
  public void stopped() {
    directory.stopWaiting(whenSessionAppears);
  }
}
