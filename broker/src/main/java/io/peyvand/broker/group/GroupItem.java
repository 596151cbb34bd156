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
  @JsonSubTypes.Type(value = GroupItem.Counts.class, name = "counts"),
  @JsonSubTypes.Type(value = GroupItem.CallChanged.class, name = "call")
})
public sealed interface GroupItem {

  /** The group's first item: who created it, under which title. */
  record Created(Address owner, String title) implements GroupItem {}

  record Post(Message message) implements GroupItem {}

  /** One membership change, made by {@code actor}. */
  record Changed(Address actor, Change change) implements GroupItem {}

  /** A new title, given by {@code actor}. */
  record Titled(Address actor, String title) implements GroupItem {}

  /** A member joined, left, muted or unmuted themself in the group's call {@code callId}. */
  record CallChanged(Address user, String callId, CallAction action) implements GroupItem {}

  /** What a member did in a group call; stored by {@link #stored()} name. */
  enum CallAction {
    JOINED,
    LEFT,
    MUTED,
    UNMUTED;

    public String stored() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static CallAction fromStored(String name) {
      return valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }
  }

  /** A channel post's aggregated reactions (emoji -> count). */
  record Counts(long postSequence, String messageId, Map<String, Long> counts)
      implements GroupItem {}
}
