package io.peyvand.broker.delivery;

import io.peyvand.broker.model.Address;
import io.peyvand.broker.model.MailboxItem;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A mailbox hands one item to a session of its platform. The session writes it to its adapter or,
 * when its outgoing buffer is full, answers {@link Busy} so the mailbox retries later instead of
 * the session buffering without bound.
 *
 * @param redelivery the item may have been pushed before
 */
public record Deliver(
    Address mailbox,
    long sequence,
    boolean redelivery,
    long acceptedAtMs,
    MailboxItem item,
    ActorRef<Busy> busyReplyTo) {

  /** The session could not take the item now; nothing of it was sent. */
  public record Busy(long sequence) {}
}
