package io.peyvand.broker.mailbox;

import io.peyvand.broker.mailbox.UserMailbox.Event;
import io.peyvand.broker.model.Address;
import io.peyvand.broker.model.Content;
import io.peyvand.broker.model.MailboxItem;
import io.peyvand.broker.model.Message;
import io.peyvand.broker.model.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The state of one user's mailbox, changed only by {@link #apply(Event)}.
 *
 * <p>Mutable on purpose: a busy mailbox applies thousands of events and copying its maps for each
 * would dominate its cost. It is owned by its entity alone and never shared; snapshots are taken by
 * converting it to its stored form in the entity's thread.
 *
 * <p>What it holds:
 *
 * <ul>
 *   <li>the sequence: {@code lastSequence} assigned, {@code acknowledgedUpTo} (items acknowledged
 *       by the platform or expired; everything above is pending), {@code readUpTo};
 *   <li>{@code pending}: items not yet acknowledged, in sequence order;
 *   <li>deduplication: the message ids accepted from each sender and the statuses accepted, kept
 *       for the dedup window (pruned by the accepting events' own timestamps, so replay prunes the
 *       same way); they also tell an edit or delete of another sender's message (PROTOCOL.md §3.5);
 *   <li>{@code unread}: delivered messages not yet read, for READ statuses;
 *   <li>{@code outbox}: statuses owed to senders' mailboxes (DELIVERED, READ, FAILED) until those
 *       confirm them;
 *   <li>{@code statusStreams}: statuses owed directly to senders' platforms (statuses by recipient,
 *       for messages accepted with that flag), numbered per platform in the order the events that
 *       owe them are applied, so replay numbers them the same; kept until the platform acknowledges
 *       them;
 *   <li>consent: the user's explicit choice (empty: the platform's default) and blocked senders.
 * </ul>
 */
public final class MailboxState {

  /**
   * An item waiting for the platform's acknowledgement.
   *
   * @param statusesByRecipient a message whose statuses go to its sender's platform through this
   *     mailbox's status stream for that platform, not through the sender's mailbox
   */
  public record Pending(
      long sequence, long acceptedAtMs, MailboxItem item, boolean statusesByRecipient) {
    public Pending(long sequence, long acceptedAtMs, MailboxItem item) {
      this(sequence, acceptedAtMs, item, false);
    }
  }

  /** A message id accepted from a sender. */
  public record MessageKey(Address sender, String messageId) {}

  /** When and at which sequence something was accepted. */
  public record Accepted(long sequence, long acceptedAtMs) {}

  /** A delivered message not yet read. */
  public record Unread(
      Address sender, String messageId, long acceptedAtMs, boolean statusesByRecipient) {
    public Unread(Address sender, String messageId, long acceptedAtMs) {
      this(sender, messageId, acceptedAtMs, false);
    }
  }

  /** A status owed to a sender's mailbox, identified by (sequence, kind). */
  public record NotificationKey(long sequence, Status.Kind kind)
      implements Comparable<NotificationKey> {
    @Override
    public int compareTo(NotificationKey o) {
      int bySequence = Long.compare(sequence, o.sequence);
      return bySequence != 0 ? bySequence : kind.compareTo(o.kind);
    }
  }

  /** What to tell the sender of the message at the key's sequence. */
  public record Notification(Address sender, String messageId, Status.Failure failure, long atMs) {}

  /** A status owed to a sender's platform, at {@code position} in that platform's stream. */
  public record Owed(long position, NotificationKey key, Notification notification) {}

  /**
   * The statuses this mailbox owes one senders' platform directly: numbered 1, 2, ... for ever
   * (never restarted, or a platform would take a new status for one it acknowledged), kept until
   * acknowledged.
   */
  public static final class StatusStream {
    long last;
    long acknowledgedUpTo;
    final TreeMap<Long, Owed> owed = new TreeMap<>();

    public long last() {
      return last;
    }

    public long acknowledgedUpTo() {
      return acknowledgedUpTo;
    }

    /** Not yet acknowledged, by position. */
    public NavigableMap<Long, Owed> owed() {
      return java.util.Collections.unmodifiableNavigableMap(owed);
    }
  }

  /** A status stream as a snapshot stores it. */
  public record StatusStreamSnapshot(
      String platformId, long last, long acknowledgedUpTo, List<Owed> owed) {}

  /** Bounds of the deduplication memory. */
  public record Limits(Duration dedupWindow, int dedupMaxEntries) {}

  private final Limits limits;
  long lastSequence;
  long acknowledgedUpTo;
  long readUpTo;
  final TreeMap<Long, Pending> pending = new TreeMap<>();
  final LinkedHashMap<MessageKey, Accepted> acceptedIds = new LinkedHashMap<>();
  final LinkedHashMap<Status.Key, Accepted> acceptedStatuses = new LinkedHashMap<>();
  final TreeMap<Long, Unread> unread = new TreeMap<>();
  final TreeMap<NotificationKey, Notification> outbox = new TreeMap<>();
  final TreeMap<String, StatusStream> statusStreams = new TreeMap<>();
  Optional<Boolean> optedIn = Optional.empty();
  final Set<Address> blocked = new HashSet<>();

  public MailboxState(Limits limits) {
    this.limits = limits;
  }

  public long lastSequence() {
    return lastSequence;
  }

  public long acknowledgedUpTo() {
    return acknowledgedUpTo;
  }

  public long readUpTo() {
    return readUpTo;
  }

  public NavigableMap<Long, Pending> pending() {
    return java.util.Collections.unmodifiableNavigableMap(pending);
  }

  public NavigableMap<NotificationKey, Notification> outbox() {
    return java.util.Collections.unmodifiableNavigableMap(outbox);
  }

  /** The status streams by senders' platform (statuses by recipient). */
  public Map<String, StatusStream> statusStreams() {
    return java.util.Collections.unmodifiableMap(statusStreams);
  }

  /** Statuses owed: to senders' mailboxes and to senders' platforms directly. */
  public int owedStatuses() {
    int owed = outbox.size();
    for (StatusStream stream : statusStreams.values()) {
      owed += stream.owed.size();
    }
    return owed;
  }

  public Optional<Accepted> acceptedMessage(Address sender, String messageId) {
    return Optional.ofNullable(acceptedIds.get(new MessageKey(sender, messageId)));
  }

  /**
   * Whether {@code messageId} names, among the messages this mailbox remembers (§3.4's dedup
   * memory), a message of another sender and none of {@code sender}: the message an edit or delete
   * by {@code sender} would name is then someone else's. A scan of the dedup memory, made only for
   * edits and deletes, so that accepting a message keeps no index for it.
   */
  public boolean rememberedOnlyFromOthers(Address sender, String messageId) {
    if (acceptedIds.containsKey(new MessageKey(sender, messageId))) {
      return false;
    }
    for (MessageKey key : acceptedIds.keySet()) {
      if (key.messageId().equals(messageId)) {
        return true;
      }
    }
    return false;
  }

  public Optional<Accepted> acceptedStatus(Status.Key key) {
    return Optional.ofNullable(acceptedStatuses.get(key));
  }

  /** Whether a message from {@code sender} is accepted, given the platform's default. */
  public boolean accepts(Address sender, boolean platformDefault) {
    return optedIn.orElse(platformDefault) && !blocked.contains(sender);
  }

  public boolean blocks(Address sender) {
    return blocked.contains(sender);
  }

  public Optional<Boolean> optedIn() {
    return optedIn;
  }

  public int blockedCount() {
    return blocked.size();
  }

  /** Items to push or statuses to send: the mailbox must not be forgotten while this holds. */
  public boolean hasWork() {
    if (!pending.isEmpty() || !outbox.isEmpty()) {
      return true;
    }
    for (StatusStream stream : statusStreams.values()) {
      if (!stream.owed.isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /** An immutable copy of everything the state holds: what a snapshot stores. */
  public record Snapshot(
      long lastSequence,
      long acknowledgedUpTo,
      long readUpTo,
      List<Pending> pending,
      Map<MessageKey, Accepted> acceptedIds,
      Map<Status.Key, Accepted> acceptedStatuses,
      Map<Long, Unread> unread,
      Map<NotificationKey, Notification> outbox,
      Optional<Boolean> optedIn,
      Set<Address> blocked,
      List<StatusStreamSnapshot> statusStreams) {}

  /** Copies the state, in the entity's thread, for a snapshot. */
  public Snapshot toSnapshot() {
    return new Snapshot(
        lastSequence,
        acknowledgedUpTo,
        readUpTo,
        List.copyOf(pending.values()),
        new LinkedHashMap<>(acceptedIds),
        new LinkedHashMap<>(acceptedStatuses),
        new TreeMap<>(unread),
        new TreeMap<>(outbox),
        optedIn,
        Set.copyOf(blocked),
        statusStreams.entrySet().stream()
            .map(
                e ->
                    new StatusStreamSnapshot(
                        e.getKey(),
                        e.getValue().last,
                        e.getValue().acknowledgedUpTo,
                        List.copyOf(e.getValue().owed.values())))
            .toList());
  }

  /** The state a snapshot was taken of. */
  public static MailboxState fromSnapshot(Limits limits, Snapshot snapshot) {
    MailboxState state = new MailboxState(limits);
    state.lastSequence = snapshot.lastSequence();
    state.acknowledgedUpTo = snapshot.acknowledgedUpTo();
    state.readUpTo = snapshot.readUpTo();
    snapshot.pending().forEach(p -> state.pending.put(p.sequence(), p));
    state.acceptedIds.putAll(snapshot.acceptedIds());
    state.acceptedStatuses.putAll(snapshot.acceptedStatuses());
    state.unread.putAll(snapshot.unread());
    state.outbox.putAll(snapshot.outbox());
    state.optedIn = snapshot.optedIn();
    state.blocked.addAll(snapshot.blocked());
    for (StatusStreamSnapshot stored : snapshot.statusStreams()) {
      StatusStream stream = new StatusStream();
      stream.last = stored.last();
      stream.acknowledgedUpTo = stored.acknowledgedUpTo();
      stored.owed().forEach(o -> stream.owed.put(o.position(), o));
      state.statusStreams.put(stored.platformId(), stream);
    }
    return state;
  }

  /**
   * A status this mailbox came to owe a sender: of which message, what, when; {@code byRecipient}:
   * through its platform's status stream rather than the sender's mailbox.
   */
  public record OwedStatus(NotificationKey key, Notification notification, boolean byRecipient) {}

  public MailboxState apply(Event event) {
    return apply(event, null);
  }

  /**
   * Applies {@code event}; {@code owed} is {@link #owedBy}{@code (event)} when the caller has it
   * already (it is not computed twice), null otherwise.
   */
  public MailboxState apply(Event event, List<OwedStatus> owed) {
    if (event instanceof UserMailbox.MessageAccepted e) {
      lastSequence = e.sequence();
      pending.put(
          e.sequence(),
          new Pending(
              e.sequence(),
              e.acceptedAtMs(),
              new MailboxItem.Incoming(e.message()),
              e.statusesByRecipient()));
      acceptedIds.put(
          new MessageKey(e.message().sender(), e.message().messageId()),
          new Accepted(e.sequence(), e.acceptedAtMs()));
      if (owesStatuses(e.message())) {
        unread.put(
            e.sequence(),
            new Unread(
                e.message().sender(),
                e.message().messageId(),
                e.acceptedAtMs(),
                e.statusesByRecipient()));
      }
      prune(e.acceptedAtMs());
    } else if (event instanceof UserMailbox.StatusAccepted e) {
      lastSequence = e.sequence();
      pending.put(
          e.sequence(),
          new Pending(e.sequence(), e.acceptedAtMs(), new MailboxItem.StatusUpdate(e.status())));
      acceptedStatuses.put(e.status().key(), new Accepted(e.sequence(), e.acceptedAtMs()));
      prune(e.acceptedAtMs());
    } else if (event instanceof UserMailbox.ItemsAcknowledged e) {
      settle(e.upToSequence(), owed != null ? owed : owedBy(e));
    } else if (event instanceof UserMailbox.ItemsExpired e) {
      settle(e.upToSequence(), owed != null ? owed : owedBy(e));
    } else if (event instanceof UserMailbox.MessagesRead e) {
      (owed != null ? owed : owedBy(e)).forEach(this::owe);
      unread.headMap(e.upToSequence(), true).clear();
      readUpTo = Math.max(readUpTo, e.upToSequence());
    } else if (event instanceof UserMailbox.NotificationsConfirmed e) {
      e.keys().forEach(outbox::remove);
    } else if (event instanceof UserMailbox.StatusesAcknowledged e) {
      StatusStream stream = statusStreams.get(e.platformId());
      if (stream != null) {
        stream.owed.headMap(e.upToSequence(), true).clear();
        stream.acknowledgedUpTo = Math.max(stream.acknowledgedUpTo, e.upToSequence());
      }
    } else if (event instanceof UserMailbox.ConsentChanged e) {
      optedIn = Optional.of(e.optedIn());
    } else if (event instanceof UserMailbox.SenderBlockChanged e) {
      if (e.blocked()) {
        blocked.add(e.sender());
      } else {
        blocked.remove(e.sender());
      }
    } else {
      throw new IllegalArgumentException("unknown event " + event.getClass().getName());
    }
    return this;
  }

  /**
   * Whether the message's sender is owed its statuses: not for a missed-call record, which the
   * broker wrote and whose "sender" sent nothing.
   */
  private static boolean owesStatuses(Message message) {
    return !(message.content() instanceof Content.CallRecord);
  }

  /**
   * The statuses applying {@code event} makes this mailbox owe its senders, without applying it:
   * DELIVERED for the messages an acknowledgement covers, FAILED (expired) for those an expiry
   * covers, READ for the unread messages a read receipt covers; none for other events.
   */
  public List<OwedStatus> owedBy(Event event) {
    if (event instanceof UserMailbox.ItemsAcknowledged e) {
      return settled(e.upToSequence(), Status.Kind.DELIVERED, Status.Failure.NONE, e.atMs());
    }
    if (event instanceof UserMailbox.ItemsExpired e) {
      return settled(
          e.upToSequence(), Status.Kind.FAILED, Status.Failure.RETENTION_EXPIRED, e.atMs());
    }
    if (event instanceof UserMailbox.MessagesRead e) {
      List<OwedStatus> owed = new ArrayList<>();
      for (Map.Entry<Long, Unread> entry : unread.headMap(e.upToSequence(), true).entrySet()) {
        owed.add(
            new OwedStatus(
                new NotificationKey(entry.getKey(), Status.Kind.READ),
                new Notification(
                    entry.getValue().sender(),
                    entry.getValue().messageId(),
                    Status.Failure.NONE,
                    e.atMs()),
                entry.getValue().statusesByRecipient()));
      }
      return owed;
    }
    return List.of();
  }

  /** For the messages pending up to {@code upTo}, a status of {@code kind} owed to each sender. */
  private List<OwedStatus> settled(long upTo, Status.Kind kind, Status.Failure failure, long atMs) {
    List<OwedStatus> owed = new ArrayList<>();
    for (Pending item : pending.headMap(upTo, true).values()) {
      if (item.item() instanceof MailboxItem.Incoming incoming
          && owesStatuses(incoming.message())) {
        owed.add(
            new OwedStatus(
                new NotificationKey(item.sequence(), kind),
                new Notification(
                    incoming.message().sender(), incoming.message().messageId(), failure, atMs),
                item.statusesByRecipient()));
      }
    }
    return owed;
  }

  /**
   * Removes items up to {@code upTo} from pending, owing the statuses {@code owed} ({@link
   * #settled}); failed (expired) messages can no longer be read.
   */
  private void settle(long upTo, List<OwedStatus> owed) {
    for (OwedStatus status : owed) {
      owe(status);
      if (status.key().kind() == Status.Kind.FAILED) {
        unread.remove(status.key().sequence());
      }
    }
    pending.headMap(upTo, true).clear();
    acknowledgedUpTo = Math.max(acknowledgedUpTo, upTo);
  }

  /**
   * Owes a status: to the sender's mailbox (the outbox), or, {@code byRecipient}, at the next
   * position of the sender's platform's status stream.
   */
  private void owe(OwedStatus status) {
    NotificationKey key = status.key();
    Notification notification = status.notification();
    if (!status.byRecipient()) {
      outbox.put(key, notification);
      return;
    }
    StatusStream stream =
        statusStreams.computeIfAbsent(
            notification.sender().platformId(), platform -> new StatusStream());
    stream.last++;
    stream.owed.put(stream.last, new Owed(stream.last, key, notification));
  }

  /** Forgets dedup entries older than the window, and the oldest beyond the size bound. */
  private void prune(long nowMs) {
    long oldest = nowMs - limits.dedupWindow().toMillis();
    pruneMap(acceptedIds, oldest);
    pruneMap(acceptedStatuses, oldest);
    Iterator<Map.Entry<Long, Unread>> unreadEntries = unread.entrySet().iterator();
    while (unreadEntries.hasNext()) {
      Map.Entry<Long, Unread> entry = unreadEntries.next();
      if (entry.getValue().acceptedAtMs() >= oldest && unread.size() <= limits.dedupMaxEntries()) {
        break;
      }
      unreadEntries.remove();
    }
  }

  private <K> void pruneMap(LinkedHashMap<K, Accepted> map, long oldest) {
    Iterator<Map.Entry<K, Accepted>> entries = map.entrySet().iterator();
    while (entries.hasNext()) {
      Map.Entry<K, Accepted> entry = entries.next();
      if (entry.getValue().acceptedAtMs() >= oldest && map.size() <= limits.dedupMaxEntries()) {
        break;
      }
      entries.remove();
    }
  }
}
