package io.peyvand.broker.serialization;

import io.peyvand.broker.model.Address;
import io.peyvand.broker.model.CallEnd;
import io.peyvand.broker.model.CallMedia;
import io.peyvand.broker.model.Capabilities;
import io.peyvand.broker.model.Content;
import io.peyvand.broker.model.Message;
import io.peyvand.broker.model.Quota;
import io.peyvand.broker.model.Status;
import io.peyvand.persistence.stored.v1.StoredAddress;
import io.peyvand.persistence.stored.v1.StoredCallRecord;
import io.peyvand.persistence.stored.v1.StoredCapabilities;
import io.peyvand.persistence.stored.v1.StoredDelete;
import io.peyvand.persistence.stored.v1.StoredEdit;
import io.peyvand.persistence.stored.v1.StoredEncrypted;
import io.peyvand.persistence.stored.v1.StoredMedia;
import io.peyvand.persistence.stored.v1.StoredMessage;
import io.peyvand.persistence.stored.v1.StoredQuota;
import io.peyvand.persistence.stored.v1.StoredReaction;
import io.peyvand.persistence.stored.v1.StoredStatus;
import io.peyvand.persistence.stored.v1.StoredText;

/** The domain values and their stored protobuf form, both ways. */
final class StoredModel {
  private StoredModel() {}

  static StoredAddress address(Address a) {
    return StoredAddress.newBuilder().setPlatformId(a.platformId()).setUserId(a.userId()).build();
  }

  static Address address(StoredAddress a) {
    return new Address(a.getPlatformId(), a.getUserId());
  }

  static StoredMessage message(Message m) {
    StoredMessage.Builder b =
        StoredMessage.newBuilder()
            .setMessageId(m.messageId())
            .setSender(address(m.sender()))
            .setRecipient(address(m.recipient()))
            .setClientTimestampMs(m.clientTimestampMs())
            .setReplyToMessageId(m.replyToMessageId());
    Content c = m.content();
    if (c instanceof Content.Text t) {
      b.setText(StoredText.newBuilder().setBody(t.body()));
    } else if (c instanceof Content.Edit e) {
      b.setEdit(
          StoredEdit.newBuilder().setTargetMessageId(e.targetMessageId()).setNewBody(e.newBody()));
    } else if (c instanceof Content.Delete d) {
      b.setDelete(StoredDelete.newBuilder().setTargetMessageId(d.targetMessageId()));
    } else if (c instanceof Content.Reaction r) {
      b.setReaction(
          StoredReaction.newBuilder()
              .setTargetMessageId(r.targetMessageId())
              .setEmoji(r.emoji())
              .setRemove(r.remove()));
    } else if (c instanceof Content.Media md) {
      b.setMedia(
          StoredMedia.newBuilder()
              .setUrl(md.url())
              .setMimeType(md.mimeType())
              .setSizeBytes(md.sizeBytes())
              .setSha256(md.sha256())
              .setCaption(md.caption()));
    } else if (c instanceof Content.Encrypted en) {
      b.setEncrypted(
          StoredEncrypted.newBuilder().setScheme(en.scheme()).setCiphertext(en.ciphertext()));
    } else if (c instanceof Content.CallRecord r) {
      b.setCallRecord(callRecord(r));
    } else {
      throw new IllegalArgumentException("no stored form for content " + c);
    }
    return b.build();
  }

  static Message message(StoredMessage m) {
    return new Message(
        m.getMessageId(),
        address(m.getSender()),
        address(m.getRecipient()),
        m.getClientTimestampMs(),
        m.getReplyToMessageId(),
        content(m));
  }

  private static Content content(StoredMessage m) {
    return switch (m.getContentCase()) {
      case TEXT -> new Content.Text(m.getText().getBody());
      case EDIT -> new Content.Edit(m.getEdit().getTargetMessageId(), m.getEdit().getNewBody());
      case DELETE -> new Content.Delete(m.getDelete().getTargetMessageId());
      case REACTION ->
          new Content.Reaction(
              m.getReaction().getTargetMessageId(),
              m.getReaction().getEmoji(),
              m.getReaction().getRemove());
      case MEDIA ->
          new Content.Media(
              m.getMedia().getUrl(),
              m.getMedia().getMimeType(),
              m.getMedia().getSizeBytes(),
              m.getMedia().getSha256(),
              m.getMedia().getCaption());
      case ENCRYPTED ->
          new Content.Encrypted(m.getEncrypted().getScheme(), m.getEncrypted().getCiphertext());
      case CALL_RECORD -> callRecord(m.getCallRecord());
      case CONTENT_NOT_SET ->
          throw new IllegalArgumentException(
              "stored message " + m.getMessageId() + " has no content");
    };
  }

  static StoredCallRecord callRecord(Content.CallRecord r) {
    return StoredCallRecord.newBuilder()
        .setCallId(r.callId())
        .setCaller(address(r.caller()))
        .setCallee(address(r.callee()))
        .addAllMedia(r.media().stream().map(CallMedia::stored).toList())
        .setReason(r.reason().stored())
        .setStartedAtMs(r.startedAtMs())
        .setEndedAtMs(r.endedAtMs())
        .build();
  }

  static Content.CallRecord callRecord(StoredCallRecord r) {
    return new Content.CallRecord(
        r.getCallId(),
        address(r.getCaller()),
        address(r.getCallee()),
        r.getMediaList().stream().map(CallMedia::fromStored).toList(),
        CallEnd.fromStored(r.getReason()),
        r.getStartedAtMs(),
        r.getEndedAtMs());
  }

  static StoredStatus.Kind kind(Status.Kind k) {
    return switch (k) {
      case DELIVERED -> StoredStatus.Kind.DELIVERED;
      case READ -> StoredStatus.Kind.READ;
      case FAILED -> StoredStatus.Kind.FAILED;
    };
  }

  static Status.Kind kind(StoredStatus.Kind k) {
    return switch (k) {
      case DELIVERED -> Status.Kind.DELIVERED;
      case READ -> Status.Kind.READ;
      case FAILED -> Status.Kind.FAILED;
      default -> throw new IllegalArgumentException("unknown stored status kind " + k);
    };
  }

  static StoredStatus.Failure failure(Status.Failure f) {
    return switch (f) {
      case NONE -> StoredStatus.Failure.NONE;
      case RETENTION_EXPIRED -> StoredStatus.Failure.RETENTION_EXPIRED;
      case RECIPIENT_GONE -> StoredStatus.Failure.RECIPIENT_GONE;
    };
  }

  static Status.Failure failure(StoredStatus.Failure f) {
    return switch (f) {
      case RETENTION_EXPIRED -> Status.Failure.RETENTION_EXPIRED;
      case RECIPIENT_GONE -> Status.Failure.RECIPIENT_GONE;
      default -> Status.Failure.NONE;
    };
  }

  static StoredStatus status(Status s) {
    return StoredStatus.newBuilder()
        .setMessageId(s.messageId())
        .setRecipient(address(s.recipient()))
        .setKind(kind(s.kind()))
        .setFailure(failure(s.failure()))
        .setRecipientSequence(s.recipientSequence())
        .setAtMs(s.atMs())
        .build();
  }

  static Status status(StoredStatus s) {
    return new Status(
        s.getMessageId(),
        address(s.getRecipient()),
        kind(s.getKind()),
        failure(s.getFailure()),
        s.getRecipientSequence(),
        s.getAtMs());
  }

  static StoredCapabilities capabilities(Capabilities c) {
    return StoredCapabilities.newBuilder()
        .setMaxTextBytes(c.maxTextBytes())
        .setMedia(c.media())
        .setMaxMediaBytes(c.maxMediaBytes())
        .setEdits(c.edits())
        .setEditWindowSeconds(c.editWindowSeconds())
        .setDeletes(c.deletes())
        .setReactions(c.reactions())
        .setReplies(c.replies())
        .setReadReceipts(c.readReceipts())
        .addAllEncryptionSchemes(c.encryptionSchemes())
        .setGroupMemberLists(c.groupMemberLists())
        .setStatusesByRecipient(c.statusesByRecipient())
        .setCallsAudio(c.callsAudio())
        .setCallsVideo(c.callsVideo())
        .build();
  }

  static Capabilities capabilities(StoredCapabilities c) {
    return new Capabilities(
        c.getMaxTextBytes(),
        c.getMedia(),
        c.getMaxMediaBytes(),
        c.getEdits(),
        c.getEditWindowSeconds(),
        c.getDeletes(),
        c.getReactions(),
        c.getReplies(),
        c.getReadReceipts(),
        c.getEncryptionSchemesList(),
        c.getGroupMemberLists(),
        c.getStatusesByRecipient(),
        c.getCallsAudio(),
        c.getCallsVideo());
  }

  static StoredQuota quota(Quota q) {
    return StoredQuota.newBuilder()
        .setSubmitsPerSecond(q.submitsPerSecond())
        .setSubmitBurst(q.submitBurst())
        .setUserSubmitsPerSecond(q.userSubmitsPerSecond())
        .setUserSubmitBurst(q.userSubmitBurst())
        .setSessionsPerNode(q.sessionsPerNode())
        .setDirectoryNewNumbersPerDay(q.directoryNewNumbersPerDay())
        .build();
  }

  static Quota quota(StoredQuota q) {
    return new Quota(
        q.getSubmitsPerSecond(),
        q.getSubmitBurst(),
        q.getUserSubmitsPerSecond(),
        q.getUserSubmitBurst(),
        q.getSessionsPerNode(),
        q.getDirectoryNewNumbersPerDay());
  }
}
