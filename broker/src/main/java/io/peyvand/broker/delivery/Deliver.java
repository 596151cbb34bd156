package io.peyvand.broker.delivery;

import io.peyvand.broker.entity.ClusterMessage;
import io.peyvand.broker.model.Address;
import io.peyvand.broker.model.StreamItem;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A stream (a user's mailbox, or a group's log as one platform receives it) hands one item to a
 * session of its platform. The session writes it to its adapter or, when its outgoing buffer is
 * full, answers {@link Busy} so the stream retries later instead of the session buffering without
 * bound. After refusing an item of a stream the session refuses that stream's later items too,
 * until one comes flagged {@code resume}: the stream's retry, starting again from its lowest unsent
 * item, so that no item overtakes another. Built by {@link Pusher}.
 *
 * @param redelivery the item may have been pushed before
 * @param acknowledgedUpTo the stream's cursor: everything at or below was acknowledged or expired
 * @param resume the first item of a retry after {@link Busy}, or of a new session
 * @param item what the session writes: a {@link io.peyvand.broker.model.MailboxItem} of a mailbox
 *     stream, a group's item of a group stream
 */
public record Deliver(
    Stream stream,
    long sequence,
    boolean redelivery,
    long acceptedAtMs,
    long acknowledgedUpTo,
    boolean resume,
    StreamItem item,
    ActorRef<Busy> busyReplyTo)
    implements ClusterMessage {

  /**
   * Whose items: a user's mailbox, a group, or the statuses a user's mailbox owes to the platform
   * it is pushed to (statuses by recipient: StatusDelivery frames). The same address can name a
   * user and a group ({@code eitaa:family}), so the kind is part of the key.
   */
  public record Stream(Kind kind, Address address) {
    public enum Kind {
      MAILBOX,
      GROUP,
      STATUSES
    }

    public static Stream mailbox(Address user) {
      return new Stream(Kind.MAILBOX, user);
    }

    /** The statuses {@code recipient}'s mailbox owes to one senders' platform. */
    public static Stream statuses(Address recipient) {
      return new Stream(Kind.STATUSES, recipient);
    }

    public static Stream group(Address group) {
      return new Stream(Kind.GROUP, group);
    }

    @Override
    public String toString() {
      return switch (kind) {
        case MAILBOX -> address.toString();
        case GROUP -> "group " + address;
        case STATUSES -> "statuses of " + address;
      };
    }
  }

  /**
   * The session did not take the item; nothing of it was sent. Either its outgoing buffer is full
   * (retry the same session later, starting with a resume), or, {@code gone}, its adapter's stream
   * has ended (push to another session of the platform now: none of the items pushed to this one
   * from {@code sequence} on reached an adapter).
   *
   * @param session the session that answers (null from a node of an earlier version)
   * @param stream the stream of the refused item (null from a node of an earlier version: then the
   *     platform tells, as a mailbox's own platform never receives its status stream unless sender
   *     and recipient share it)
   */
  public record Busy(
      String platformId, long sequence, ActorRef<Deliver> session, boolean gone, Stream stream)
      implements ClusterMessage {
    public Busy(String platformId, long sequence, ActorRef<Deliver> session, boolean gone) {
      this(platformId, sequence, session, gone, null);
    }

    /** A full buffer. */
    public static Busy full(String platformId, long sequence, ActorRef<Deliver> session) {
      return new Busy(platformId, sequence, session, false);
    }

    /** A full buffer, refusing an item of {@code stream}. */
    public static Busy full(String platformId, Deliver refused, ActorRef<Deliver> session) {
      return new Busy(platformId, refused.sequence(), session, false, refused.stream());
    }

    /** A session whose stream has ended. */
    public static Busy gone(String platformId, long sequence, ActorRef<Deliver> session) {
      return new Busy(platformId, sequence, session, true);
    }

    /** A session whose stream has ended, refusing an item of {@code stream}. */
    public static Busy gone(String platformId, Deliver refused, ActorRef<Deliver> session) {
      return new Busy(platformId, refused.sequence(), session, true, refused.stream());
    }
  }
}
