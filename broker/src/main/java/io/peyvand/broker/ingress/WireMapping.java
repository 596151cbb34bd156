package io.peyvand.broker.ingress;

import io.peyvand.broker.model.Address;
import io.peyvand.broker.model.Content;
import io.peyvand.broker.model.MailboxItem;
import io.peyvand.broker.model.Message;
import io.peyvand.broker.model.Status;
import io.peyvand.protocol.v1.Delete;
import io.peyvand.protocol.v1.Delivery;
import io.peyvand.protocol.v1.Edit;
import io.peyvand.protocol.v1.EncryptedPayload;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.MediaReference;
import io.peyvand.protocol.v1.MessageStatus;
import io.peyvand.protocol.v1.Reaction;
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

  public static Message message(Envelope e) {
    return new Message(e.getMessageId(), address(e.getSender()), address(e.getRecipient()),
        e.getClientTimestampMs(), e.getReplyToMessageId(), content(e));
  }

  private static Content content(Envelope e) {
    return switch (e.getContentCase()) {
      case TEXT -> new Content.Text(e.getText().getBody());
      case EDIT -> new Content.Edit(e.getEdit().getTargetMessageId(), e.getEdit().getNewBody());
      case DELETE -> new Content.Delete(e.getDelete().getTargetMessageId());
      case REACTION -> new Content.Reaction(e.getReaction().getTargetMessageId(),
          e.getReaction().getEmoji(), e.getReaction().getRemove());
      case MEDIA -> new Content.Media(e.getMedia().getUrl(), e.getMedia().getMimeType(),
          e.getMedia().getSizeBytes(), e.getMedia().getSha256(), e.getMedia().getCaption());
      case ENCRYPTED -> new Content.Encrypted(e.getEncrypted().getScheme(),
          e.getEncrypted().getCiphertext());
      case CONTENT_NOT_SET -> throw new IllegalArgumentException("envelope has no content");
    };
  }

  public static Envelope envelope(Message m) {
    Envelope.Builder b = Envelope.newBuilder()
        .setMessageId(m.messageId())
        .setSender(address(m.sender()))
        .setRecipient(address(m.recipient()))
        .setClientTimestampMs(m.clientTimestampMs())
        .setReplyToMessageId(m.replyToMessageId());
    Content c = m.content();
    if (c instanceof Content.Text t) {
      b.setText(Text.newBuilder().setBody(t.body()));
    } else if (c instanceof Content.Edit ed) {
      b.setEdit(Edit.newBuilder().setTargetMessageId(ed.targetMessageId())
          .setNewBody(ed.newBody()));
    } else if (c instanceof Content.Delete d) {
      b.setDelete(Delete.newBuilder().setTargetMessageId(d.targetMessageId()));
    } else if (c instanceof Content.Reaction r) {
      b.setReaction(Reaction.newBuilder().setTargetMessageId(r.targetMessageId())
          .setEmoji(r.emoji()).setRemove(r.remove()));
    } else if (c instanceof Content.Media md) {
      b.setMedia(MediaReference.newBuilder().setUrl(md.url()).setMimeType(md.mimeType())
          .setSizeBytes(md.sizeBytes()).setSha256(md.sha256()).setCaption(md.caption()));
    } else if (c instanceof Content.Encrypted en) {
      b.setEncrypted(EncryptedPayload.newBuilder().setScheme(en.scheme())
          .setCiphertext(en.ciphertext()));
    }
    return b.build();
  }

  public static MessageStatus status(Status s) {
    return MessageStatus.newBuilder()
        .setMessageId(s.messageId())
        .setRecipient(address(s.recipient()))
        .setKind(switch (s.kind()) {
          case DELIVERED -> MessageStatus.Kind.DELIVERED;
          case READ -> MessageStatus.Kind.READ;
          case FAILED -> MessageStatus.Kind.FAILED;
        })
        .setFailure(switch (s.failure()) {
          case NONE -> MessageStatus.Failure.FAILURE_UNSPECIFIED;
          case RETENTION_EXPIRED -> MessageStatus.Failure.RETENTION_EXPIRED;
          case RECIPIENT_GONE -> MessageStatus.Failure.RECIPIENT_GONE;
        })
        .setRecipientSequence(s.recipientSequence())
        .setAtMs(s.atMs())
        .build();
  }

  /** The Delivery frame of one mailbox item. */
  public static Delivery delivery(Address mailbox, long sequence, boolean redelivery,
      long acceptedAtMs, long acknowledgedUpTo, MailboxItem item) {
    Delivery.Builder b = Delivery.newBuilder()
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
