package io.peyvand.broker.model;

/**
 * One message from a user of one platform to a user of another, as accepted by the broker.
 *
 * @param messageId the sender's idempotency key
 * @param replyToMessageId empty when the message answers none
 */
public record Message(
    String messageId,
    Address sender,
    Address recipient,
    long clientTimestampMs,
    String replyToMessageId,
    Content content) {}
