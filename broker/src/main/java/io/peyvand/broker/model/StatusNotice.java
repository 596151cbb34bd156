package io.peyvand.broker.model;

/**
 * A status pushed by the recipient's mailbox to the sender's platform, in that mailbox's status
 * stream for the platform (statuses by recipient: a StatusDelivery frame).
 *
 * @param sender the user of the receiving platform who sent the message
 * @param status what became of it; {@code status.recipient()} is the stream's mailbox
 */
public record StatusNotice(Address sender, Status status) implements StreamItem {}
