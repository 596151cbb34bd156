package io.peyvand.broker.delivery;

import io.peyvand.broker.model.Address;
import io.peyvand.broker.model.MailboxItem;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A mailbox hands one item to a session of its platform. The session writes it to its adapter or,
 * when its outgoing buffer is full, answers {@link Busy} so the mailbox retries later instead of
 * the session buffering without bound. After refusing an item of a mailbox the session refuses
 * that mailbox's later items too, until one comes flagged {@code resume}: the mailbox's retry,
 * starting again from its lowest unsent item, so that no item overtakes another.
 *
 * @param redelivery the item may have been pushed before
 * @param acknowledgedUpTo the mailbox's cursor: everything at or below was acknowledged or expired
 * @param resume the first item of a retry after {@link Busy}, or of a new session
 */
public record Deliver(
    Address mailbox,
    long sequence,
    boolean redelivery,
    long acceptedAtMs,
    long acknowledgedUpTo,
    boolean resume,
    MailboxItem item,
    ActorRef<Busy> busyReplyTo) {

  /** The session could not take the item now; nothing of it was sent. */
  public record Busy(long sequence) {}
}
