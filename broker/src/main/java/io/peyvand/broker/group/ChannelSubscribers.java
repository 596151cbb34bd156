package io.peyvand.broker.group;

import io.peyvand.broker.entity.ClusterMessage;
import io.peyvand.broker.entity.EmptyState;
import io.peyvand.broker.entity.JournalFailures;
import io.peyvand.broker.entity.Sharded;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
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
 * One bucket of a channel's subscribers of one platform ({@link SubscriberBucket}, entity id {@code
 * home:channel-id|platform|bucket}) in Cluster Sharding. The channel itself never holds its
 * subscribers; these buckets do, so that a subscription touches one bucket of bounded size whatever
 * the channel's size, and the channel only holds counts ({@link SubscriberCounts}). It guarantees:
 *
 * <ul>
 *   <li>subscribing and unsubscribing are idempotent and answered after persisting: one event per
 *       command with only the users whose subscription changed (none persisted if none changed),
 *       and the reply says how many changed and the bucket's total;
 *   <li>the channel learns the bucket's ABSOLUTE total after each change, at least once ({@link
 *       BucketCount} through the {@link CountSink}): one report in flight at a time, the latest
 *       sent again every {@code report-retry-after} until one is confirmed, and again after every
 *       restart (what was confirmed is not persisted: a restart re-reports, which the channel
 *       ignores if it knew it). A bucket asked to passivate with an unconfirmed report tries once
 *       more, waiting up to {@code report-retry-after}, before it stops; a report lost that way is
 *       sent on its next start or change, or on {@link Recount};
 *   <li>recovery is bounded by a snapshot every {@code snapshot-every} events (older events are
 *       deleted); the stored form is in serialization.
 * </ul>
 *
 * The state is a set of user ids of the bucket's platform, about 110 bytes of heap per user
 * (ChannelBucketBench). Longer than most entities because the report's small state machine (in
 * flight, retry, stop once confirmed) lives with the set; the pure parts are {@link
 * SubscriberBucket} and, on the channel's side, {@link SubscriberCounts} and {@link CountBuffer}.
 */
public final class ChannelSubscribers
    extends EventSourcedBehaviorWithEnforcedReplies<
        ChannelSubscribers.Command, ChannelSubscribers.Event, ChannelSubscribers.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "ChannelSubscribers");

  /** Starts the sharded entity type on this node. */
  public static void init(
      ActorSystem<?> system,
      ChannelSettings settings,
      CountSink sink,
      SnapshotAdapter<State> snapshots) {
    Sharded.start(
        system,
        ENTITY_KEY,
        Passivate.INSTANCE,
        bucket -> create(SubscriberBucket.parse(bucket), settings, sink, snapshots));
  }

  public static Behavior<Command> create(
      SubscriberBucket bucket,
      ChannelSettings settings,
      CountSink sink,
      SnapshotAdapter<State> snapshots) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers ->
                    new ChannelSubscribers(context, timers, bucket, settings, sink, snapshots)));
  }

  // Commands

  public sealed interface Command {}

  /** Subscribe these users of the bucket's platform (each must hash to this bucket). */
  public record Subscribe(List<String> userIds, ActorRef<Changed> replyTo)
      implements Command, ClusterMessage {
    public Subscribe {
      userIds = List.copyOf(userIds);
    }
  }

  /** Unsubscribe these users of the bucket's platform. */
  public record Unsubscribe(List<String> userIds, ActorRef<Changed> replyTo)
      implements Command, ClusterMessage {
    public Unsubscribe {
      userIds = List.copyOf(userIds);
    }
  }

  /** Is this user subscribed? */
  public record Contains(String userId, ActorRef<Subscription> replyTo)
      implements Command, ClusterMessage {}

  /** The bucket's counters (operators, tests). */
  public record GetView(ActorRef<View> replyTo) implements Command, ClusterMessage {}

  /** Report the bucket's count to the channel again, confirmed or not (repair; no reply). */
  public enum Recount implements Command, ClusterMessage {
    INSTANCE
  }

  /**
   * Sent by sharding when the bucket has been idle, or its shard moves: stop, once the count is
   * confirmed. Sent by the local shard only, never across nodes, so not a ClusterMessage.
   */
  public enum Passivate implements Command, NoSerializationVerificationNeeded {
    INSTANCE
  }

  private enum RetryReport implements Command {
    INSTANCE
  }

  private enum StopNow implements Command {
    INSTANCE
  }

  private record ReportDone(long sequence, boolean confirmed) implements Command {}

  // Replies

  /**
   * {@code changed} users were (un)subscribed; the bucket holds {@code total} at {@code sequence}.
   */
  public record Changed(int changed, long total, long sequence) implements ClusterMessage {}

  public record Subscription(String userId, boolean subscribed) implements ClusterMessage {}

  /** {@code reportedUpTo}: the highest sequence the channel confirmed to this incarnation. */
  public record View(long sequence, long total, long reportedUpTo) implements ClusterMessage {}

  // Events

  public sealed interface Event {}

  /** These users (not subscribed before) subscribed. */
  public record Subscribed(List<String> userIds) implements Event {
    public Subscribed {
      userIds = List.copyOf(userIds);
    }
  }

  /** These users (subscribed before) unsubscribed. */
  public record Unsubscribed(List<String> userIds) implements Event {
    public Unsubscribed {
      userIds = List.copyOf(userIds);
    }
  }

  // State

  /** The bucket's users and its sequence (events applied). Mutable, owned by the entity alone. */
  public static final class State {
    private final Set<String> users;
    private long sequence;

    public State() {
      this.users = new HashSet<>();
    }

    private State(long sequence, Collection<String> users) {
      this.sequence = sequence;
      this.users = new HashSet<>(Math.max(16, (int) (users.size() / 0.75f) + 1));
      this.users.addAll(users);
    }

    /** The state a snapshot stored. */
    public static State restore(long sequence, Collection<String> users) {
      return new State(sequence, users);
    }

    public long sequence() {
      return sequence;
    }

    public int size() {
      return users.size();
    }

    public boolean contains(String userId) {
      return users.contains(userId);
    }

    /** A read-only view of the users, for the snapshot (read in the entity's thread). */
    public Set<String> users() {
      return Collections.unmodifiableSet(users);
    }

    /** Those of {@code userIds} not subscribed yet, each once, in order. */
    List<String> absent(List<String> userIds) {
      Set<String> absent = new LinkedHashSet<>();
      for (String user : userIds) {
        if (!users.contains(user)) {
          absent.add(user);
        }
      }
      return List.copyOf(absent);
    }

    /** Those of {@code userIds} subscribed, each once, in order. */
    List<String> present(List<String> userIds) {
      Set<String> present = new LinkedHashSet<>();
      for (String user : userIds) {
        if (users.contains(user)) {
          present.add(user);
        }
      }
      return List.copyOf(present);
    }

    /** The only way the state changes: by an event, persisted or replayed. */
    public State apply(Event event) {
      if (event instanceof Subscribed subscribed) {
        users.addAll(subscribed.userIds());
      } else if (event instanceof Unsubscribed unsubscribed) {
        unsubscribed.userIds().forEach(users::remove);
      }
      sequence++;
      return this;
    }
  }

  // Behaviour

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final SubscriberBucket bucket;
  private final ChannelSettings settings;
  private final CountSink sink;
  private final SnapshotAdapter<State> snapshots;
  // Every incarnation recovers from a fresh state, never from the one the last applied events to.
  private final EmptyState<State> empty = new EmptyState<>(State::new);

  // Transient, on purpose: after a restart the count is reported again (the channel ignores what
  // it knew), so a crash between a change and its report loses nothing.
  private long reportedUpTo;
  private long reportInFlight;
  private boolean stopping;

  private ChannelSubscribers(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      SubscriberBucket bucket,
      ChannelSettings settings,
      CountSink sink,
      SnapshotAdapter<State> snapshots) {
    // Not PersistenceId.of, which refuses '|' in an entity id: the bucket's id has two, and the
    // type name has none, so "ChannelSubscribers|" still reads back as type and entity id.
    super(
        PersistenceId.ofUniqueId(
            ENTITY_KEY.name() + PersistenceId.DefaultSeparator() + bucket.entityId()),
        JournalFailures.RESTART_MANY);
    this.context = context;
    this.timers = timers;
    this.bucket = bucket;
    this.settings = settings;
    this.sink = sink;
    this.snapshots = snapshots;
  }

  @Override
  public State emptyState() {
    return empty.pristine();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2)
        .withDeleteEventsOnSnapshot();
  }

  @Override
  public SnapshotAdapter<State> snapshotAdapter() {
    return snapshots;
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), this::report).build();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return (state, event) -> empty.writable(state).apply(event);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Subscribe.class, this::onSubscribe)
        .onCommand(Unsubscribe.class, this::onUnsubscribe)
        .onCommand(
            Contains.class,
            (state, c) ->
                Effect()
                    .reply(c.replyTo(), new Subscription(c.userId(), state.contains(c.userId()))))
        .onCommand(
            GetView.class,
            (state, get) ->
                Effect()
                    .reply(get.replyTo(), new View(state.sequence(), state.size(), reportedUpTo)))
        .onCommand(
            Recount.class,
            (state, recount) -> {
              reportedUpTo = 0;
              reportInFlight = 0;
              report(state);
              return Effect().noReply();
            })
        .onCommand(
            RetryReport.class,
            (state, retry) -> {
              reportInFlight = 0; // waited long enough: its answer still counts if it comes
              report(state);
              return Effect().noReply();
            })
        .onCommand(ReportDone.class, this::onReportDone)
        .onCommand(Passivate.class, this::onPassivate)
        .onCommand(StopNow.class, (state, stop) -> Effect().stop().thenNoReply())
        .build();
  }

  private ReplyEffect<Event, State> onSubscribe(State state, Subscribe subscribe) {
    List<String> added = state.absent(subscribe.userIds());
    if (added.isEmpty()) {
      return Effect().reply(subscribe.replyTo(), new Changed(0, state.size(), state.sequence()));
    }
    return Effect()
        .persist(new Subscribed(added))
        .thenRun(this::report)
        .thenReply(subscribe.replyTo(), s -> new Changed(added.size(), s.size(), s.sequence()));
  }

  private ReplyEffect<Event, State> onUnsubscribe(State state, Unsubscribe unsubscribe) {
    List<String> removed = state.present(unsubscribe.userIds());
    if (removed.isEmpty()) {
      return Effect().reply(unsubscribe.replyTo(), new Changed(0, state.size(), state.sequence()));
    }
    return Effect()
        .persist(new Unsubscribed(removed))
        .thenRun(this::report)
        .thenReply(unsubscribe.replyTo(), s -> new Changed(removed.size(), s.size(), s.sequence()));
  }

  private ReplyEffect<Event, State> onReportDone(State state, ReportDone done) {
    if (done.sequence() == reportInFlight) {
      reportInFlight = 0;
    }
    if (done.confirmed()) {
      reportedUpTo = Math.max(reportedUpTo, done.sequence());
    }
    if (reportedUpTo >= state.sequence()) {
      timers.cancel(RetryReport.INSTANCE);
      return stopping ? Effect().stop().thenNoReply() : Effect().noReply();
    }
    if (done.confirmed()) {
      report(state); // changed while that report was out: send the newer count now
    }
    // Not confirmed: the retry timer sends it again.
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> onPassivate(State state, Passivate passivate) {
    if (reportedUpTo >= state.sequence()) {
      return Effect().stop().thenNoReply();
    }
    stopping = true;
    report(state);
    timers.startSingleTimer(StopNow.INSTANCE, settings.reportRetryAfter());
    return Effect().noReply();
  }

  /** Sends the bucket's count unless confirmed or already on its way; keeps retrying. */
  private void report(State state) {
    if (state.sequence() <= reportedUpTo || reportInFlight != 0) {
      return;
    }
    long sequence = state.sequence();
    reportInFlight = sequence;
    BucketCount count = bucket.count(sequence, state.size());
    CompletionStage<Done> reported;
    try {
      reported = sink.report(bucket.channel(), count);
    } catch (RuntimeException e) {
      reported = CompletableFuture.failedFuture(e);
    }
    context.pipeToSelf(
        reported,
        (done, error) -> {
          if (error != null) {
            context
                .getLog()
                .debug("Count of {} not confirmed: {}", bucket.entityId(), error.toString());
          }
          return new ReportDone(sequence, error == null);
        });
    timers.startSingleTimer(RetryReport.INSTANCE, settings.reportRetryAfter());
  }
}
