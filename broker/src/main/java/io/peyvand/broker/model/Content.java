package io.peyvand.broker.model;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.google.protobuf.ByteString;
import java.util.List;

/**
 * What a message carries. The broker reads only what it must check; encrypted payloads are opaque.
 * Crosses nodes inside commands (Jackson CBOR, see ClusterMessage): each kind has a stable name.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = Content.Text.class, name = "text"),
  @JsonSubTypes.Type(value = Content.Edit.class, name = "edit"),
  @JsonSubTypes.Type(value = Content.Delete.class, name = "delete"),
  @JsonSubTypes.Type(value = Content.Reaction.class, name = "reaction"),
  @JsonSubTypes.Type(value = Content.Media.class, name = "media"),
  @JsonSubTypes.Type(value = Content.Encrypted.class, name = "encrypted"),
  @JsonSubTypes.Type(value = Content.CallRecord.class, name = "call-record")
})
public sealed interface Content {
  /** Plain text. */
  record Text(String body) implements Content {}

  /** New text for an earlier message of the same sender. */
  record Edit(String targetMessageId, String newBody) implements Content {}

  /** Withdraws an earlier message of the same sender. */
  record Delete(String targetMessageId) implements Content {}

  /** Adds or removes a reaction to a message of the conversation. */
  record Reaction(String targetMessageId, String emoji, boolean remove) implements Content {}

  /** A reference to media held by the sender's platform. */
  record Media(String url, String mimeType, long sizeBytes, ByteString sha256, String caption)
      implements Content {}

  /** An end-to-end encrypted payload. */
  record Encrypted(String scheme, ByteString ciphertext) implements Content {}

  /**
   * A call that ended unanswered, written by the broker into the callee's and the caller's
   * mailboxes ({@code reason} as that mailbox's user sees it: MISSED for the callee).
   */
  record CallRecord(
      String callId,
      Address caller,
      Address callee,
      List<CallMedia> media,
      CallEnd reason,
      long startedAtMs,
      long endedAtMs)
      implements Content {
    public CallRecord {
      media = List.copyOf(media);
    }
  }
}
