package io.peyvand.broker.model;

/**
 * What became of a message, reported back to its sender's platform through the sender's mailbox.
 *
 * @param recipientSequence the message's sequence number in the recipient's mailbox
 */
public record Status(
    String messageId,
    Address recipient,
    Kind kind,
    Failure failure,
    long recipientSequence,
    long atMs) {

  public enum Kind {
    DELIVERED,
    READ,
    FAILED
  }

  public enum Failure {
    NONE,
    RETENTION_EXPIRED,
    RECIPIENT_GONE
  }

  /** Identifies a status for deduplication: one of each kind per message and recipient. */
  public record Key(String messageId, Address recipient, Kind kind) {}

  public Key key() {
    return new Key(messageId, recipient, kind);
  }
}
