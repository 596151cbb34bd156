package io.peyvand.broker.group;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.typesafe.config.Config;
import io.peyvand.broker.delivery.Deliver;
import io.peyvand.broker.delivery.PendingRegistration;
import io.peyvand.broker.delivery.Pusher;
import io.peyvand.broker.delivery.SessionDirectory;
import io.peyvand.broker.entity.Asks;
import io.peyvand.broker.entity.EmptyState;
import io.peyvand.broker.entity.WithoutEventPublishing;
import io.peyvand.broker.group.Membership.Change;
import io.peyvand.broker.group.Membership.Role;
import io.peyvand.broker.model.Address;
import io.peyvand.broker.model.Content;
import io.peyvand.broker.model.Message;
import io.peyvand.broker.model.StreamItem;
import io.peyvand.broker.observability.MessageMetrics;
import io.peyvand.broker.entity.ClusterMessage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * A group or a channel with members on many platforms, one entity per group address
 * ({@code home:group-id}) in Cluster Sharding. It owns the membership ({@link Membership}) and the
 * group's log as its platforms receive it ({@link GroupFeed}): a post is accepted with the group's
 * sequence number once persisted (and once the group is in the pending index of every platform
 * that must receive it), membership changes are items of the same log, and every item is owed
 * once to each platform of its audience until that platform acknowledges it.
 *
 * <p>Fan-out is by platform: one {@link Pusher} per platform owed something pushes the owed items
 * in order to one session of that platform (a window at a time, redelivered flagged after a
 * timeout through the platform's next session), whatever the number of members. A platform that
 * was offline is woken through the pending index when a session of it connects, and catches up
 * from its acknowledged cursor. Persist latency and the items each platform acknowledges are
 * counted in {@link MessageMetrics} (pushes, by the Pushers).
 */
public final class Group extends EventSourcedBehaviorWithEnforcedReplies<Group.Command,
    Group.Event, Group.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "Group");

  /** A group's limits and delivery timing; see {@code peyvand.groups} in reference.conf. */
  public record Settings(int maxMembers, int dedupEntries, Duration retention,
      int deliveryWindow, Duration redeliveryAfter, Duration tickInterval,
      Duration busyRetryAfter, double postsPerSecond, int postBurst, Duration countsEvery,
      int snapshotEvery) {
    public static final Settings DEFAULTS = new Settings(200_000, 10_000, Duration.ofDays(30),
        64, Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofMillis(200), 100, 200,
        Duration.ofSeconds(2), 500);

    public Settings {
      if (snapshotEvery < 1) {
        throw new IllegalArgumentException("peyvand.groups.snapshot-every must be at least 1");
      }
    }

    public static Settings fromConfig(Config config) {
      Config c = config.getConfig("peyvand.groups");
      return new Settings(c.getInt("max-members"), c.getInt("dedup-max-entries"),
          c.getDuration("retention"), c.getInt("delivery-window"),
          c.getDuration("redelivery-after"), c.getDuration("tick-interval"),
          c.getDuration("busy-retry-after"), c.getDouble("posts-per-second"),
          c.getInt("post-burst"), c.getDuration("reaction-counts-every"),
          c.getInt("snapshot-every"));
    }

    /** With another snapshot interval (tests). */
    public Settings withSnapshotEvery(int events) {
      return new Settings(maxMembers, dedupEntries, retention, deliveryWindow, redeliveryAfter,
          tickInterval, busyRetryAfter, postsPerSecond, postBurst, countsEvery, events);
    }
  }

  public enum Kind { GROUP, CHANNEL }

  /** One entry of the history index per this many items of the log. */
  static final int HISTORY_INDEX_STEP = 64;

  /** Starts the sharded entity type on this node. */
  public static void init(ActorSystem<?> system, Settings settings, ChannelSettings channels,
      GroupPending pending, SnapshotAdapter<State> snapshots) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, context -> create(
            Address.parse(context.getEntityId()), settings, channels, pending, snapshots,
            Clock.systemUTC()))
        .withStopMessage(Passivate.INSTANCE));
  }

  /**
   * The entity; {@code snapshots} turns its state into the stored snapshot and back
   * (serialization's GroupSnapshots, made with the same settings).
   */
  public static Behavior<Command> create(Address address, Settings settings,
      ChannelSettings channels, GroupPending pending, SnapshotAdapter<State> snapshots,
      Clock clock) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        new Group(context, timers, address, settings, channels, pending, snapshots, clock)));
  }

  /**
   * "Group|eitaa:family", as PersistenceId.of would make it, which refuses a '|' in the id while
   * group ids may contain one.
   */
  public static PersistenceId persistenceId(Address group) {
    return PersistenceId.ofUniqueId(ENTITY_KEY.name() + "|" + group);
  }

  /** The sink through which a channel's subscription buckets report to the channel. */
  public static CountSink countSink(ActorSystem<?> system, Duration timeout) {
    ClusterSharding sharding = ClusterSharding.get(system);
    Asks asks = Asks.get(system);
    return (channel, count) -> asks.ask(
        sharding.entityRefFor(ENTITY_KEY, channel.toString()),
        (ActorRef<org.apache.pekko.Done> replyTo) -> new CountSubscribers(count, replyTo),
        timeout);
  }

  // Commands

  public sealed interface Command {}

  public record Create(Kind kind, String title, boolean open, Address owner,
      ActorRef<Reply> replyTo) implements Command, ClusterMessage {}

  public record ChangeMembers(Address actor, List<Change> changes, ActorRef<Reply> replyTo)
      implements Command, ClusterMessage {
    public ChangeMembers {
      changes = List.copyOf(changes);
    }
  }

  public record SetTitle(Address actor, String title, ActorRef<Reply> replyTo)
      implements Command, ClusterMessage {}

  public record Post(Message message, ActorRef<PostReply> replyTo)
      implements Command, ClusterMessage {}

  /** The platform received every item of the group owed to it up to {@code upTo}. */
  public record Acknowledge(String platformId, long upTo, ActorRef<Reply> replyTo)
      implements Command, ClusterMessage {}

  public record Get(ActorRef<Reply> replyTo) implements Command, ClusterMessage {}

  /**
   * A channel's subscription bucket reports its count; answered once the count is persisted
   * (with others, as one event) or known already.
   */
  public record CountSubscribers(BucketCount count, ActorRef<org.apache.pekko.Done> replyTo)
      implements Command, ClusterMessage {}

  /**
   * Where to read the log before {@code beforeSequence} (0: from the latest) for {@code user}'s
   * history request; answered {@link HistoryAccess}.
   */
  public record OpenHistory(Address user, long beforeSequence, ActorRef<Reply> replyTo)
      implements Command, ClusterMessage {}

  /** A session of a platform connected, or a sweep found the group: push what is owed. */
  public enum WakeUp implements Command, ClusterMessage { INSTANCE }

  /**
   * Sent by sharding when the group has been idle, or its shard moves: stop. Sent by the local
   * shard only, never across nodes, so not a ClusterMessage.
   */
  public enum Passivate implements Command, NoSerializationVerificationNeeded { INSTANCE }

  private enum Tick implements Command { INSTANCE }

  private enum RetryDelivery implements Command { INSTANCE }

  private enum RetryRegistration implements Command { INSTANCE }

  private record SessionBusy(Deliver.Busy busy) implements Command {}

  private record RegistrationDone(String platformId, boolean ok) implements Command {}

  private enum PublishCounts implements Command { INSTANCE }

  private enum FlushCounts implements Command { INSTANCE }

  // Replies

  public enum Reason { UNKNOWN_GROUP, NOT_PERMITTED, UNKNOWN_SEQUENCE, ALREADY_EXISTS,
    GROUP_FULL, RATE_LIMITED }

  public sealed interface Reply extends ClusterMessage {}

  public sealed interface PostReply extends ClusterMessage {}

  /** The group as it is now. */
  public record Info(Address address, Kind kind, String title, boolean open, Address owner,
      Map<String, Long> membersPerPlatform, long lastSequence, long createdAtMs)
      implements Reply {}

  public record Accepted(long sequence, long acceptedAtMs, boolean duplicate)
      implements PostReply {}

  /**
   * A history request may read the group's journal backwards from {@code fromJournalSequence}
   * (every item before the requested sequence is at or below it); {@code member} says whether
   * the user is a member (a channel's subscribers are checked elsewhere).
   */
  public record HistoryAccess(Kind kind, boolean member, long fromJournalSequence,
      long lastSequence) implements Reply {}

  /** Refused; {@code retryAfterMs} is set for RATE_LIMITED only. */
  public record Refused(Reason reason, String message, long retryAfterMs)
      implements Reply, PostReply {
    public Refused(Reason reason, String message) {
      this(reason, message, 0);
    }
  }

  // Events

  /** The group's events; {@link SubscribersCounted} is a channel's, kept beside its buckets. */
  public sealed interface Event permits GroupCreated, MembersChanged, TitleChanged, PostAccepted,
      PlatformAcknowledged, ReactionCounted, CountsPublished, SubscribersCounted,
      ItemsExpired {}

  public record GroupCreated(Kind kind, String title, boolean open, Address owner, long atMs)
      implements Event {}

  /** Changes made at consecutive sequences from {@code firstSequence}. */
  public record MembersChanged(long firstSequence, Address actor, List<Change> changes,
      long atMs) implements Event {
    public MembersChanged {
      changes = List.copyOf(changes);
    }
  }

  public record TitleChanged(long sequence, Address actor, String title, long atMs)
      implements Event {}

  public record PostAccepted(long sequence, Message message, long atMs) implements Event {}

  public record PlatformAcknowledged(String platformId, long upTo) implements Event {}

  /**
   * Items accepted before {@code beforeMs} outlived the retention period unacknowledged: given up
   * (the platforms that did not take them in time never will).
   */
  public record ItemsExpired(long beforeMs) implements Event {}

  /**
   * A subscriber's reaction to a channel post: counted, not an item of the log (a channel's
   * subscribers would otherwise flood every platform).
   */
  public record ReactionCounted(Message message, long atMs) implements Event {}

  /**
   * The counts of these posts changed since they were last published: each becomes a
   * {@link CountsItem} of the log, at consecutive sequences from {@code firstSequence}.
   */
  public record CountsPublished(long firstSequence, List<Long> postSequences, long atMs)
      implements Event {
    public CountsPublished {
      postSequences = List.copyOf(postSequences);
    }
  }

  // Items of the log, as platforms receive them

  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
  @JsonSubTypes({
      @JsonSubTypes.Type(value = CreatedItem.class, name = "created"),
      @JsonSubTypes.Type(value = PostItem.class, name = "post"),
      @JsonSubTypes.Type(value = ChangeItem.class, name = "change"),
      @JsonSubTypes.Type(value = TitleItem.class, name = "title"),
      @JsonSubTypes.Type(value = CountsItem.class, name = "counts")
  })
  public sealed interface Item {}

  public record CreatedItem(Address owner, String title) implements Item {}

  public record PostItem(Message message) implements Item {}

  public record ChangeItem(Address actor, Change change) implements Item {}

  public record TitleItem(Address actor, String title) implements Item {}

  /** A channel post's aggregated reactions (emoji -> count). */
  public record CountsItem(long postSequence, String messageId, Map<String, Long> counts)
      implements Item {}

  /** A post as remembered for duplicates: its sender and message id. */
  public record PostKey(Address sender, String messageId) {}

  /** An item of the log as history shows it. */
  public record LoggedItem(long sequence, long acceptedAtMs, Item item) {}

  /**
   * The items an event added to the log, newest first, as history reads them from the journal
   * without the state: posts and membership changes (reaction counts are live only).
   */
  public static List<LoggedItem> loggedItems(Event event) {
    List<LoggedItem> items = new ArrayList<>();
    if (event instanceof GroupCreated created) {
      items.add(new LoggedItem(1, created.atMs(),
          new CreatedItem(created.owner(), created.title())));
    } else if (event instanceof MembersChanged changed) {
      for (int i = changed.changes().size() - 1; i >= 0; i--) {
        items.add(new LoggedItem(changed.firstSequence() + i, changed.atMs(),
            new ChangeItem(changed.actor(), changed.changes().get(i))));
      }
    } else if (event instanceof TitleChanged renamed) {
      items.add(new LoggedItem(renamed.sequence(), renamed.atMs(),
          new TitleItem(renamed.actor(), renamed.title())));
    } else if (event instanceof PostAccepted post) {
      items.add(new LoggedItem(post.sequence(), post.atMs(), new PostItem(post.message())));
    }
    return items;
  }

  /**
   * One item as pushed to one platform; {@code memberIds} lists the platform's members when it
   * asked for member lists (empty otherwise).
   */
  public record Push(Item item, List<String> memberIds) implements StreamItem {}

  // State

  /** Empty until created. Mutable, owned by the entity alone. */
  public static final class State {
    private Kind kind;
    private String title;
    private boolean open;
    private Address owner;
    private long createdAtMs;
    private final Membership members;
    private final GroupFeed<Item> feed = new GroupFeed<>();
    private final LinkedHashMap<PostKey, Long> accepted;
    // Channels: the latest posts by message id, their reaction counts, and which changed.
    private final LinkedHashMap<String, Long> postsById;
    private final Map<Long, Map<String, Long>> reactions = new HashMap<>();
    private final java.util.TreeSet<Long> countsChanged = new java.util.TreeSet<>();
    // Events applied (the journal's sequence number of the latest), and a sparse index from the
    // group's sequences to the journal's, one entry per HISTORY_INDEX_STEP items, for history.
    private long events;
    private final java.util.TreeMap<Long, Long> journalIndex = new java.util.TreeMap<>();
    // Channels: subscribers per platform, from the buckets' reports.
    private final SubscriberCounts subscribers = new SubscriberCounts();

    State(Settings settings) {
      this.members = new Membership(settings.maxMembers());
      this.accepted = bounded(settings.dedupEntries(), null);
      this.postsById = bounded(settings.dedupEntries(), reactions);
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

    public Kind kind() {
      return kind;
    }

    public Membership members() {
      return members;
    }

    public GroupFeed<Item> feed() {
      return feed;
    }

    State apply(Event event) {
      events++;
      long before = feed.lastSequence();
      applyEvent(event);
      if (feed.lastSequence() / HISTORY_INDEX_STEP > before / HISTORY_INDEX_STEP) {
        journalIndex.put(feed.lastSequence(), events);
      }
      return this;
    }

    /**
     * The journal sequence number to read backwards from so as to see every item before
     * {@code beforeSequence} (0: all).
     */
    long journalFrom(long beforeSequence) {
      if (beforeSequence <= 0) {
        return events;
      }
      Map.Entry<Long, Long> at = journalIndex.ceilingEntry(beforeSequence);
      return at == null ? events : at.getValue();
    }

    private void applyEvent(Event event) {
      if (event instanceof GroupCreated created) {
        kind = created.kind();
        title = created.title();
        open = created.open();
        owner = created.owner();
        createdAtMs = created.atMs();
        Change founding = new Membership.Added(created.owner(), Role.OWNER);
        members.apply(founding, feed.lastSequence() + 1);
        feed.append(created.atMs(), new CreatedItem(created.owner(), created.title()),
            audience(founding));
      } else if (event instanceof MembersChanged changed) {
        for (Change change : changed.changes()) {
          members.apply(change, feed.lastSequence() + 1);
          feed.append(changed.atMs(), new ChangeItem(changed.actor(), change), audience(change));
        }
      } else if (event instanceof TitleChanged renamed) {
        title = renamed.title();
        feed.append(renamed.atMs(), new TitleItem(renamed.actor(), renamed.title()),
            audience());
      } else if (event instanceof PostAccepted post) {
        long sequence = feed.append(post.atMs(), new PostItem(post.message()), audience());
        accepted.put(key(post.message()), sequence);
        if (kind == Kind.CHANNEL) {
          postsById.put(post.message().messageId(), sequence);
        }
      } else if (event instanceof PlatformAcknowledged ack) {
        feed.acknowledge(ack.platformId(), ack.upTo());
      } else if (event instanceof ItemsExpired expired) {
        feed.expire(expired.beforeMs());
      } else if (event instanceof ReactionCounted counted) {
        Content.Reaction reaction = (Content.Reaction) counted.message().content();
        Long post = postsById.get(reaction.targetMessageId());
        accepted.put(key(counted.message()), post == null ? 0L : post);
        if (post != null) {
          Map<String, Long> counts = reactions.computeIfAbsent(post, p -> new java.util.TreeMap<>());
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
      } else if (event instanceof CountsPublished published) {
        for (long post : published.postSequences()) {
          countsChanged.remove(post);
          String messageId = postsById.entrySet().stream()
              .filter(e -> e.getValue() == post).map(Map.Entry::getKey).findFirst().orElse("");
          feed.append(published.atMs(), new CountsItem(post, messageId,
              Map.copyOf(reactions.getOrDefault(post, Map.of()))), audience());
        }
      }
    }

    /**
     * The platforms that receive the group's next item: those with members, and for a channel
     * those with subscribers.
     */
    Set<String> audience() {
      if (kind != Kind.CHANNEL || subscribers.perPlatform().isEmpty()) {
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
    Info info(Address address) {
      return new Info(address, kind, title, open, owner, Map.copyOf(kind == Kind.CHANNEL
          ? subscribers.perPlatform() : members.perPlatform()), feed.lastSequence(), createdAtMs);
    }

    private static PostKey key(Message message) {
      return new PostKey(message.sender(), message.messageId());
    }

    /**
     * An item the log keeps, with the platforms still owed it; {@code item} is what the
     * platforms receive.
     */
    public record Kept(long sequence, long acceptedAtMs, Item item, Set<String> outstanding) {
      public Kept {
        outstanding = Set.copyOf(outstanding);
      }
    }

    /**
     * The whole state as its snapshot holds it (serialization's GroupSnapshots stores it):
     * ordered lists where the order matters (the eldest of {@code accepted} and
     * {@code postsById} is forgotten first). Two states that behave alike have equal snapshots.
     */
    public record Snapshot(Kind kind, String title, boolean open, Address owner, long createdAtMs,
        Map<Address, Membership.Member> members, long lastSequence, List<Kept> items,
        Map<String, Long> acknowledged, List<Map.Entry<PostKey, Long>> accepted,
        List<Map.Entry<String, Long>> postsById, Map<Long, Map<String, Long>> reactions,
        List<Long> countsChanged, long events, Map<Long, Long> historyIndex,
        List<BucketCount> subscribers) {}

    /** A copy of the state, taken in the entity's thread when a snapshot is written. */
    public Snapshot toSnapshot() {
      List<Kept> kept = new ArrayList<>();
      for (GroupFeed.Item<Item> item : feed.kept()) {
        kept.add(new Kept(item.sequence(), item.acceptedAtMs(), item.payload(),
            item.outstanding()));
      }
      Map<Long, Map<String, Long>> counts = new HashMap<>();
      reactions.forEach((post, byEmoji) -> counts.put(post, Map.copyOf(byEmoji)));
      return new Snapshot(kind, title, open, owner, createdAtMs, Map.copyOf(members.all()),
          feed.lastSequence(), kept, Map.copyOf(feed.acknowledged()),
          accepted.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue())).toList(),
          postsById.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue())).toList(),
          counts, List.copyOf(countsChanged), events, Map.copyOf(journalIndex),
          subscribers.buckets());
    }

    /** The state a snapshot holds, with this node's limits. */
    public static State fromSnapshot(Settings settings, Snapshot snapshot) {
      State state = new State(settings);
      state.kind = snapshot.kind();
      state.title = snapshot.title();
      state.open = snapshot.open();
      state.owner = snapshot.owner();
      state.createdAtMs = snapshot.createdAtMs();
      snapshot.members().forEach(state.members::restore);
      List<GroupFeed.Item<Item>> kept = new ArrayList<>();
      for (Kept k : snapshot.items()) {
        kept.add(new GroupFeed.Item<>(k.sequence(), k.acceptedAtMs(), k.item(), k.outstanding()));
      }
      state.feed.restore(snapshot.lastSequence(), snapshot.acknowledged(), kept);
      snapshot.accepted().forEach(e -> state.accepted.put(e.getKey(), e.getValue()));
      // Counts first: putting the posts back drops the counts of any post beyond the limit.
      snapshot.reactions().forEach((post, byEmoji) ->
          state.reactions.put(post, new java.util.TreeMap<>(byEmoji)));
      snapshot.postsById().forEach(e -> state.postsById.put(e.getKey(), e.getValue()));
      state.countsChanged.addAll(snapshot.countsChanged());
      state.events = snapshot.events();
      state.journalIndex.putAll(snapshot.historyIndex());
      snapshot.subscribers().forEach(state.subscribers::apply);
      return state;
    }
  }

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final Address address;
  private final Settings settings;
  private final ChannelSettings channels;
  private final GroupPending pending;
  private final SnapshotAdapter<State> snapshots;
  private final Clock clock;
  private final SessionDirectory directory;
  private final MessageMetrics metrics;
  private final ActorRef<Deliver.Busy> busyAdapter;
  private final Deliver.Stream stream;

  // Transient, rebuilt after a restart: the push side per platform, and which platforms have the
  // group in their pending index.
  private final Map<String, Pusher> pushers = new HashMap<>();
  // platform -> its members' ids, for platforms that ask for member lists; dropped on any change
  private final Map<String, List<String>> memberIds = new HashMap<>();
  // The group's rows in the pending index, one per platform it owes items.
  private final PendingRegistration<String> registration = new PendingRegistration<>();
  private final CountBuffer<ActorRef<org.apache.pekko.Done>> countBuffer;
  // Items up to this sequence may have been pushed by an incarnation before a restart.
  private long recoveredUpTo;
  private double tokens;
  private long tokensAtMs;
  // Every incarnation recovers from a fresh state, never from the one the last applied events to.
  private final EmptyState<State> empty;

  /** A reply held until the group is in the pending index of these platforms. */

  private Group(ActorContext<Command> context, TimerScheduler<Command> timers, Address address,
      Settings settings, ChannelSettings channels, GroupPending pending,
      SnapshotAdapter<State> snapshots, Clock clock) {
    super(persistenceId(address),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.context = context;
    this.timers = timers;
    this.address = address;
    this.settings = settings;
    this.channels = channels;
    this.countBuffer = new CountBuffer<>(channels.countFlushMaxBuckets());
    this.pending = pending;
    this.snapshots = snapshots;
    this.clock = clock;
    this.directory = SessionDirectory.get(context.getSystem());
    this.metrics = MessageMetrics.get(context.getSystem());
    this.busyAdapter = context.messageAdapter(Deliver.Busy.class,
        SessionBusy::new);
    this.stream = Deliver.Stream.group(address);
    this.tokens = settings.postBurst();
    this.tokensAtMs = clock.millis();
    this.empty = new EmptyState<>(() -> new State(settings));
  }

  @Override
  public State emptyState() {
    return empty.pristine();
  }

  /** Without publishing each persisted event to the event stream. */
  @Override
  public Behavior<Command> apply(TypedActorContext<Command> context) {
    return WithoutEventPublishing.of(this);
  }

  /**
   * A snapshot every {@code snapshot-every} events, so a group wakes from its latest snapshot and
   * the events after it. The events are kept (no deletion on snapshot): they are the group's
   * history, which is read from the journal.
   */
  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
  }

  @Override
  public SnapshotAdapter<State> snapshotAdapter() {
    return snapshots;
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> {
          // Anything kept may have been pushed before the restart: flag it. The member lists
          // may have been cached from a change whose write failed.
          pushers.clear();
          memberIds.clear();
          recoveredUpTo = state.feed().lastSequence();
          if (!state.feed().platformsOwed().isEmpty()) {
            ensureRegistered(state.feed().platformsOwed());
            deliverAll(state);
          }
        })
        .build();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(Create.class, this::onCreate)
        .onCommand(ChangeMembers.class, this::onChangeMembers)
        .onCommand(SetTitle.class, this::onSetTitle)
        .onCommand(Post.class, this::onPost)
        .onCommand(Acknowledge.class, this::onAcknowledge)
        .onCommand(Get.class, (state, get) -> state.exists()
            ? Effect().reply(get.replyTo(), state.info(address))
            : Effect().reply(get.replyTo(), unknown()))
        .onCommand(OpenHistory.class, (state, open) -> state.exists()
            ? Effect().reply(open.replyTo(), new HistoryAccess(state.kind,
                state.members().member(open.user()).isPresent(),
                state.journalFrom(open.beforeSequence()), state.feed().lastSequence()))
            : Effect().reply(open.replyTo(), unknown()))
        .onCommand(WakeUp.class, (state, wake) -> {
          // The sweeps wake groups of platforms without sessions too (hourly): expiry is checked
          // here as well as on the tick, which runs only while something is in flight.
          Optional<Event> expired = expiry(state);
          if (expired.isPresent()) {
            return Effect().persist(expired.get()).thenRun(this::resume).thenNoReply();
          }
          resume(state);
          return Effect().noReply();
        })
        .onCommand(Tick.class, this::onTick)
        .onCommand(RetryDelivery.class, (state, retry) -> {
          deliverAll(state);
          return Effect().noReply();
        })
        .onCommand(SessionBusy.class, (state, busy) -> {
          Pusher pusher = pushers.get(busy.busy().platformId());
          if (pusher != null) {
            switch (pusher.busy(busy.busy())) {
              case NOW -> timers.startSingleTimer(RetryDelivery.INSTANCE, Duration.ZERO);
              case LATER -> timers.startSingleTimer(RetryDelivery.INSTANCE,
                  settings.busyRetryAfter());
              case NONE -> { }
            }
          }
          return Effect().noReply();
        })
        .onCommand(RegistrationDone.class, this::onRegistrationDone)
        .onCommand(RetryRegistration.class, (state, retry) -> {
          ensureRegistered(state.feed().platformsOwed());
          return Effect().noReply();
        })
        .onCommand(PublishCounts.class, this::onPublishCounts)
        .onCommand(CountSubscribers.class, this::onCountSubscribers)
        .onCommand(FlushCounts.class, (state, flush) -> flushCounts())
        .onCommand(Passivate.class, (state, passivate) -> Effect().stop().thenNoReply())
        .build();
  }

  private ReplyEffect<Event, State> onCreate(State state, Create create) {
    if (state.exists()) {
      boolean same = state.kind == create.kind() && state.owner.equals(create.owner());
      return Effect().reply(create.replyTo(), same ? state.info(address)
          : new Refused(Reason.ALREADY_EXISTS, address + " exists: a "
              + state.kind.name().toLowerCase() + " created by " + state.owner));
    }
    if (!create.owner().platformId().equals(address.platformId())) {
      return Effect().reply(create.replyTo(), new Refused(Reason.NOT_PERMITTED, "a group is"
          + " created by a user of its home platform " + address.platformId()));
    }
    return persistThenReply(new GroupCreated(create.kind(), create.title(), create.open(),
        create.owner(), clock.millis()), Set.of(address.platformId()), create.replyTo(),
        s -> s.info(address));
  }

  private ReplyEffect<Event, State> onChangeMembers(State state, ChangeMembers command) {
    if (!state.exists()) {
      return Effect().reply(command.replyTo(), unknown());
    }
    // Checked in order against the membership as the earlier changes leave it; none applies
    // unless all are allowed.
    Membership.Trial trial = state.members().trial();
    List<Change> effective = new ArrayList<>();
    Set<String> audience = new HashSet<>(state.audience());
    for (Change change : command.changes()) {
      Optional<String> refused = trial.check(command.actor(), change, state.open);
      if (refused.isPresent()) {
        Reason reason = refused.get().startsWith("the group is full") ? Reason.GROUP_FULL
            : Reason.NOT_PERMITTED;
        return Effect().reply(command.replyTo(), new Refused(reason, refused.get()));
      }
      if (trial.apply(change)) {
        effective.add(change);
        audience.add(change.user().platformId());
      }
    }
    if (effective.isEmpty()) {
      return Effect().reply(command.replyTo(), state.info(address));
    }
    return persistThenReply(new MembersChanged(state.feed().lastSequence() + 1, command.actor(),
        effective, clock.millis()), audience, command.replyTo(), s -> s.info(address));
  }

  private ReplyEffect<Event, State> onSetTitle(State state, SetTitle command) {
    if (!state.exists()) {
      return Effect().reply(command.replyTo(), unknown());
    }
    Optional<Membership.Member> actor = state.members().member(command.actor());
    if (actor.isEmpty() || actor.get().role() == Role.MEMBER) {
      return Effect().reply(command.replyTo(), new Refused(Reason.NOT_PERMITTED,
          command.actor() + " may not rename the group (needs admin)"));
    }
    if (command.title().equals(state.title)) {
      return Effect().reply(command.replyTo(), state.info(address));
    }
    return persistThenReply(new TitleChanged(state.feed().lastSequence() + 1, command.actor(),
            command.title(), clock.millis()), Set.copyOf(state.audience()), command.replyTo(),
        s -> s.info(address));
  }

  private ReplyEffect<Event, State> onPost(State state, Post post) {
    if (!state.exists()) {
      return Effect().reply(post.replyTo(), unknown());
    }
    Long earlier = state.accepted.get(State.key(post.message()));
    if (earlier != null) {
      Accepted duplicate = new Accepted(earlier, 0, true);
      whenRegistered(state.feed().platformsOwed(), () -> post.replyTo().tell(duplicate));
      return Effect().noReply();
    }
    if (state.kind == Kind.CHANNEL && post.message().content() instanceof Content.Reaction r
        && !state.members().member(post.message().sender())
            .map(m -> m.role() != Role.MEMBER).orElse(false)) {
      return onReaction(state, post, r);
    }
    Optional<String> refused = state.members().mayPost(post.message().sender(),
        state.kind == Kind.CHANNEL);
    if (refused.isPresent()) {
      return Effect().reply(post.replyTo(), new Refused(Reason.NOT_PERMITTED, refused.get()));
    }
    long now = clock.millis();
    long waitMs = takeToken(now);
    if (waitMs > 0) {
      return Effect().reply(post.replyTo(), new Refused(Reason.RATE_LIMITED, "group " + address
          + " takes at most " + settings.postsPerSecond() + " posts per second (burst "
          + settings.postBurst() + "); retry later", waitMs));
    }
    long sequence = state.feed().lastSequence() + 1;
    return persistThenReply(new PostAccepted(sequence, post.message(), now),
        Set.copyOf(state.audience()), post.replyTo(), s -> new Accepted(sequence, now, false));
  }

  /**
   * A subscriber reacts to a channel post: counted (one write), published with the other changed
   * counts at most every {@code reaction-counts-every}, never fanned out one by one.
   */
  private ReplyEffect<Event, State> onReaction(State state, Post post, Content.Reaction reaction) {
    Long target = state.postsById.get(reaction.targetMessageId());
    if (target == null) {
      return Effect().reply(post.replyTo(), new Refused(Reason.UNKNOWN_SEQUENCE, "channel "
          + address + " has no recent post " + reaction.targetMessageId() + " to react to"));
    }
    long now = clock.millis();
    return Effect().persist(new ReactionCounted(post.message(), now)).thenRun(s -> {
      if (!timers.isTimerActive(PublishCounts.INSTANCE)) {
        timers.startSingleTimer(PublishCounts.INSTANCE, settings.countsEvery());
      }
    }).thenReply(post.replyTo(), s -> new Accepted(target, now, false));
  }

  private ReplyEffect<Event, State> onPublishCounts(State state, PublishCounts publish) {
    if (state.countsChanged.isEmpty()) {
      return Effect().noReply();
    }
    return persistThenReply(new CountsPublished(state.feed().lastSequence() + 1,
            List.copyOf(state.countsChanged), clock.millis()), Set.copyOf(state.audience()),
        context.getSystem().ignoreRef(), s -> Boolean.TRUE);
  }

  /**
   * Buffers a bucket's report; the buffer is persisted as one event after
   * {@code count-flush-after} or when {@code count-flush-max-buckets} buckets wait, and the
   * reports are answered only then.
   */
  private ReplyEffect<Event, State> onCountSubscribers(State state, CountSubscribers report) {
    if (!state.exists() || state.kind != Kind.CHANNEL) {
      // Nothing to count (a bucket of a channel that never existed): stop its reports.
      return Effect().reply(report.replyTo(), org.apache.pekko.Done.getInstance());
    }
    return switch (countBuffer.offer(report.count(), report.replyTo(), state.subscribers)) {
      case STALE -> Effect().reply(report.replyTo(), org.apache.pekko.Done.getInstance());
      case FIRST -> {
        timers.startSingleTimer(FlushCounts.INSTANCE, channels.countFlushAfter());
        yield Effect().noReply();
      }
      case ADDED -> Effect().noReply();
      case FULL -> flushCounts();
    };
  }

  private ReplyEffect<Event, State> flushCounts() {
    timers.cancel(FlushCounts.INSTANCE);
    if (countBuffer.isEmpty()) {
      return Effect().noReply();
    }
    CountBuffer.Drained<ActorRef<org.apache.pekko.Done>> drained = countBuffer.drain();
    return Effect().persist(drained.event()).thenRun(s -> {
      drained.waiters().forEach(w -> w.tell(org.apache.pekko.Done.getInstance()));
      // A platform that just got its first subscribers receives the channel's next posts.
      deliverAll(s);
    }).thenNoReply();
  }

  /** Takes one posting token; 0 if there was one, else how long until there is. */
  private long takeToken(long now) {
    if (settings.postsPerSecond() <= 0) {
      return 0;
    }
    tokens = Math.min(settings.postBurst(),
        tokens + (now - tokensAtMs) * settings.postsPerSecond() / 1000.0);
    tokensAtMs = now;
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return (long) Math.ceil((1 - tokens) * 1000.0 / settings.postsPerSecond());
  }

  /**
   * Persists the event, then replies once the group is in the pending index of every platform
   * the new items are owed to (so a group that stops is woken for them), and pushes.
   */
  private <R> ReplyEffect<Event, State> persistThenReply(Event event, Set<String> audience,
      ActorRef<? super R> replyTo, java.util.function.Function<State, R> reply) {
    ensureRegistered(audience);
    long started = System.nanoTime();
    return Effect().persist(event).thenRun(s -> {
      metrics.persisted(MessageMetrics.Entity.GROUP, started);
      R answer = reply.apply(s);
      whenRegistered(audience, () -> replyTo.tell(answer));
      deliverAll(s);
    }).thenNoReply();
  }

  private ReplyEffect<Event, State> onAcknowledge(State state, Acknowledge ack) {
    if (!state.exists()) {
      return Effect().reply(ack.replyTo(), unknown());
    }
    if (!state.feed().mayAcknowledge(ack.upTo())) {
      return Effect().reply(ack.replyTo(), new Refused(Reason.UNKNOWN_SEQUENCE, "group "
          + address + " has no sequence " + ack.upTo() + " (latest "
          + state.feed().lastSequence() + ")"));
    }
    if (ack.upTo() <= state.feed().acknowledgedUpTo(ack.platformId())) {
      return Effect().reply(ack.replyTo(), state.info(address));
    }
    long started = System.nanoTime();
    int items = state.feed().owedUpTo(ack.platformId(), ack.upTo());
    return Effect().persist(new PlatformAcknowledged(ack.platformId(), ack.upTo()))
        .thenRun(s -> {
          metrics.persisted(MessageMetrics.Entity.GROUP, started);
          metrics.platform(ack.platformId()).acknowledged(MessageMetrics.Kind.GROUP, items);
          Pusher pusher = pushers.get(ack.platformId());
          if (pusher != null) {
            pusher.acknowledged(ack.upTo());
          }
          deliver(s, ack.platformId());
        })
        .thenReply(ack.replyTo(), s -> s.info(address));
  }

  private ReplyEffect<Event, State> onTick(State state, Tick tick) {
    long now = clock.millis();
    Set<String> owed = state.feed().platformsOwed();
    for (Iterator<Map.Entry<String, Pusher>> it = pushers.entrySet().iterator(); it.hasNext();) {
      Map.Entry<String, Pusher> entry = it.next();
      if (entry.getValue().redeliveryDue(now, settings.redeliveryAfter().toMillis())) {
        deliver(state, entry.getKey());
      } else if (!owed.contains(entry.getKey()) && entry.getValue().idle()) {
        it.remove();
      }
    }
    for (String platform : registration.toUnregister(owed)) {
      pending.unregister(platform, address);
    }
    if (pushers.isEmpty() && owed.isEmpty()) {
      timers.cancel(Tick.INSTANCE);
    }
    return expiry(state).map(expired -> Effect().persist(expired)
        .thenRun(this::deliverAll).thenNoReply()).orElseGet(() -> Effect().noReply());
  }

  /** The items older than the retention period, if the oldest kept one is. */
  private Optional<Event> expiry(State state) {
    long cutoff = clock.millis() - settings.retention().toMillis();
    java.util.OptionalLong oldest = state.feed().oldestAcceptedAtMs();
    return oldest.isPresent() && oldest.getAsLong() < cutoff
        ? Optional.of(new ItemsExpired(cutoff)) : Optional.empty();
  }

  /** Puts the group in the pending index of each of these platforms unless it is there. */
  private void ensureRegistered(Set<String> platforms) {
    register(registration.toRegister(platforms));
  }

  private void register(Set<String> platforms) {
    for (String platform : platforms) {
      context.pipeToSelf(pending.register(platform, address), (ok, error) -> {
        if (error != null) {
          context.getLog().warn("Cannot record group {} as pending for {}: {}", address,
              platform, error.toString());
        }
        return new RegistrationDone(platform, error == null);
      });
    }
  }

  private ReplyEffect<Event, State> onRegistrationDone(State state, RegistrationDone done) {
    registration.written(done.platformId(), done.ok()).forEach(Runnable::run);
    if (!done.ok()) { // replies wait; try again shortly
      timers.startSingleTimer(RetryRegistration.INSTANCE, settings.redeliveryAfter().dividedBy(10));
    }
    return Effect().noReply();
  }

  /** Runs {@code reply} once the group is in the pending index of every one of the platforms. */
  private void whenRegistered(Set<String> platforms, Runnable reply) {
    register(registration.whenRegistered(platforms, reply));
  }

  /** Registers for and pushes what is owed (after a wake-up). */
  private void resume(State state) {
    if (!state.feed().platformsOwed().isEmpty()) {
      ensureRegistered(state.feed().platformsOwed());
    }
    deliverAll(state);
  }

  private void deliverAll(State state) {
    for (String platform : state.feed().platformsOwed()) {
      deliver(state, platform);
    }
  }

  /** Pushes the items owed to the platform within the window that are not in flight, in order. */
  private void deliver(State state, String platformId) {
    if (state.feed().owedCount(platformId) == 0) {
      return;
    }
    Pusher pusher = pushers.computeIfAbsent(platformId, platform -> {
      Pusher fresh = new Pusher(stream, platform, directory, busyAdapter, metrics);
      fresh.recovered(recoveredUpTo);
      return fresh;
    });
    if (!pusher.ready()) {
      return; // woken when a session of the platform connects
    }
    long acknowledged = state.feed().acknowledgedUpTo(platformId);
    long now = clock.millis();
    for (GroupFeed.Item<Item> item : state.feed().owed(platformId, settings.deliveryWindow())) {
      if (!pusher.inFlight(item.sequence())) {
        pusher.push(item.sequence(), item.acceptedAtMs(), acknowledged,
            new Push(item.payload(), memberIds(state, platformId)), now);
      }
    }
    if (!timers.isTimerActive(Tick.INSTANCE)) {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.tickInterval());
    }
  }

  /**
   * The platform's members now (groups; a channel's subscribers are never listed), computed once
   * per membership change and shared by every push: the session adds them to the frame only for
   * a platform that asked (Capabilities.group_member_lists).
   */
  private List<String> memberIds(State state, String platformId) {
    if (state.kind != Kind.GROUP) {
      return List.of();
    }
    return memberIds.computeIfAbsent(platformId, p -> state.members().userIds(p));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return (state, event) -> {
      if (event instanceof MembersChanged || event instanceof GroupCreated) {
        memberIds.clear();
      }
      return empty.writable(state).apply(event);
    };
  }

  private Refused unknown() {
    return new Refused(Reason.UNKNOWN_GROUP, "group " + address + " does not exist");
  }
}
