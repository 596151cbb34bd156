package io.peyvand.broker.model;

/** One item of a user's mailbox, pushed to the user's platform in sequence order. */
public sealed interface MailboxItem extends StreamItem {
  /** A message to the mailbox's user. */
  record Incoming(Message message) implements MailboxItem {}

  /** The fate of a message the mailbox's user sent. */
  record StatusUpdate(Status status) implements MailboxItem {}
}
