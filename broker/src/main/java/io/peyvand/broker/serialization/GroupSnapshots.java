package io.peyvand.broker.serialization;

import io.peyvand.broker.group.BucketCount;
import io.peyvand.broker.group.GroupItem;
import io.peyvand.broker.group.GroupSettings;
import io.peyvand.broker.group.GroupState;
import io.peyvand.broker.group.GroupState.Kept;
import io.peyvand.broker.group.Membership;
import io.peyvand.broker.model.Address;
import io.peyvand.persistence.stored.v1.GroupSnapshot;
import io.peyvand.persistence.stored.v1.StoredAcceptedPost;
import io.peyvand.persistence.stored.v1.StoredCallItem;
import io.peyvand.persistence.stored.v1.StoredChangeItem;
import io.peyvand.persistence.stored.v1.StoredChannelPost;
import io.peyvand.persistence.stored.v1.StoredCountsItem;
import io.peyvand.persistence.stored.v1.StoredCreatedItem;
import io.peyvand.persistence.stored.v1.StoredEmojiCount;
import io.peyvand.persistence.stored.v1.StoredGroupItem;
import io.peyvand.persistence.stored.v1.StoredGroupKind;
import io.peyvand.persistence.stored.v1.StoredGroupMember;
import io.peyvand.persistence.stored.v1.StoredHistoryIndexEntry;
import io.peyvand.persistence.stored.v1.StoredPlatformCursor;
import io.peyvand.persistence.stored.v1.StoredPostReactions;
import io.peyvand.persistence.stored.v1.StoredSubscriberCounts;
import io.peyvand.persistence.stored.v1.StoredTitleItem;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.persistence.typed.SnapshotAdapter;

/**
 * A group's (or channel's) state to and from its stored snapshot ({@code GroupSnapshot}). The
 * conversion happens in the entity's thread when the snapshot is taken, so the mutable state is
 * never read from another thread. The group's events are kept beside its snapshots (they are its
 * history), so a snapshot only shortens recovery.
 */
public final class GroupSnapshots implements SnapshotAdapter<GroupState> {
  private final GroupSettings settings;

  /** With the limits the restored state keeps (members, duplicate ids). */
  public GroupSnapshots(GroupSettings settings) {
    this.settings = settings;
  }

  @Override
  public Object toJournal(GroupState state) {
    return toStored(state.toSnapshot());
  }

  @Override
  public GroupState fromJournal(Object from) {
    return GroupState.fromSnapshot(settings, fromStored((GroupSnapshot) from));
  }

  static GroupSnapshot toStored(GroupState.Snapshot s) {
    GroupSnapshot.Builder b =
        GroupSnapshot.newBuilder()
            .setOpen(s.open())
            .setCreatedAtMs(s.createdAtMs())
            .setLastSequence(s.lastSequence())
            .setEvents(s.events());
    if (s.kind() != null) {
      b.setKind(StoredGroups.kind(s.kind()));
    }
    if (s.title() != null) {
      b.setTitle(s.title());
    }
    if (s.owner() != null) {
      b.setOwner(StoredModel.address(s.owner()));
    }
    s.members()
        .forEach(
            (user, m) ->
                b.addMembers(
                    StoredGroupMember.newBuilder()
                        .setUser(StoredModel.address(user))
                        .setRole(StoredGroups.role(m.role()))
                        .setMuted(m.muted())
                        .setSince(m.since())));
    for (Kept k : s.items()) {
      StoredGroupItem.Builder item =
          StoredGroupItem.newBuilder()
              .setSequence(k.sequence())
              .setAcceptedAtMs(k.acceptedAtMs())
              .addAllOutstanding(k.outstanding().stream().sorted().toList());
      if (k.item() instanceof GroupItem.Created created) {
        item.setCreated(
            StoredCreatedItem.newBuilder()
                .setOwner(StoredModel.address(created.owner()))
                .setTitle(created.title()));
      } else if (k.item() instanceof GroupItem.Post post) {
        item.setPost(StoredModel.message(post.message()));
      } else if (k.item() instanceof GroupItem.Changed change) {
        item.setChange(
            StoredChangeItem.newBuilder()
                .setActor(StoredModel.address(change.actor()))
                .setChange(StoredGroups.change(change.change())));
      } else if (k.item() instanceof GroupItem.Titled title) {
        item.setTitle(
            StoredTitleItem.newBuilder()
                .setActor(StoredModel.address(title.actor()))
                .setTitle(title.title()));
      } else if (k.item() instanceof GroupItem.CallChanged call) {
        item.setCall(
            StoredCallItem.newBuilder()
                .setUser(StoredModel.address(call.user()))
                .setCallId(call.callId())
                .setAction(call.action().stored()));
      } else if (k.item() instanceof GroupItem.Counts counts) {
        item.setCounts(
            StoredCountsItem.newBuilder()
                .setPostSequence(counts.postSequence())
                .setMessageId(counts.messageId())
                .addAllCounts(emojiCounts(counts.counts())));
      }
      b.addItems(item);
    }
    new TreeMap<>(s.acknowledged())
        .forEach(
            (platform, upTo) ->
                b.addAcknowledged(
                    StoredPlatformCursor.newBuilder().setPlatformId(platform).setUpTo(upTo)));
    s.accepted()
        .forEach(
            e ->
                b.addAccepted(
                    StoredAcceptedPost.newBuilder()
                        .setSender(StoredModel.address(e.getKey().sender()))
                        .setMessageId(e.getKey().messageId())
                        .setSequence(e.getValue())));
    s.postsById()
        .forEach(
            e ->
                b.addPostsById(
                    StoredChannelPost.newBuilder()
                        .setMessageId(e.getKey())
                        .setSequence(e.getValue())));
    new TreeMap<>(s.reactions())
        .forEach(
            (post, counts) ->
                b.addReactions(
                    StoredPostReactions.newBuilder()
                        .setPostSequence(post)
                        .addAllCounts(emojiCounts(counts))));
    b.addAllCountsChanged(s.countsChanged());
    new TreeMap<>(s.historyIndex())
        .forEach(
            (group, journal) ->
                b.addHistoryIndex(
                    StoredHistoryIndexEntry.newBuilder()
                        .setGroupSequence(group)
                        .setJournalSequence(journal)));
    StoredSubscriberCounts.Builder subscribers = StoredSubscriberCounts.newBuilder();
    s.subscribers().forEach(c -> subscribers.addBuckets(StoredGroups.count(c)));
    b.setSubscribers(subscribers);
    return b.build();
  }

  static GroupState.Snapshot fromStored(GroupSnapshot g) {
    Map<Address, Membership.Member> members = new HashMap<>();
    g.getMembersList()
        .forEach(
            m ->
                members.put(
                    StoredModel.address(m.getUser()),
                    new Membership.Member(
                        StoredGroups.role(m.getRole()), m.getMuted(), m.getSince())));
    List<Kept> items = new ArrayList<>();
    for (StoredGroupItem i : g.getItemsList()) {
      items.add(
          new Kept(
              i.getSequence(),
              i.getAcceptedAtMs(),
              item(i),
              new HashSet<>(i.getOutstandingList())));
    }
    Map<String, Long> acknowledged = new HashMap<>();
    g.getAcknowledgedList().forEach(c -> acknowledged.put(c.getPlatformId(), c.getUpTo()));
    List<Map.Entry<GroupState.PostKey, Long>> accepted =
        g.getAcceptedList().stream()
            .map(
                a ->
                    Map.entry(
                        new GroupState.PostKey(
                            StoredModel.address(a.getSender()), a.getMessageId()),
                        a.getSequence()))
            .toList();
    List<Map.Entry<String, Long>> postsById =
        g.getPostsByIdList().stream()
            .map(p -> Map.entry(p.getMessageId(), p.getSequence()))
            .toList();
    Map<Long, Map<String, Long>> reactions = new HashMap<>();
    g.getReactionsList()
        .forEach(r -> reactions.put(r.getPostSequence(), emojiCounts(r.getCountsList())));
    Map<Long, Long> index = new HashMap<>();
    g.getHistoryIndexList().forEach(e -> index.put(e.getGroupSequence(), e.getJournalSequence()));
    boolean created = g.getKind() != StoredGroupKind.STORED_GROUP_KIND_UNSPECIFIED;
    List<BucketCount> subscribers =
        g.getSubscribers().getBucketsList().stream().map(StoredGroups::count).toList();
    return new GroupState.Snapshot(
        created ? StoredGroups.kind(g.getKind()) : null,
        created ? g.getTitle() : null,
        g.getOpen(),
        g.hasOwner() ? StoredModel.address(g.getOwner()) : null,
        g.getCreatedAtMs(),
        members,
        g.getLastSequence(),
        items,
        acknowledged,
        accepted,
        postsById,
        reactions,
        g.getCountsChangedList(),
        g.getEvents(),
        index,
        subscribers);
  }

  private static GroupItem item(StoredGroupItem i) {
    return switch (i.getPayloadCase()) {
      case CREATED ->
          new GroupItem.Created(
              StoredModel.address(i.getCreated().getOwner()), i.getCreated().getTitle());
      case POST -> new GroupItem.Post(StoredModel.message(i.getPost()));
      case CHANGE ->
          new GroupItem.Changed(
              StoredModel.address(i.getChange().getActor()),
              StoredGroups.change(i.getChange().getChange()));
      case TITLE ->
          new GroupItem.Titled(
              StoredModel.address(i.getTitle().getActor()), i.getTitle().getTitle());
      case CALL ->
          new GroupItem.CallChanged(
              StoredModel.address(i.getCall().getUser()),
              i.getCall().getCallId(),
              GroupItem.CallAction.fromStored(i.getCall().getAction()));
      case COUNTS ->
          new GroupItem.Counts(
              i.getCounts().getPostSequence(),
              i.getCounts().getMessageId(),
              Map.copyOf(emojiCounts(i.getCounts().getCountsList())));
      default ->
          throw new IllegalArgumentException(
              "stored group item " + i.getSequence() + " has no payload");
    };
  }

  private static List<StoredEmojiCount> emojiCounts(Map<String, Long> counts) {
    return new TreeMap<>(counts)
        .entrySet().stream()
            .map(
                e ->
                    StoredEmojiCount.newBuilder()
                        .setEmoji(e.getKey())
                        .setCount(e.getValue())
                        .build())
            .toList();
  }

  private static Map<String, Long> emojiCounts(List<StoredEmojiCount> counts) {
    Map<String, Long> byEmoji = new TreeMap<>();
    counts.forEach(c -> byEmoji.put(c.getEmoji(), c.getCount()));
    return byEmoji;
  }
}
