package io.peyvand.broker.group;

import io.peyvand.broker.group.Membership.Change;
import io.peyvand.broker.group.Membership.Role;
import io.peyvand.broker.model.Address;
import io.peyvand.broker.model.Content;
import io.peyvand.broker.model.Message;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A group's state: empty until created; then its kind, title, members ({@link Membership}), its log
 * as the platforms receive it ({@link GroupFeed}), the posts remembered for duplicates, a channel's
 * reaction counts and subscribers, and the index history reads the journal by. Events change it
 * ({@link #apply}); mutable, owned by the entity alone.
 */
public final class GroupState {
  /** One entry of the history index per this many items of the log. */
  static final int HISTORY_INDEX_STEP = 64;

  /** A post as remembered for duplicates: its sender and message id. */
  public record PostKey(Address sender, String messageId) {}

  private Group.Kind kind;
  private String title;
  private boolean open;
  private Address owner;
  private long createdAtMs;
  private final Membership members;
  private final GroupFeed<GroupItem> feed = new GroupFeed<>();
  private final LinkedHashMap<PostKey, Long> accepted;
  // Channels: the latest posts by message id, their reaction counts, and which changed.
  private final LinkedHashMap<String, Long> postsById;
  private final Map<Long, Map<String, Long>> reactions = new HashMap<>();
  private final TreeSet<Long> countsChanged = new TreeSet<>();
  // Events applied (the journal's sequence number of the latest), and a sparse index from the
  // group's sequences to the journal's, one entry per HISTORY_INDEX_STEP items, for history.
  private long events;
  private final TreeMap<Long, Long> journalIndex = new TreeMap<>();
  // Channels: subscribers per platform, from the buckets' reports.
  private final SubscriberCounts subscribers = new SubscriberCounts();

  GroupState(GroupSettings settings) {
    this.members = new Membership(settings.maxMembers());
    this.accepted = bounded(settings.dedupMaxEntries(), null);
    this.postsById = bounded(settings.dedupMaxEntries(), reactions);
  }

  /** A map of at most {@code max} entries, dropping the eldest (and its counts). */
  private static <K> LinkedHashMap<K, Long> bounded(int max, Map<Long, ?> alsoDrop) {
    return new LinkedHashMap<>() {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, Long> eldest) {
        if (size() > max) {
          if (alsoDrop != null) {
            alsoDrop.remove(eldest.getValue());
          }
          return true;
        }
        return false;
      }
    };
  }

  public boolean exists() {
    return kind != null;
  }

  public Group.Kind kind() {
    return kind;
  }

  public Membership members() {
    return members;
  }

  public GroupFeed<GroupItem> feed() {
    return feed;
  }

  String title() {
    return title;
  }

  boolean open() {
    return open;
  }

  Address owner() {
    return owner;
  }

  /** The sequence a post of the same sender and message id was accepted at, if remembered. */
  Long acceptedAs(Message message) {
    return accepted.get(key(message));
  }

  /** The sequence of a channel's recent post with this message id, if remembered. */
  Long postSequence(String messageId) {
    return postsById.get(messageId);
  }

  /** The posts whose reaction counts changed since they were last published, in order. */
  List<Long> countsChanged() {
    return List.copyOf(countsChanged);
  }

  SubscriberCounts subscribers() {
    return subscribers;
  }

  GroupState apply(Group.Event event) {
    events++;
    long before = feed.lastSequence();
    applyEvent(event);
    if (feed.lastSequence() / HISTORY_INDEX_STEP > before / HISTORY_INDEX_STEP) {
      journalIndex.put(feed.lastSequence(), events);
    }
    return this;
  }

  /**
   * The journal sequence number to read backwards from so as to see every item before {@code
   * beforeSequence} (0: all).
   */
  long journalFrom(long beforeSequence) {
    if (beforeSequence <= 0) {
      return events;
    }
    Map.Entry<Long, Long> at = journalIndex.ceilingEntry(beforeSequence);
    return at == null ? events : at.getValue();
  }

  private void applyEvent(Group.Event event) {
    if (event instanceof Group.GroupCreated created) {
      kind = created.kind();
      title = created.title();
      open = created.open();
      owner = created.owner();
      createdAtMs = created.atMs();
      Change founding = new Membership.Added(created.owner(), Role.OWNER);
      members.apply(founding, feed.lastSequence() + 1);
      feed.append(
          created.atMs(),
          new GroupItem.Created(created.owner(), created.title()),
          audience(founding));
    } else if (event instanceof Group.MembersChanged changed) {
      for (Change change : changed.changes()) {
        members.apply(change, feed.lastSequence() + 1);
        feed.append(
            changed.atMs(), new GroupItem.Changed(changed.actor(), change), audience(change));
      }
    } else if (event instanceof Group.TitleChanged renamed) {
      title = renamed.title();
      feed.append(
          renamed.atMs(), new GroupItem.Titled(renamed.actor(), renamed.title()), audience());
    } else if (event instanceof Group.CallChanged call) {
      feed.append(
          call.atMs(),
          new GroupItem.CallChanged(call.user(), call.callId(), call.action()),
          audience());
    } else if (event instanceof Group.PostAccepted post) {
      long sequence = feed.append(post.atMs(), new GroupItem.Post(post.message()), audience());
      accepted.put(key(post.message()), sequence);
      if (kind == Group.Kind.CHANNEL) {
        postsById.put(post.message().messageId(), sequence);
      }
    } else if (event instanceof Group.PlatformAcknowledged ack) {
      feed.acknowledge(ack.platformId(), ack.upTo());
    } else if (event instanceof Group.ItemsExpired expired) {
      feed.expire(expired.beforeMs());
    } else if (event instanceof Group.ReactionCounted counted) {
      Content.Reaction reaction = (Content.Reaction) counted.message().content();
      Long post = postsById.get(reaction.targetMessageId());
      accepted.put(key(counted.message()), post == null ? 0L : post);
      if (post != null) {
        Map<String, Long> counts = reactions.computeIfAbsent(post, p -> new TreeMap<>());
        long n = counts.getOrDefault(reaction.emoji(), 0L) + (reaction.remove() ? -1 : 1);
        if (n > 0) {
          counts.put(reaction.emoji(), n);
        } else {
          counts.remove(reaction.emoji());
        }
        countsChanged.add(post);
      }
    } else if (event instanceof SubscribersCounted counted) {
      subscribers.apply(counted);
    } else if (event instanceof Group.CountsPublished published) {
      for (long post : published.postSequences()) {
        countsChanged.remove(post);
        String messageId =
            postsById.entrySet().stream()
                .filter(e -> e.getValue() == post)
                .map(Map.Entry::getKey)
                .findFirst()
                .orElse("");
        feed.append(
            published.atMs(),
            new GroupItem.Counts(
                post, messageId, Map.copyOf(reactions.getOrDefault(post, Map.of()))),
            audience());
      }
    }
  }

  /**
   * The platforms that receive the group's next item: those with members, and for a channel those
   * with subscribers.
   */
  Set<String> audience() {
    if (kind != Group.Kind.CHANNEL || subscribers.perPlatform().isEmpty()) {
      return members.perPlatform().keySet();
    }
    Set<String> audience = new HashSet<>(members.perPlatform().keySet());
    audience.addAll(subscribers.perPlatform().keySet());
    return audience;
  }

  /** The platforms with members after the change, and the changed member's platform. */
  private Set<String> audience(Change change) {
    Set<String> audience = new HashSet<>(audience());
    audience.add(change.user().platformId());
    return audience;
  }

  /** Members per platform; for a channel its subscribers per platform. */
  Group.Info info(Address address) {
    return new Group.Info(
        address,
        kind,
        title,
        open,
        owner,
        Map.copyOf(kind == Group.Kind.CHANNEL ? subscribers.perPlatform() : members.perPlatform()),
        feed.lastSequence(),
        createdAtMs);
  }

  private static PostKey key(Message message) {
    return new PostKey(message.sender(), message.messageId());
  }

  /**
   * An item the log keeps, with the platforms still owed it; {@code item} is what the platforms
   * receive.
   */
  public record Kept(long sequence, long acceptedAtMs, GroupItem item, Set<String> outstanding) {
    public Kept {
      outstanding = Set.copyOf(outstanding);
    }
  }

  /**
   * The whole state as its snapshot holds it (serialization's GroupSnapshots stores it): ordered
   * lists where the order matters (the eldest of {@code accepted} and {@code postsById} is
   * forgotten first). Two states that behave alike have equal snapshots.
   */
  public record Snapshot(
      Group.Kind kind,
      String title,
      boolean open,
      Address owner,
      long createdAtMs,
      Map<Address, Membership.Member> members,
      long lastSequence,
      List<Kept> items,
      Map<String, Long> acknowledged,
      List<Map.Entry<PostKey, Long>> accepted,
      List<Map.Entry<String, Long>> postsById,
      Map<Long, Map<String, Long>> reactions,
      List<Long> countsChanged,
      long events,
      Map<Long, Long> historyIndex,
      List<BucketCount> subscribers) {}

  /** A copy of the state, taken in the entity's thread when a snapshot is written. */
  public Snapshot toSnapshot() {
    List<Kept> kept = new ArrayList<>();
    for (GroupFeed.Item<GroupItem> item : feed.kept()) {
      kept.add(new Kept(item.sequence(), item.acceptedAtMs(), item.payload(), item.outstanding()));
    }
    Map<Long, Map<String, Long>> counts = new HashMap<>();
    reactions.forEach((post, byEmoji) -> counts.put(post, Map.copyOf(byEmoji)));
    return new Snapshot(
        kind,
        title,
        open,
        owner,
        createdAtMs,
        Map.copyOf(members.all()),
        feed.lastSequence(),
        kept,
        Map.copyOf(feed.acknowledged()),
        accepted.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue())).toList(),
        postsById.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue())).toList(),
        counts,
        List.copyOf(countsChanged),
        events,
        Map.copyOf(journalIndex),
        subscribers.buckets());
  }

  /** The state a snapshot holds, with this node's limits. */
  public static GroupState fromSnapshot(GroupSettings settings, Snapshot snapshot) {
    GroupState state = new GroupState(settings);
    state.kind = snapshot.kind();
    state.title = snapshot.title();
    state.open = snapshot.open();
    state.owner = snapshot.owner();
    state.createdAtMs = snapshot.createdAtMs();
    snapshot.members().forEach(state.members::restore);
    List<GroupFeed.Item<GroupItem>> kept = new ArrayList<>();
    for (Kept k : snapshot.items()) {
      kept.add(new GroupFeed.Item<>(k.sequence(), k.acceptedAtMs(), k.item(), k.outstanding()));
    }
    state.feed.restore(snapshot.lastSequence(), snapshot.acknowledged(), kept);
    snapshot.accepted().forEach(e -> state.accepted.put(e.getKey(), e.getValue()));
    // Counts first: putting the posts back drops the counts of any post beyond the limit.
    snapshot
        .reactions()
        .forEach((post, byEmoji) -> state.reactions.put(post, new TreeMap<>(byEmoji)));
    snapshot.postsById().forEach(e -> state.postsById.put(e.getKey(), e.getValue()));
    state.countsChanged.addAll(snapshot.countsChanged());
    state.events = snapshot.events();
    state.journalIndex.putAll(snapshot.historyIndex());
    snapshot.subscribers().forEach(state.subscribers::apply);
    return state;
  }
}
