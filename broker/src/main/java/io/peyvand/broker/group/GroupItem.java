package io.peyvand.broker.group;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.peyvand.broker.group.Membership.Change;
import io.peyvand.broker.model.Address;
import io.peyvand.broker.model.Message;
import java.util.Map;

/**
 * An item of a group's log as its platforms receive it. Items travel between nodes inside {@link
 * Group.Push} (Jackson, by the names below) and are stored in snapshots (serialization's
 * GroupSnapshots); the names must not change.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = GroupItem.Created.class, name = "created"),
  @JsonSubTypes.Type(value = GroupItem.Post.class, name = "post"),
  @JsonSubTypes.Type(value = GroupItem.Changed.class, name = "change"),
  @JsonSubTypes.Type(value = GroupItem.Titled.class, name = "title"),
  @JsonSubTypes.Type(value = GroupItem.Counts.class, name = "counts")
})
public sealed interface GroupItem {

  /** The group's first item: who created it, under which title. */
  record Created(Address owner, String title) implements GroupItem {}

  record Post(Message message) implements GroupItem {}

  /** One membership change, made by {@code actor}. */
  record Changed(Address actor, Change change) implements GroupItem {}

  /** A new title, given by {@code actor}. */
  record Titled(Address actor, String title) implements GroupItem {}

  /** A channel post's aggregated reactions (emoji -> count). */
  record Counts(long postSequence, String messageId, Map<String, Long> counts)
      implements GroupItem {}
}
