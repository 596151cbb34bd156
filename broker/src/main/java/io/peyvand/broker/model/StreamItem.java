package io.peyvand.broker.model;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What a stream (a user's mailbox, a recipient's status stream, a group's log as one platform
 * receives it) pushes to a session, which maps it to its frame. Sent between nodes inside a {@code
 * Deliver}, so its kinds are named for Jackson: the mailbox's here, a group's item ({@code
 * "group"}) by the serialization package, which may know the group entity while this package may
 * not.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = MailboxItem.Incoming.class, name = "incoming"),
  @JsonSubTypes.Type(value = MailboxItem.StatusUpdate.class, name = "status"),
  @JsonSubTypes.Type(value = StatusNotice.class, name = "status-by-recipient")
})
public interface StreamItem {}
