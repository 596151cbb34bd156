package io.peyvand.broker.service;

import io.peyvand.broker.delivery.Deliver;
import io.peyvand.broker.group.Group;
import io.peyvand.broker.group.GroupItem;
import io.peyvand.broker.group.Membership;
import io.peyvand.broker.model.Address;
import io.peyvand.broker.model.Content;
import io.peyvand.broker.model.MailboxItem;
import io.peyvand.broker.model.Message;
import io.peyvand.broker.model.Status;
import io.peyvand.broker.model.StatusNotice;
import io.peyvand.protocol.v1.Accepted;
import io.peyvand.protocol.v1.Delete;
import io.peyvand.protocol.v1.Delivery;
import io.peyvand.protocol.v1.Edit;
import io.peyvand.protocol.v1.EncryptedPayload;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.GroupAddress;
import io.peyvand.protocol.v1.GroupCallChange;
import io.peyvand.protocol.v1.GroupDelivery;
import io.peyvand.protocol.v1.HistoryItem;
import io.peyvand.protocol.v1.MediaReference;
import io.peyvand.protocol.v1.MembershipChange;
import io.peyvand.protocol.v1.MessageStatus;
import io.peyvand.protocol.v1.Reaction;
import io.peyvand.protocol.v1.ReactionCount;
import io.peyvand.protocol.v1.ReactionCounts;
import io.peyvand.protocol.v1.ServerFrame;
import io.peyvand.protocol.v1.StatusDelivery;
import io.peyvand.protocol.v1.SubmitResult;
import io.peyvand.protocol.v1.Text;
import io.peyvand.protocol.v1.UserAddress;

/**
 * The wire model (peyvand.v1) and the broker's domain values, both ways. Validation happens before
 * (module protocol); this only maps.
 */
public final class WireMapping {
  private WireMapping() {}

  public static Address address(UserAddress a) {
    return new Address(a.getPlatformId(), a.getUserId());
  }

  public static UserAddress address(Address a) {
    return UserAddress.newBuilder().setPlatformId(a.platformId()).setUserId(a.userId()).build();
  }

  public static Address group(GroupAddress g) {
    return new Address(g.getPlatformId(), g.getGroupId());
  }

  public static GroupAddress groupAddress(Address g) {
    return GroupAddress.newBuilder().setPlatformId(g.platformId()).setGroupId(g.userId()).build();
  }

  /** A message to a user, or a post to a group: then its recipient is the group's address. */
  public static Message message(Envelope e) {
    Address to = e.hasGroup() ? group(e.getGroup()) : address(e.getRecipient());
    return new Message(
        e.getMessageId(),
        address(e.getSender()),
        to,
        e.getClientTimestampMs(),
        e.getReplyToMessageId(),
        content(e));
  }

  private static Content content(Envelope e) {
    return switch (e.getContentCase()) {
      case TEXT -> new Content.Text(e.getText().getBody());
      case EDIT -> new Content.Edit(e.getEdit().getTargetMessageId(), e.getEdit().getNewBody());
      case DELETE -> new Content.Delete(e.getDelete().getTargetMessageId());
      case REACTION ->
          new Content.Reaction(
              e.getReaction().getTargetMessageId(),
              e.getReaction().getEmoji(),
              e.getReaction().getRemove());
      case MEDIA ->
          new Content.Media(
              e.getMedia().getUrl(),
              e.getMedia().getMimeType(),
              e.getMedia().getSizeBytes(),
              e.getMedia().getSha256(),
              e.getMedia().getCaption());
      case ENCRYPTED ->
          new Content.Encrypted(e.getEncrypted().getScheme(), e.getEncrypted().getCiphertext());
      case CALL_RECORD -> CallMapping.record(e.getCallRecord());
      case CONTENT_NOT_SET -> throw new IllegalArgumentException("envelope has no content");
    };
  }

  public static Envelope envelope(Message m) {
    return envelope(m, false);
  }

  /** The envelope of a message; of a post when {@code toGroup} (the recipient is the group). */
  public static Envelope envelope(Message m, boolean toGroup) {
    Envelope.Builder b =
        Envelope.newBuilder().setMessageId(m.messageId()).setSender(address(m.sender()));
    if (toGroup) {
      b.setGroup(groupAddress(m.recipient()));
    } else {
      b.setRecipient(address(m.recipient()));
    }
    b.setClientTimestampMs(m.clientTimestampMs()).setReplyToMessageId(m.replyToMessageId());
    Content c = m.content();
    if (c instanceof Content.Text t) {
      b.setText(Text.newBuilder().setBody(t.body()));
    } else if (c instanceof Content.Edit ed) {
      b.setEdit(
          Edit.newBuilder().setTargetMessageId(ed.targetMessageId()).setNewBody(ed.newBody()));
    } else if (c instanceof Content.Delete d) {
      b.setDelete(Delete.newBuilder().setTargetMessageId(d.targetMessageId()));
    } else if (c instanceof Content.Reaction r) {
      b.setReaction(
          Reaction.newBuilder()
              .setTargetMessageId(r.targetMessageId())
              .setEmoji(r.emoji())
              .setRemove(r.remove()));
    } else if (c instanceof Content.Media md) {
      b.setMedia(
          MediaReference.newBuilder()
              .setUrl(md.url())
              .setMimeType(md.mimeType())
              .setSizeBytes(md.sizeBytes())
              .setSha256(md.sha256())
              .setCaption(md.caption()));
    } else if (c instanceof Content.Encrypted en) {
      b.setEncrypted(
          EncryptedPayload.newBuilder().setScheme(en.scheme()).setCiphertext(en.ciphertext()));
    } else if (c instanceof Content.CallRecord record) {
      b.setCallRecord(CallMapping.record(record));
    }
    return b.build();
  }

  /**
   * A submission's answer once its mailbox or group stored it: accepted, or duplicate (stored by an
   * earlier try), with the sequence and time it was stored at.
   */
  static SubmitResult stored(
      SubmitResult.Builder result, long sequence, long acceptedAtMs, boolean duplicate) {
    Accepted a = Accepted.newBuilder().setSequence(sequence).setAcceptedAtMs(acceptedAtMs).build();
    return duplicate ? result.setDuplicate(a).build() : result.setAccepted(a).build();
  }

  public static MessageStatus status(Status s) {
    return MessageStatus.newBuilder()
        .setMessageId(s.messageId())
        .setRecipient(address(s.recipient()))
        .setKind(
            switch (s.kind()) {
              case DELIVERED -> MessageStatus.Kind.DELIVERED;
              case READ -> MessageStatus.Kind.READ;
              case FAILED -> MessageStatus.Kind.FAILED;
            })
        .setFailure(
            switch (s.failure()) {
              case NONE -> MessageStatus.Failure.FAILURE_UNSPECIFIED;
              case RETENTION_EXPIRED -> MessageStatus.Failure.RETENTION_EXPIRED;
              case RECIPIENT_GONE -> MessageStatus.Failure.RECIPIENT_GONE;
            })
        .setRecipientSequence(s.recipientSequence())
        .setAtMs(s.atMs())
        .build();
  }

  /**
   * The frame a session writes for one pushed item: a Delivery, a GroupDelivery or a
   * StatusDelivery.
   */
  public static ServerFrame frame(Deliver d, boolean memberLists) {
    if (d.item() instanceof StatusNotice notice) {
      return ServerFrame.newBuilder()
          .setStatusDelivery(
              StatusDelivery.newBuilder()
                  .setRecipient(address(d.stream().address()))
                  .setSequence(d.sequence())
                  .setRedelivery(d.redelivery())
                  .setAcknowledgedUpTo(d.acknowledgedUpTo())
                  .setSender(address(notice.sender()))
                  .setStatus(status(notice.status())))
          .build();
    }
    if (d.item() instanceof MailboxItem item) {
      return ServerFrame.newBuilder()
          .setDelivery(
              delivery(
                  d.stream().address(),
                  d.sequence(),
                  d.redelivery(),
                  d.acceptedAtMs(),
                  d.acknowledgedUpTo(),
                  item))
          .build();
    }
    if (d.item() instanceof Group.Push push) {
      return ServerFrame.newBuilder()
          .setGroupDelivery(
              groupDelivery(
                  d.stream().address(),
                  d.sequence(),
                  d.redelivery(),
                  d.acceptedAtMs(),
                  d.acknowledgedUpTo(),
                  push,
                  memberLists))
          .build();
    }
    throw new IllegalArgumentException("no frame for " + d.item().getClass().getName());
  }

  /** The GroupDelivery frame of one item of a group's log. */
  public static GroupDelivery groupDelivery(
      Address group,
      long sequence,
      boolean redelivery,
      long acceptedAtMs,
      long acknowledgedUpTo,
      Group.Push push,
      boolean memberLists) {
    GroupDelivery.Builder b =
        GroupDelivery.newBuilder()
            .setGroup(groupAddress(group))
            .setSequence(sequence)
            .setRedelivery(redelivery)
            .setAcceptedAtMs(acceptedAtMs)
            .setAcknowledgedUpTo(acknowledgedUpTo);
    if (memberLists) {
      b.addAllMemberIds(push.memberIds());
    }
    GroupItem item = push.item();
    if (item instanceof GroupItem.Post post) {
      b.setPost(envelope(post.message(), true));
    } else if (item instanceof GroupItem.Counts counts) {
      ReactionCounts.Builder c =
          ReactionCounts.newBuilder()
              .setPostSequence(counts.postSequence())
              .setMessageId(counts.messageId());
      counts
          .counts()
          .forEach(
              (emoji, n) -> c.addCounts(ReactionCount.newBuilder().setEmoji(emoji).setCount(n)));
      b.setCounts(c);
    } else if (item instanceof GroupItem.CallChanged call) {
      b.setCall(groupCallChange(call));
    } else {
      b.setChange(membershipChange(item));
    }
    return b.build();
  }

  public static GroupCallChange groupCallChange(GroupItem.CallChanged call) {
    return GroupCallChange.newBuilder()
        .setUser(address(call.user()))
        .setCallId(call.callId())
        .setAction(
            switch (call.action()) {
              case JOINED -> GroupCallChange.Action.JOINED;
              case LEFT -> GroupCallChange.Action.LEFT;
              case MUTED -> GroupCallChange.Action.MUTED;
              case UNMUTED -> GroupCallChange.Action.UNMUTED;
            })
        .build();
  }

  /** A page of history item: a post or a change of the group. */
  public static HistoryItem historyItem(Group.LoggedItem logged) {
    HistoryItem.Builder b =
        HistoryItem.newBuilder()
            .setSequence(logged.sequence())
            .setAcceptedAtMs(logged.acceptedAtMs());
    if (logged.item() instanceof GroupItem.Post post) {
      b.setPost(envelope(post.message(), true));
    } else if (logged.item() instanceof GroupItem.CallChanged call) {
      b.setCall(groupCallChange(call));
    } else {
      b.setChange(membershipChange(logged.item()));
    }
    return b.build();
  }

  /** The MembershipChange of a creation, membership change or rename item. */
  public static MembershipChange membershipChange(GroupItem item) {
    if (item instanceof GroupItem.Changed change) {
      return membershipChange(change);
    }
    if (item instanceof GroupItem.Created created) {
      return MembershipChange.newBuilder()
          .setActor(address(created.owner()))
          .setUser(address(created.owner()))
          .setKind(MembershipChange.Kind.CREATED)
          .setRole(io.peyvand.protocol.v1.Role.OWNER)
          .setTitle(created.title())
          .build();
    }
    if (item instanceof GroupItem.Titled title) {
      return MembershipChange.newBuilder()
          .setActor(address(title.actor()))
          .setKind(MembershipChange.Kind.TITLE_CHANGED)
          .setTitle(title.title())
          .build();
    }
    throw new IllegalArgumentException("not a membership change: " + item);
  }

  public static MembershipChange membershipChange(GroupItem.Changed item) {
    Membership.Change change = item.change();
    MembershipChange.Builder b =
        MembershipChange.newBuilder()
            .setActor(address(item.actor()))
            .setUser(address(change.user()));
    boolean self = item.actor().equals(change.user());
    if (change instanceof Membership.Added added) {
      b.setKind(self ? MembershipChange.Kind.JOINED : MembershipChange.Kind.ADDED)
          .setRole(role(added.role()));
    } else if (change instanceof Membership.Removed) {
      b.setKind(self ? MembershipChange.Kind.LEFT : MembershipChange.Kind.REMOVED);
    } else if (change instanceof Membership.RoleChanged changed) {
      b.setKind(
              changed.role() == Membership.Role.MEMBER
                  ? MembershipChange.Kind.DEMOTED
                  : MembershipChange.Kind.PROMOTED)
          .setRole(role(changed.role()));
    } else if (change instanceof Membership.Muted muted) {
      b.setKind(muted.muted() ? MembershipChange.Kind.MUTED : MembershipChange.Kind.UNMUTED);
    }
    return b.build();
  }

  public static io.peyvand.protocol.v1.Role role(Membership.Role role) {
    return switch (role) {
      case MEMBER -> io.peyvand.protocol.v1.Role.MEMBER;
      case ADMIN -> io.peyvand.protocol.v1.Role.ADMIN;
      case OWNER -> io.peyvand.protocol.v1.Role.OWNER;
    };
  }

  /** The Delivery frame of one mailbox item. */
  public static Delivery delivery(
      Address mailbox,
      long sequence,
      boolean redelivery,
      long acceptedAtMs,
      long acknowledgedUpTo,
      MailboxItem item) {
    Delivery.Builder b =
        Delivery.newBuilder()
            .setMailbox(address(mailbox))
            .setSequence(sequence)
            .setRedelivery(redelivery)
            .setAcceptedAtMs(acceptedAtMs)
            .setAcknowledgedUpTo(acknowledgedUpTo);
    if (item instanceof MailboxItem.Incoming in) {
      b.setMessage(envelope(in.message()));
    } else if (item instanceof MailboxItem.StatusUpdate st) {
      b.setStatus(status(st.status()));
    }
    return b.build();
  }
}
