package io.peyvand.broker.group;

import io.peyvand.broker.delivery.Deliver;
import io.peyvand.broker.delivery.PendingEntries;
import io.peyvand.broker.delivery.PendingRegistration;
import io.peyvand.broker.delivery.PushContext;
import io.peyvand.broker.delivery.SessionDirectory;
import io.peyvand.broker.entity.Asks;
import io.peyvand.broker.entity.ClusterMessage;
import io.peyvand.broker.entity.EmptyState;
import io.peyvand.broker.entity.Facts;
import io.peyvand.broker.entity.JournalFailures;
import io.peyvand.broker.entity.Sharded;
import io.peyvand.broker.entity.WithoutEventPublishing;
import io.peyvand.broker.group.Membership.Change;
import io.peyvand.broker.group.Membership.Role;
import io.peyvand.broker.model.Address;
import io.peyvand.broker.model.Content;
import io.peyvand.broker.model.Message;
import io.peyvand.broker.model.StatisticsFacts;
import io.peyvand.broker.model.StreamItem;
import io.peyvand.broker.observability.MessageMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * A group or a channel with members on many platforms, one entity per group address ({@code
 * home:group-id}) in Cluster Sharding. It owns the membership ({@link Membership}) and the group's
 * log as its platforms receive it ({@link GroupFeed}): a post is accepted with the group's sequence
 * number once persisted (and once the group is in the pending index of every platform that must
 * receive it), membership changes are items of the same log, and every item is owed once to each
 * platform of its audience until that platform acknowledges it.
 *
 * <p>This class is the group's protocol (commands, replies, events) and its command handlers, by
 * state. The rest is split by job: {@link GroupState} (the state and its snapshot form), {@link
 * GroupItem} (the log's items), {@link GroupSettings} (from reference.conf), {@link GroupFanout}
 * (pushing, one Pusher per platform, whatever the number of members), {@link PostRate} (the post
 * rate's token bucket) and the pending-index registration ({@link PendingRegistration}). A platform
 * that was offline is woken through the pending index when a session of it connects, and catches up
 * from its acknowledged cursor. Persist latency and the items each platform acknowledges are
 * counted in {@link MessageMetrics}.
 */
public final class Group
    extends EventSourcedBehaviorWithEnforcedReplies<Group.Command, Group.Event, GroupState> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "Group");

  /**
   * A group's rows in the pending index, where it records that it owes items to a platform, so that
   * the sweep of that platform wakes it (like a mailbox) when it has stopped: one row per
   * (platform, group) under the key {@code group/home:group-id}.
   */
  public static final PendingEntries.Kind<Address> PENDING_ROWS =
      new PendingEntries.Kind<>("group/", Address::toString, Address::parse);

  public enum Kind {
    GROUP,
    CHANNEL
  }

  /** Starts the sharded entity type on this node. */
  public static void init(
      ActorSystem<?> system,
      GroupSettings settings,
      ChannelSettings channels,
      PendingEntries<Address> pending,
      SnapshotAdapter<GroupState> snapshots) {
    Sharded.start(
        system,
        ENTITY_KEY,
        Passivate.INSTANCE,
        address ->
            create(
                Address.parse(address), settings, channels, pending, snapshots, Clock.systemUTC()));
  }

  /**
   * The entity; {@code snapshots} turns its state into the stored snapshot and back
   * (serialization's GroupSnapshots, made with the same settings).
   */
  public static Behavior<Command> create(
      Address address,
      GroupSettings settings,
      ChannelSettings channels,
      PendingEntries<Address> pending,
      SnapshotAdapter<GroupState> snapshots,
      Clock clock) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers ->
                    new Group(
                        context, timers, address, settings, channels, pending, snapshots, clock)));
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
    return (channel, count) ->
        asks.ask(
            sharding.entityRefFor(ENTITY_KEY, channel.toString()),
            (ActorRef<Done> replyTo) -> new CountSubscribers(count, replyTo),
            timeout);
  }

  // Commands

  public sealed interface Command {}

  public record Create(
      Kind kind, String title, boolean open, Address owner, ActorRef<Reply> replyTo)
      implements Command, ClusterMessage {}

  public record ChangeMembers(Address actor, List<Change> changes, ActorRef<Reply> replyTo)
      implements Command, ClusterMessage {
    public ChangeMembers {
      changes = List.copyOf(changes);
    }
  }

  public record SetTitle(Address actor, String title, ActorRef<Reply> replyTo)
      implements Command, ClusterMessage {}

  /** A member's part in the group's call {@code callId} (phase 3). */
  public record ChangeCall(
      Address user, String callId, GroupItem.CallAction action, ActorRef<Reply> replyTo)
      implements Command, ClusterMessage {}

  public record Post(Message message, ActorRef<PostReply> replyTo)
      implements Command, ClusterMessage {}

  /** The platform received every item of the group owed to it up to {@code upTo}. */
  public record Acknowledge(String platformId, long upTo, ActorRef<Reply> replyTo)
      implements Command, ClusterMessage {}

  public record Get(ActorRef<Reply> replyTo) implements Command, ClusterMessage {}

  /**
   * A channel's subscription bucket reports its count; answered once the count is persisted (with
   * others, as one event) or known already.
   */
  public record CountSubscribers(BucketCount count, ActorRef<Done> replyTo)
      implements Command, ClusterMessage {}

  /**
   * Where to read the log before {@code beforeSequence} (0: from the latest) for {@code user}'s
   * history request; answered {@link HistoryAccess}.
   */
  public record OpenHistory(Address user, long beforeSequence, ActorRef<Reply> replyTo)
      implements Command, ClusterMessage {}

  /** A session of a platform connected, or a sweep found the group: push what is owed. */
  public enum WakeUp implements Command, ClusterMessage {
    INSTANCE
  }

  /**
   * Sent by sharding when the group has been idle, or its shard moves: stop. Sent by the local
   * shard only, never across nodes, so not a ClusterMessage.
   */
  public enum Passivate implements Command, NoSerializationVerificationNeeded {
    INSTANCE
  }

  private enum Tick implements Command {
    INSTANCE
  }

  private enum RetryDelivery implements Command {
    INSTANCE
  }

  private enum RetryRegistration implements Command {
    INSTANCE
  }

  private record SessionBusy(Deliver.Busy busy) implements Command {}

  private record RegistrationDone(String platformId, boolean ok) implements Command {}

  private enum PublishCounts implements Command {
    INSTANCE
  }

  private enum FlushCounts implements Command {
    INSTANCE
  }

  // Replies

  public enum Reason {
    UNKNOWN_GROUP,
    NOT_PERMITTED,
    UNKNOWN_SEQUENCE,
    ALREADY_EXISTS,
    GROUP_FULL,
    RATE_LIMITED
  }

  public sealed interface Reply extends ClusterMessage {}

  public sealed interface PostReply extends ClusterMessage {}

  /** The group as it is now. */
  public record Info(
      Address address,
      Kind kind,
      String title,
      boolean open,
      Address owner,
      Map<String, Long> membersPerPlatform,
      long lastSequence,
      long createdAtMs)
      implements Reply {}

  public record Accepted(long sequence, long acceptedAtMs, boolean duplicate)
      implements PostReply {}

  /**
   * A history request may read the group's journal backwards from {@code fromJournalSequence}
   * (every item before the requested sequence is at or below it); {@code member} says whether the
   * user is a member (a channel's subscribers are checked elsewhere).
   */
  public record HistoryAccess(
      Kind kind, boolean member, long fromJournalSequence, long lastSequence) implements Reply {}

  /** Refused; {@code retryAfterMs} is set for RATE_LIMITED only. */
  public record Refused(Reason reason, String message, long retryAfterMs)
      implements Reply, PostReply {
    public Refused(Reason reason, String message) {
      this(reason, message, 0);
    }
  }

  // Events

  /** The group's events; {@link SubscribersCounted} is a channel's, kept beside its buckets. */
  public sealed interface Event
      permits GroupCreated,
          MembersChanged,
          TitleChanged,
          CallChanged,
          PostAccepted,
          PlatformAcknowledged,
          ReactionCounted,
          CountsPublished,
          SubscribersCounted,
          ItemsExpired {}

  public record GroupCreated(Kind kind, String title, boolean open, Address owner, long atMs)
      implements Event {}

  /** Changes made at consecutive sequences from {@code firstSequence}. */
  public record MembersChanged(long firstSequence, Address actor, List<Change> changes, long atMs)
      implements Event {
    public MembersChanged {
      changes = List.copyOf(changes);
    }
  }

  public record TitleChanged(long sequence, Address actor, String title, long atMs)
      implements Event {}

  public record CallChanged(
      long sequence, Address user, String callId, GroupItem.CallAction action, long atMs)
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
   * The counts of these posts changed since they were last published: each becomes a {@link
   * GroupItem.Counts} of the log, at consecutive sequences from {@code firstSequence}.
   */
  public record CountsPublished(long firstSequence, List<Long> postSequences, long atMs)
      implements Event {
    public CountsPublished {
      postSequences = List.copyOf(postSequences);
    }
  }

  // History

  /** An item of the log as history shows it. */
  public record LoggedItem(long sequence, long acceptedAtMs, GroupItem item) {}

  /**
   * The items an event added to the log, newest first, as history reads them from the journal
   * without the state: posts and membership changes (reaction counts are live only).
   */
  public static List<LoggedItem> loggedItems(Event event) {
    List<LoggedItem> items = new ArrayList<>();
    if (event instanceof GroupCreated created) {
      items.add(
          new LoggedItem(
              1, created.atMs(), new GroupItem.Created(created.owner(), created.title())));
    } else if (event instanceof MembersChanged changed) {
      for (int i = changed.changes().size() - 1; i >= 0; i--) {
        items.add(
            new LoggedItem(
                changed.firstSequence() + i,
                changed.atMs(),
                new GroupItem.Changed(changed.actor(), changed.changes().get(i))));
      }
    } else if (event instanceof TitleChanged renamed) {
      items.add(
          new LoggedItem(
              renamed.sequence(),
              renamed.atMs(),
              new GroupItem.Titled(renamed.actor(), renamed.title())));
    } else if (event instanceof CallChanged call) {
      items.add(
          new LoggedItem(
              call.sequence(),
              call.atMs(),
              new GroupItem.CallChanged(call.user(), call.callId(), call.action())));
    } else if (event instanceof PostAccepted post) {
      items.add(new LoggedItem(post.sequence(), post.atMs(), new GroupItem.Post(post.message())));
    }
    return items;
  }

  /**
   * One item as pushed to one platform; {@code memberIds} lists the platform's members when it
   * asked for member lists (empty otherwise).
   */
  public record Push(GroupItem item, List<String> memberIds) implements StreamItem {}

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final Address address;
  private final GroupSettings settings;
  private final ChannelSettings channels;
  private final PendingEntries<Address> pending;
  private final SnapshotAdapter<GroupState> snapshots;
  private final Clock clock;
  private final MessageMetrics metrics;
  private final Facts facts;

  /** The group's kind, known once created (from its events or its snapshot). */
  private Kind kind;

  private final GroupFanout fanout;
  private final PostRate postRate;
  // The group's rows in the pending index, one per platform it owes items.
  private final PendingRegistration<String> registration = new PendingRegistration<>();
  private final CountBuffer<ActorRef<Done>> countBuffer;
  // Every incarnation recovers from a fresh state, never from the one the last applied events to.
  private final EmptyState<GroupState> empty;

  private Group(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      Address address,
      GroupSettings settings,
      ChannelSettings channels,
      PendingEntries<Address> pending,
      SnapshotAdapter<GroupState> snapshots,
      Clock clock) {
    super(persistenceId(address), JournalFailures.RESTART);
    this.context = context;
    this.timers = timers;
    this.address = address;
    this.settings = settings;
    this.channels = channels;
    this.countBuffer = new CountBuffer<>(channels.countFlushMaxBuckets());
    this.pending = pending;
    this.snapshots = snapshots;
    this.clock = clock;
    this.metrics = MessageMetrics.get(context.getSystem());
    this.facts = Facts.get(context.getSystem());
    this.fanout =
        new GroupFanout(
            Deliver.Stream.group(address),
            new PushContext(
                SessionDirectory.get(context.getSystem()),
                context.messageAdapter(Deliver.Busy.class, SessionBusy::new),
                metrics,
                wakeUp(context.getSelf())),
            settings,
            clock,
            () -> {
              if (!timers.isTimerActive(Tick.INSTANCE)) {
                timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.tickInterval());
              }
            });
    this.postRate = new PostRate(settings.postsPerSecond(), settings.postBurst(), clock);
    this.empty = new EmptyState<>(() -> new GroupState(settings));
  }

  @Override
  public GroupState emptyState() {
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
  public SnapshotAdapter<GroupState> snapshotAdapter() {
    return snapshots;
  }

  @Override
  public SignalHandler<GroupState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            state -> {
              kind = state.kind();
              // Anything kept may have been pushed before the restart: it is flagged.
              fanout.recovered(state.feed().lastSequence());
              resume(state);
            })
        .onSignal(PostStop.instance(), state -> fanout.stopped())
        .build();
  }

  /** What a platform's session appearing does: the group pushes what it owes (any thread). */
  private static Runnable wakeUp(ActorRef<Command> self) {
    return () -> self.tell(RetryDelivery.INSTANCE);
  }

  /**
   * The handlers by state: a group that does not exist takes only Create (everything else is
   * answered "unknown group"); one that exists takes the members', the posts' and the platforms'
   * commands; timers, wake-ups and the pending index's answers are the same in both.
   */
  @Override
  public CommandHandlerWithReply<Command, Event, GroupState> commandHandler() {
    CommandHandlerWithReplyBuilder<Command, Event, GroupState> builder =
        newCommandHandlerWithReplyBuilder();
    builder
        .forState(state -> !state.exists())
        .onCommand(Create.class, this::onCreate)
        .onCommand(ChangeMembers.class, (state, c) -> Effect().reply(c.replyTo(), unknown()))
        .onCommand(SetTitle.class, (state, c) -> Effect().reply(c.replyTo(), unknown()))
        .onCommand(ChangeCall.class, (state, c) -> Effect().reply(c.replyTo(), unknown()))
        .onCommand(Post.class, (state, c) -> Effect().reply(c.replyTo(), unknown()))
        .onCommand(Acknowledge.class, (state, c) -> Effect().reply(c.replyTo(), unknown()))
        .onCommand(Get.class, (state, c) -> Effect().reply(c.replyTo(), unknown()))
        .onCommand(OpenHistory.class, (state, c) -> Effect().reply(c.replyTo(), unknown()))
        // A bucket of a channel that never existed: nothing to count, its reports stop.
        .onCommand(
            CountSubscribers.class, (state, c) -> Effect().reply(c.replyTo(), Done.getInstance()));
    builder
        .forState(GroupState::exists)
        .onCommand(Create.class, this::onCreateAgain)
        .onCommand(ChangeMembers.class, this::onChangeMembers)
        .onCommand(SetTitle.class, this::onSetTitle)
        .onCommand(ChangeCall.class, this::onChangeCall)
        .onCommand(Post.class, this::onPost)
        .onCommand(Acknowledge.class, this::onAcknowledge)
        .onCommand(Get.class, (state, get) -> Effect().reply(get.replyTo(), state.info(address)))
        .onCommand(
            OpenHistory.class,
            (state, open) ->
                Effect()
                    .reply(
                        open.replyTo(),
                        new HistoryAccess(
                            state.kind(),
                            state.members().member(open.user()).isPresent(),
                            state.journalFrom(open.beforeSequence()),
                            state.feed().lastSequence())))
        .onCommand(CountSubscribers.class, this::onCountSubscribers)
        .onCommand(PublishCounts.class, this::onPublishCounts);
    builder
        .forAnyState()
        .onCommand(
            WakeUp.class,
            (state, wake) -> {
              // The sweeps wake groups of platforms without sessions too (hourly): expiry is
              // checked
              // here as well as on the tick, which runs only while something is in flight.
              Optional<Event> expired = expiry(state);
              if (expired.isPresent()) {
                return Effect().persist(expired.get()).thenRun(this::resume).thenNoReply();
              }
              resume(state);
              return Effect().noReply();
            })
        .onCommand(Tick.class, this::onTick)
        .onCommand(
            RetryDelivery.class,
            (state, retry) -> {
              fanout.deliverAll(state);
              return Effect().noReply();
            })
        .onCommand(
            SessionBusy.class,
            (state, busy) -> {
              switch (fanout.busy(busy.busy())) {
                case NOW -> timers.startSingleTimer(RetryDelivery.INSTANCE, Duration.ZERO);
                case LATER ->
                    timers.startSingleTimer(RetryDelivery.INSTANCE, settings.busyRetryAfter());
                case NONE -> {}
              }
              return Effect().noReply();
            })
        .onCommand(RegistrationDone.class, this::onRegistrationDone)
        .onCommand(
            RetryRegistration.class,
            (state, retry) -> {
              ensureRegistered(state.feed().platformsOwed());
              return Effect().noReply();
            })
        .onCommand(FlushCounts.class, (state, flush) -> flushCounts())
        .onCommand(Passivate.class, (state, passivate) -> Effect().stop().thenNoReply());
    return builder.build();
  }

  private ReplyEffect<Event, GroupState> onCreate(GroupState state, Create create) {
    if (!create.owner().platformId().equals(address.platformId())) {
      return Effect()
          .reply(
              create.replyTo(),
              new Refused(
                  Reason.NOT_PERMITTED,
                  "a group is"
                      + " created by a user of its home platform "
                      + address.platformId()));
    }
    return persistThenReply(
        new GroupCreated(
            create.kind(), create.title(), create.open(), create.owner(), clock.millis()),
        Set.of(address.platformId()),
        create.replyTo(),
        s -> s.info(address));
  }

  /** Created again by its owner as the same kind: answered as created; otherwise refused. */
  private ReplyEffect<Event, GroupState> onCreateAgain(GroupState state, Create create) {
    boolean same = state.kind() == create.kind() && state.owner().equals(create.owner());
    return Effect()
        .reply(
            create.replyTo(),
            same
                ? state.info(address)
                : new Refused(
                    Reason.ALREADY_EXISTS,
                    address
                        + " exists: a "
                        + state.kind().name().toLowerCase()
                        + " created by "
                        + state.owner()));
  }

  private ReplyEffect<Event, GroupState> onChangeMembers(GroupState state, ChangeMembers command) {
    // Checked in order against the membership as the earlier changes leave it; none applies
    // unless all are allowed.
    Membership.Trial trial = state.members().trial();
    List<Change> effective = new ArrayList<>();
    Set<String> audience = new HashSet<>(state.audience());
    for (Change change : command.changes()) {
      Optional<Membership.Denial> denied = trial.check(command.actor(), change, state.open());
      if (denied.isPresent()) {
        return Effect().reply(command.replyTo(), refused(denied.get()));
      }
      if (trial.apply(change)) {
        effective.add(change);
        audience.add(change.user().platformId());
      }
    }
    if (effective.isEmpty()) {
      return Effect().reply(command.replyTo(), state.info(address));
    }
    return persistThenReply(
        new MembersChanged(
            state.feed().lastSequence() + 1, command.actor(), effective, clock.millis()),
        audience,
        command.replyTo(),
        s -> s.info(address));
  }

  private ReplyEffect<Event, GroupState> onSetTitle(GroupState state, SetTitle command) {
    Optional<Membership.Member> actor = state.members().member(command.actor());
    if (actor.isEmpty() || actor.get().role() == Role.MEMBER) {
      return Effect()
          .reply(
              command.replyTo(),
              new Refused(
                  Reason.NOT_PERMITTED,
                  command.actor() + " may not rename the group (needs admin)"));
    }
    if (command.title().equals(state.title())) {
      return Effect().reply(command.replyTo(), state.info(address));
    }
    return persistThenReply(
        new TitleChanged(
            state.feed().lastSequence() + 1, command.actor(), command.title(), clock.millis()),
        Set.copyOf(state.audience()),
        command.replyTo(),
        s -> s.info(address));
  }

  /**
   * A member's part in a call of the group: an item of the log for every platform with members. A
   * channel has no calls (its subscribers are an audience); a non-member is refused.
   */
  private ReplyEffect<Event, GroupState> onChangeCall(GroupState state, ChangeCall command) {
    if (state.kind() == Kind.CHANNEL) {
      return Effect()
          .reply(
              command.replyTo(),
              new Refused(
                  Reason.NOT_PERMITTED,
                  "a channel has no calls; group calls are for groups (a channel's live audio is"
                      + " its platforms' own)"));
    }
    if (state.members().member(command.user()).isEmpty()) {
      return Effect()
          .reply(
              command.replyTo(),
              new Refused(
                  Reason.NOT_PERMITTED,
                  command.user() + " is not a member of the group: join it before its calls"));
    }
    return persistThenReply(
        new CallChanged(
            state.feed().lastSequence() + 1,
            command.user(),
            command.callId(),
            command.action(),
            clock.millis()),
        Set.copyOf(state.audience()),
        command.replyTo(),
        s -> s.info(address));
  }

  private ReplyEffect<Event, GroupState> onPost(GroupState state, Post post) {
    Long earlier = state.acceptedAs(post.message());
    if (earlier != null) {
      Accepted duplicate = new Accepted(earlier, 0, true);
      whenRegistered(state.feed().platformsOwed(), () -> post.replyTo().tell(duplicate));
      return Effect().noReply();
    }
    boolean channel = state.kind() == Kind.CHANNEL;
    if (channel
        && post.message().content() instanceof Content.Reaction r
        && !state
            .members()
            .member(post.message().sender())
            .map(m -> m.role() != Role.MEMBER)
            .orElse(false)) {
      return onReaction(state, post, r);
    }
    Optional<Membership.Denial> denied = state.members().mayPost(post.message().sender(), channel);
    if (denied.isPresent()) {
      return Effect().reply(post.replyTo(), refused(denied.get()));
    }
    long waitMs = postRate.take();
    if (waitMs > 0) {
      return Effect()
          .reply(
              post.replyTo(),
              new Refused(
                  Reason.RATE_LIMITED,
                  "group "
                      + address
                      + " takes at most "
                      + settings.postsPerSecond()
                      + " posts per second (burst "
                      + settings.postBurst()
                      + "); retry later",
                  waitMs));
    }
    long now = clock.millis();
    long sequence = state.feed().lastSequence() + 1;
    return persistThenReply(
        new PostAccepted(sequence, post.message(), now),
        Set.copyOf(state.audience()),
        post.replyTo(),
        s -> new Accepted(sequence, now, false));
  }

  /**
   * A subscriber reacts to a channel post: counted (one write), published with the other changed
   * counts at most every {@code reaction-counts-every}, never fanned out one by one.
   */
  private ReplyEffect<Event, GroupState> onReaction(
      GroupState state, Post post, Content.Reaction reaction) {
    Long target = state.postSequence(reaction.targetMessageId());
    if (target == null) {
      return Effect()
          .reply(
              post.replyTo(),
              new Refused(
                  Reason.UNKNOWN_SEQUENCE,
                  "channel "
                      + address
                      + " has no recent post "
                      + reaction.targetMessageId()
                      + " to react to"));
    }
    long now = clock.millis();
    return Effect()
        .persist(new ReactionCounted(post.message(), now))
        .thenRun(
            s -> {
              if (!timers.isTimerActive(PublishCounts.INSTANCE)) {
                timers.startSingleTimer(PublishCounts.INSTANCE, settings.reactionCountsEvery());
              }
            })
        .thenReply(post.replyTo(), s -> new Accepted(target, now, false));
  }

  private ReplyEffect<Event, GroupState> onPublishCounts(GroupState state, PublishCounts publish) {
    List<Long> changed = state.countsChanged();
    if (changed.isEmpty()) {
      return Effect().noReply();
    }
    return persistThenReply(
        new CountsPublished(state.feed().lastSequence() + 1, changed, clock.millis()),
        Set.copyOf(state.audience()),
        context.getSystem().ignoreRef(),
        s -> Boolean.TRUE);
  }

  /**
   * Buffers a bucket's report; the buffer is persisted as one event after {@code count-flush-after}
   * or when {@code count-flush-max-buckets} buckets wait, and the reports are answered only then. A
   * group that is not a channel has nothing to count.
   */
  private ReplyEffect<Event, GroupState> onCountSubscribers(
      GroupState state, CountSubscribers report) {
    if (state.kind() != Kind.CHANNEL) {
      return Effect().reply(report.replyTo(), Done.getInstance());
    }
    return switch (countBuffer.offer(report.count(), report.replyTo(), state.subscribers())) {
      case STALE -> Effect().reply(report.replyTo(), Done.getInstance());
      case FIRST -> {
        timers.startSingleTimer(FlushCounts.INSTANCE, channels.countFlushAfter());
        yield Effect().noReply();
      }
      case ADDED -> Effect().noReply();
      case FULL -> flushCounts();
    };
  }

  private ReplyEffect<Event, GroupState> flushCounts() {
    timers.cancel(FlushCounts.INSTANCE);
    if (countBuffer.isEmpty()) {
      return Effect().noReply();
    }
    CountBuffer.Drained<ActorRef<Done>> drained = countBuffer.drain();
    return Effect()
        .persist(drained.event())
        .thenRun(
            s -> {
              drained.waiters().forEach(w -> w.tell(Done.getInstance()));
              // A platform that just got its first subscribers receives the channel's next posts.
              fanout.deliverAll(s);
            })
        .thenNoReply();
  }

  /**
   * Persists the event, then replies once the group is in the pending index of every platform the
   * new items are owed to (so a group that stops is woken for them), and pushes.
   */
  private <R> ReplyEffect<Event, GroupState> persistThenReply(
      Event event,
      Set<String> audience,
      ActorRef<? super R> replyTo,
      Function<GroupState, R> reply) {
    ensureRegistered(audience);
    long started = System.nanoTime();
    return Effect()
        .persist(event)
        .thenRun(
            s -> {
              metrics.persisted(MessageMetrics.Entity.GROUP, started);
              R answer = reply.apply(s);
              whenRegistered(audience, () -> replyTo.tell(answer));
              fanout.deliverAll(s);
            })
        .thenNoReply();
  }

  private ReplyEffect<Event, GroupState> onAcknowledge(GroupState state, Acknowledge ack) {
    if (!state.feed().mayAcknowledge(ack.upTo())) {
      return Effect()
          .reply(
              ack.replyTo(),
              new Refused(
                  Reason.UNKNOWN_SEQUENCE,
                  "group "
                      + address
                      + " has no sequence "
                      + ack.upTo()
                      + " (latest "
                      + state.feed().lastSequence()
                      + ")"));
    }
    if (ack.upTo() <= state.feed().acknowledgedUpTo(ack.platformId())) {
      return Effect().reply(ack.replyTo(), state.info(address));
    }
    long started = System.nanoTime();
    int items = state.feed().owedUpTo(ack.platformId(), ack.upTo());
    return Effect()
        .persist(new PlatformAcknowledged(ack.platformId(), ack.upTo()))
        .thenRun(
            s -> {
              metrics.persisted(MessageMetrics.Entity.GROUP, started);
              metrics.platform(ack.platformId()).acknowledged(MessageMetrics.Kind.GROUP, items);
              fanout.acknowledged(s, ack.platformId(), ack.upTo());
            })
        .thenReply(ack.replyTo(), s -> s.info(address));
  }

  private ReplyEffect<Event, GroupState> onTick(GroupState state, Tick tick) {
    boolean idle = fanout.tick(state);
    for (String platform : registration.toUnregister(state.feed().platformsOwed())) {
      pending.unregister(platform, address);
    }
    if (idle) {
      timers.cancel(Tick.INSTANCE);
    }
    return expiry(state)
        .map(expired -> Effect().persist(expired).thenRun(fanout::deliverAll).thenNoReply())
        .orElseGet(() -> Effect().noReply());
  }

  /** The items older than the retention period, if the oldest kept one is. */
  private Optional<Event> expiry(GroupState state) {
    long cutoff = clock.millis() - settings.retention().toMillis();
    OptionalLong oldest = state.feed().oldestAcceptedAtMs();
    return oldest.isPresent() && oldest.getAsLong() < cutoff
        ? Optional.of(new ItemsExpired(cutoff))
        : Optional.empty();
  }

  /** Puts the group in the pending index of each of these platforms unless it is there. */
  private void ensureRegistered(Set<String> platforms) {
    register(registration.toRegister(platforms));
  }

  private void register(Set<String> platforms) {
    for (String platform : platforms) {
      context.pipeToSelf(
          pending.register(platform, address),
          (ok, error) -> {
            if (error != null) {
              context
                  .getLog()
                  .warn(
                      "Cannot record group {} as pending for {}: {}",
                      address,
                      platform,
                      error.toString());
            }
            return new RegistrationDone(platform, error == null);
          });
    }
  }

  private ReplyEffect<Event, GroupState> onRegistrationDone(
      GroupState state, RegistrationDone done) {
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

  /** Registers for and pushes what is owed (after recovery or a wake-up). */
  private void resume(GroupState state) {
    if (!state.feed().platformsOwed().isEmpty()) {
      ensureRegistered(state.feed().platformsOwed());
    }
    fanout.deliverAll(state);
  }

  @Override
  public EventHandler<GroupState, Event> eventHandler() {
    return (state, event) -> {
      if (event instanceof MembersChanged || event instanceof GroupCreated) {
        fanout.membersChanged();
      }
      if (event instanceof GroupCreated created) {
        kind = created.kind();
      }
      return empty.writable(state).apply(event);
    };
  }

  /** The statistics' facts of an event (StatisticsFacts): stored by the journal beside it. */
  @Override
  public Set<String> tagsFor(Event event) {
    if (event instanceof PostAccepted post) {
      return facts.of(StatisticsFacts.post(post.message().sender(), kind == Kind.CHANNEL));
    }
    return Set.of();
  }

  private Refused unknown() {
    return new Refused(Reason.UNKNOWN_GROUP, "group " + address + " does not exist");
  }

  private static Refused refused(Membership.Denial denial) {
    return new Refused(denial.reason(), denial.message());
  }
}
