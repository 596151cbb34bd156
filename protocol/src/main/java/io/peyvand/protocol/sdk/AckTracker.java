package io.peyvand.protocol.sdk;

import io.peyvand.protocol.v1.GroupAddress;
import io.peyvand.protocol.v1.UserAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which deliveries were handled, per stream, and what to acknowledge. A stream is a mailbox (a
 * {@link UserAddress}: Delivery frames, acknowledged with Acknowledge), a group's log as this
 * platform receives it (a {@link GroupAddress}: GroupDelivery frames, acknowledged with
 * GroupAcknowledge), or a recipient's status stream for this platform (a {@link StatusStream}:
 * StatusDelivery frames, acknowledged with StatusAcknowledge). The kinds of key never meet, so a
 * group {@code eitaa:family}, a user {@code eitaa:family} and that user's status stream are three
 * streams. Pure and thread-safe; the client feeds it the deliveries in arrival order (sequence
 * order per stream) and the handlers' completions in any order.
 *
 * <p>Per stream it keeps an acknowledgement point (every item up to it is handled, or acknowledged
 * by the adapter) and the items above it that were given to the handler: in hand, handled, or
 * failed. With automatic acknowledgement the point advances over handled items, one sequence number
 * at a time, and stops at the first item in hand, failed or not yet seen, so an acknowledgement
 * never covers an item that is not handled. The broker's own cursor (each delivery's {@code
 * acknowledged_up_to}) moves the point over items it gave up (expired) or that were acknowledged by
 * another session. A failed item is handled again when redelivered.
 *
 * <p>Deduplication: an item at or below the point, or in hand, or handled, is not given to the
 * handler again; one at or below the point is acknowledged again (its acknowledgement was lost,
 * otherwise the broker would not send it). Idle streams (nothing above the point) are forgotten
 * least-recently-used first beyond {@code trackedMailboxes}, which counts mailboxes and groups
 * together.
 *
 * <p>Public for adapters that speak the frames themselves rather than through {@link PeyvandClient}
 * (the WebSocket load tests of module load-tests): what to acknowledge is the same rule whatever
 * the transport.
 */
public final class AckTracker {
  /** What to do with a delivery. */
  public enum Decision {
    HANDLE,
    SKIP
  }

  private enum ItemState {
    IN_HAND,
    HANDLED,
    FAILED
  }

  private static final class Mailbox {
    long ackPoint;
    final TreeMap<Long, ItemState> open = new TreeMap<>();
  }

  private final boolean autoAcknowledge;
  private final boolean deduplicate;
  private final int trackedMailboxes;

  /** In access order: least recently used first. */
  /** Keyed by UserAddress (a mailbox) or GroupAddress (a group); in access order, LRU first. */
  private final Map<Object, Mailbox> mailboxes = new LinkedHashMap<>(64, 0.75f, true);

  private final LatestMarks<UserAddress> toSend = new LatestMarks<>();
  private final LatestMarks<GroupAddress> groupsToSend = new LatestMarks<>();
  private final LatestMarks<UserAddress> statusesToSend = new LatestMarks<>();

  /** The key of a recipient's status stream (StatusDelivery frames of that recipient). */
  public record StatusStream(UserAddress recipient) {}

  /**
   * With {@code autoAcknowledge}, handled items are acknowledged; with {@code deduplicate}, an item
   * already handled or in hand is skipped; at most {@code trackedMailboxes} idle mailboxes are
   * remembered.
   */
  public AckTracker(boolean autoAcknowledge, boolean deduplicate, int trackedMailboxes) {
    this.autoAcknowledge = autoAcknowledge;
    this.deduplicate = deduplicate;
    this.trackedMailboxes = trackedMailboxes;
  }

  /** A delivery arrived, the broker's cursor unknown: whether to give it to the handler. */
  synchronized Decision onDelivery(UserAddress mailbox, long sequence) {
    return onDelivery(mailbox, sequence, 0);
  }

  /**
   * A delivery arrived: whether to give it to the handler. {@code brokerAcknowledgedUpTo} is the
   * delivery's {@code acknowledged_up_to}: nothing at or below it will come again.
   */
  public Decision onDelivery(UserAddress mailbox, long sequence, long brokerAcknowledgedUpTo) {
    return decide(mailbox, sequence, brokerAcknowledgedUpTo);
  }

  /**
   * A GroupDelivery arrived: whether to give it to the handler. {@code brokerAcknowledgedUpTo} is
   * its {@code acknowledged_up_to}: nothing of the group at or below it will come again.
   */
  public Decision onDelivery(GroupAddress group, long sequence, long brokerAcknowledgedUpTo) {
    return decide(group, sequence, brokerAcknowledgedUpTo);
  }

  /**
   * A StatusDelivery of {@code recipient}'s status stream arrived: whether to give it to the
   * handler. {@code brokerAcknowledgedUpTo} is its {@code acknowledged_up_to}.
   */
  public Decision onStatusDelivery(
      UserAddress recipient, long sequence, long brokerAcknowledgedUpTo) {
    return decide(new StatusStream(recipient), sequence, brokerAcknowledgedUpTo);
  }

  private synchronized Decision decide(Object mailbox, long sequence, long brokerAcknowledgedUpTo) {
    Mailbox m = mailboxes.get(mailbox);
    if (m == null) {
      forgetIdleMailboxes();
      m = new Mailbox();
      mailboxes.put(mailbox, m);
    }
    if (brokerAcknowledgedUpTo > m.ackPoint) {
      m.ackPoint = brokerAcknowledgedUpTo;
      m.open.headMap(brokerAcknowledgedUpTo, true).clear();
      advance(mailbox, m);
    }
    if (sequence <= m.ackPoint) {
      if (autoAcknowledge) {
        owe(mailbox, m.ackPoint);
      }
      return deduplicate ? Decision.SKIP : Decision.HANDLE;
    }
    ItemState state = m.open.get(sequence);
    if (deduplicate && (state == ItemState.IN_HAND || state == ItemState.HANDLED)) {
      return Decision.SKIP;
    }
    if (state != ItemState.HANDLED) {
      m.open.put(sequence, ItemState.IN_HAND);
    }
    return Decision.HANDLE;
  }

  /** The handler's stage for this delivery completed successfully. */
  public void onHandled(UserAddress mailbox, long sequence) {
    handled(mailbox, sequence);
  }

  /** The handler's stage for this group delivery completed successfully. */
  public void onHandled(GroupAddress group, long sequence) {
    handled(group, sequence);
  }

  /** The handler's stage for this status delivery completed successfully. */
  public void onStatusHandled(UserAddress recipient, long sequence) {
    handled(new StatusStream(recipient), sequence);
  }

  synchronized void handled(Object mailbox, long sequence) {
    Mailbox m = mailboxes.get(mailbox);
    if (m == null || sequence <= m.ackPoint) {
      if (m != null && autoAcknowledge) {
        owe(mailbox, m.ackPoint);
      }
      return;
    }
    m.open.put(sequence, ItemState.HANDLED);
    advance(mailbox, m);
  }

  /** Moves the point over handled items that follow it directly, and owes an acknowledgement. */
  private void advance(Object mailbox, Mailbox m) {
    if (!autoAcknowledge) {
      return;
    }
    long before = m.ackPoint;
    while (!m.open.isEmpty()
        && m.open.firstKey() == m.ackPoint + 1
        && m.open.firstEntry().getValue() == ItemState.HANDLED) {
      m.ackPoint = m.open.pollFirstEntry().getKey();
    }
    if (m.ackPoint > before) {
      owe(mailbox, m.ackPoint);
    }
  }

  /**
   * An acknowledgement to send: Acknowledge for a mailbox, GroupAcknowledge for a group,
   * StatusAcknowledge for a status stream.
   */
  private void owe(Object stream, long upTo) {
    if (stream instanceof GroupAddress group) {
      groupsToSend.raise(group, upTo);
    } else if (stream instanceof StatusStream statuses) {
      statusesToSend.raise(statuses.recipient(), upTo);
    } else {
      toSend.raise((UserAddress) stream, upTo);
    }
  }

  /** The handler's stage for this delivery failed: it is handled again when redelivered. */
  synchronized void onFailed(Object mailbox, long sequence) {
    Mailbox m = mailboxes.get(mailbox);
    if (m != null && m.open.get(sequence) == ItemState.IN_HAND) {
      m.open.put(sequence, ItemState.FAILED);
    }
  }

  /** The adapter acknowledges up to {@code upTo} itself (automatic acknowledgement off). */
  synchronized void acknowledge(Object mailbox, long upTo) {
    Mailbox m = mailboxes.get(mailbox);
    if (m != null) {
      m.ackPoint = Math.max(m.ackPoint, upTo);
      m.open.headMap(upTo, true).clear();
    }
    owe(mailbox, upTo);
  }

  /**
   * Makes room for one more mailbox by forgetting the least recently used idle ones. Busy mailboxes
   * (items in hand or failed) are skipped; there are few of them, bounded by the deliveries in hand
   * and the broker's redelivery.
   */
  private void forgetIdleMailboxes() {
    Iterator<Mailbox> it = mailboxes.values().iterator();
    while (mailboxes.size() >= trackedMailboxes && it.hasNext()) {
      if (it.next().open.isEmpty()) {
        it.remove();
      }
    }
  }

  /** The acknowledgements to send now, per mailbox the highest; each is sent once. */
  public Map<UserAddress, Long> drainAcknowledgements() {
    return toSend.drain();
  }

  /** The group acknowledgements to send now, per group the highest; each is sent once. */
  public Map<GroupAddress, Long> drainGroupAcknowledgements() {
    return groupsToSend.drain();
  }

  /** The status acknowledgements to send now, per recipient the highest; each sent once. */
  public Map<UserAddress, Long> drainStatusAcknowledgements() {
    return statusesToSend.drain();
  }

  /** An acknowledgement could not be written: send it with the next batch. */
  void retryAcknowledgement(Object stream, long upTo) {
    owe(stream, upTo);
  }

  /** The acknowledgement point of a mailbox or group, 0 when unknown. */
  synchronized long acknowledgedUpTo(Object mailbox) {
    Mailbox m = mailboxes.get(mailbox);
    return m == null ? 0 : m.ackPoint;
  }

  synchronized int trackedMailboxes() {
    return mailboxes.size();
  }
}
