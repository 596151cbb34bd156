package io.peyvand.broker.serialization;

import io.peyvand.broker.mailbox.MailboxState;
import io.peyvand.broker.mailbox.MailboxState.Accepted;
import io.peyvand.broker.mailbox.MailboxState.MessageKey;
import io.peyvand.broker.mailbox.MailboxState.NotificationKey;
import io.peyvand.broker.model.Address;
import io.peyvand.broker.model.MailboxItem;
import io.peyvand.broker.model.Status;
import io.peyvand.persistence.stored.v1.AcceptedMessageId;
import io.peyvand.persistence.stored.v1.AcceptedStatus;
import io.peyvand.persistence.stored.v1.MailboxSnapshot;
import io.peyvand.persistence.stored.v1.Notification;
import io.peyvand.persistence.stored.v1.OwedStatus;
import io.peyvand.persistence.stored.v1.PendingItem;
import io.peyvand.persistence.stored.v1.StatusStream;
import io.peyvand.persistence.stored.v1.Unread;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.pekko.persistence.typed.SnapshotAdapter;

/**
 * A mailbox's state to and from its stored snapshot ({@code MailboxSnapshot}). The conversion to
 * protobuf happens in the entity's thread when the snapshot is taken, so the mutable state is never
 * read from another thread.
 */
public final class MailboxSnapshots implements SnapshotAdapter<MailboxState> {
  private final MailboxState.Limits limits;

  public MailboxSnapshots(MailboxState.Limits limits) {
    this.limits = limits;
  }

  @Override
  public Object toJournal(MailboxState state) {
    return toStored(state.toSnapshot());
  }

  @Override
  public MailboxState fromJournal(Object from) {
    return MailboxState.fromSnapshot(limits, fromStored((MailboxSnapshot) from));
  }

  static io.peyvand.persistence.stored.v1.NotificationKey key(NotificationKey k) {
    return io.peyvand.persistence.stored.v1.NotificationKey.newBuilder()
        .setSequence(k.sequence())
        .setKind(StoredModel.kind(k.kind()))
        .build();
  }

  static NotificationKey key(io.peyvand.persistence.stored.v1.NotificationKey k) {
    return new NotificationKey(k.getSequence(), StoredModel.kind(k.getKind()));
  }

  static MailboxSnapshot toStored(MailboxState.Snapshot s) {
    MailboxSnapshot.Builder b =
        MailboxSnapshot.newBuilder()
            .setLastSequence(s.lastSequence())
            .setAcknowledgedUpTo(s.acknowledgedUpTo())
            .setReadUpTo(s.readUpTo())
            .setConsent(
                s.optedIn()
                    .map(
                        in ->
                            in
                                ? MailboxSnapshot.Consent.OPTED_IN
                                : MailboxSnapshot.Consent.OPTED_OUT)
                    .orElse(MailboxSnapshot.Consent.UNSET));
    for (MailboxState.Pending p : s.pending()) {
      PendingItem.Builder item =
          PendingItem.newBuilder()
              .setSequence(p.sequence())
              .setAcceptedAtMs(p.acceptedAtMs())
              .setStatusesByRecipient(p.statusesByRecipient());
      if (p.item() instanceof MailboxItem.Incoming in) {
        item.setMessage(StoredModel.message(in.message()));
      } else if (p.item() instanceof MailboxItem.StatusUpdate st) {
        item.setStatus(StoredModel.status(st.status()));
      }
      b.addPending(item);
    }
    s.acceptedIds()
        .forEach(
            (k, a) ->
                b.addAcceptedIds(
                    AcceptedMessageId.newBuilder()
                        .setSender(StoredModel.address(k.sender()))
                        .setMessageId(k.messageId())
                        .setSequence(a.sequence())
                        .setAcceptedAtMs(a.acceptedAtMs())));
    s.acceptedStatuses()
        .forEach(
            (k, a) ->
                b.addAcceptedStatuses(
                    AcceptedStatus.newBuilder()
                        .setMessageId(k.messageId())
                        .setRecipient(StoredModel.address(k.recipient()))
                        .setKind(StoredModel.kind(k.kind()))
                        .setSequence(a.sequence())
                        .setAcceptedAtMs(a.acceptedAtMs())));
    s.unread()
        .forEach(
            (seq, u) ->
                b.addUnread(
                    Unread.newBuilder()
                        .setSequence(seq)
                        .setSender(StoredModel.address(u.sender()))
                        .setMessageId(u.messageId())
                        .setAcceptedAtMs(u.acceptedAtMs())
                        .setStatusesByRecipient(u.statusesByRecipient())));
    s.outbox().forEach((k, n) -> b.addOutbox(notification(k, n)));
    for (MailboxState.StatusStreamSnapshot stream : s.statusStreams()) {
      StatusStream.Builder stored =
          StatusStream.newBuilder()
              .setPlatformId(stream.platformId())
              .setLastSequence(stream.last())
              .setAcknowledgedUpTo(stream.acknowledgedUpTo());
      stream
          .owed()
          .forEach(
              o ->
                  stored.addOwed(
                      OwedStatus.newBuilder()
                          .setStreamSequence(o.position())
                          .setNotification(notification(o.key(), o.notification()))));
      b.addStatusStreams(stored);
    }
    s.blocked().forEach(a -> b.addBlocked(StoredModel.address(a)));
    return b.build();
  }

  static MailboxState.Snapshot fromStored(MailboxSnapshot m) {
    List<MailboxState.Pending> pending = new ArrayList<>();
    for (PendingItem p : m.getPendingList()) {
      MailboxItem item =
          p.hasMessage()
              ? new MailboxItem.Incoming(StoredModel.message(p.getMessage()))
              : new MailboxItem.StatusUpdate(StoredModel.status(p.getStatus()));
      pending.add(
          new MailboxState.Pending(
              p.getSequence(), p.getAcceptedAtMs(), item, p.getStatusesByRecipient()));
    }
    Map<MessageKey, Accepted> ids = new LinkedHashMap<>();
    m.getAcceptedIdsList()
        .forEach(
            a ->
                ids.put(
                    new MessageKey(StoredModel.address(a.getSender()), a.getMessageId()),
                    new Accepted(a.getSequence(), a.getAcceptedAtMs())));
    Map<Status.Key, Accepted> statuses = new LinkedHashMap<>();
    m.getAcceptedStatusesList()
        .forEach(
            a ->
                statuses.put(
                    new Status.Key(
                        a.getMessageId(),
                        StoredModel.address(a.getRecipient()),
                        StoredModel.kind(a.getKind())),
                    new Accepted(a.getSequence(), a.getAcceptedAtMs())));
    Map<Long, MailboxState.Unread> unread = new TreeMap<>();
    m.getUnreadList()
        .forEach(
            u ->
                unread.put(
                    u.getSequence(),
                    new MailboxState.Unread(
                        StoredModel.address(u.getSender()),
                        u.getMessageId(),
                        u.getAcceptedAtMs(),
                        u.getStatusesByRecipient())));
    Map<NotificationKey, MailboxState.Notification> outbox = new TreeMap<>();
    m.getOutboxList().forEach(n -> outbox.put(notificationKey(n), notification(n)));
    List<MailboxState.StatusStreamSnapshot> streams = new ArrayList<>();
    for (StatusStream stream : m.getStatusStreamsList()) {
      List<MailboxState.Owed> owed = new ArrayList<>();
      stream
          .getOwedList()
          .forEach(
              o ->
                  owed.add(
                      new MailboxState.Owed(
                          o.getStreamSequence(),
                          notificationKey(o.getNotification()),
                          notification(o.getNotification()))));
      streams.add(
          new MailboxState.StatusStreamSnapshot(
              stream.getPlatformId(),
              stream.getLastSequence(),
              stream.getAcknowledgedUpTo(),
              owed));
    }
    Set<Address> blocked = new HashSet<>();
    m.getBlockedList().forEach(a -> blocked.add(StoredModel.address(a)));
    Optional<Boolean> optedIn =
        switch (m.getConsent()) {
          case OPTED_IN -> Optional.of(true);
          case OPTED_OUT -> Optional.of(false);
          default -> Optional.empty();
        };
    return new MailboxState.Snapshot(
        m.getLastSequence(),
        m.getAcknowledgedUpTo(),
        m.getReadUpTo(),
        pending,
        ids,
        statuses,
        unread,
        outbox,
        optedIn,
        blocked,
        streams);
  }

  private static Notification notification(NotificationKey k, MailboxState.Notification n) {
    return Notification.newBuilder()
        .setSequence(k.sequence())
        .setKind(StoredModel.kind(k.kind()))
        .setSender(StoredModel.address(n.sender()))
        .setMessageId(n.messageId())
        .setFailure(StoredModel.failure(n.failure()))
        .setAtMs(n.atMs())
        .build();
  }

  private static NotificationKey notificationKey(Notification n) {
    return new NotificationKey(n.getSequence(), StoredModel.kind(n.getKind()));
  }

  private static MailboxState.Notification notification(Notification n) {
    return new MailboxState.Notification(
        StoredModel.address(n.getSender()),
        n.getMessageId(),
        StoredModel.failure(n.getFailure()),
        n.getAtMs());
  }
}
