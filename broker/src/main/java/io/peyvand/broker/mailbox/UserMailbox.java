package io.peyvand.broker.mailbox;

import io.peyvand.broker.delivery.Deliver;
import io.peyvand.broker.delivery.PendingRegistration;
import io.peyvand.broker.delivery.PushContext;
import io.peyvand.broker.delivery.Pusher;
import io.peyvand.broker.delivery.SessionDirectory;
import io.peyvand.broker.entity.ClusterMessage;
import io.peyvand.broker.entity.EmptyState;
import io.peyvand.broker.entity.Facts;
import io.peyvand.broker.entity.JournalFailures;
import io.peyvand.broker.entity.Sharded;
import io.peyvand.broker.entity.WithoutEventPublishing;
import io.peyvand.broker.mailbox.MailboxState.NotificationKey;
import io.peyvand.broker.model.Address;
import io.peyvand.broker.model.Content;
import io.peyvand.broker.model.MailboxItem;
import io.peyvand.broker.model.Message;
import io.peyvand.broker.model.StatisticsFacts;
import io.peyvand.broker.model.Status;
import io.peyvand.broker.model.StatusNotice;
import io.peyvand.broker.observability.MessageMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
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
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One user's mailbox, keyed by the user's address ({@code bale:bob}) in Cluster Sharding. It owns
 * what is sent to the user (messages from other platforms, and statuses of the messages the user
 * sent) and guarantees:
 *
 * <ul>
 *   <li>a message is answered "accepted" with its sequence number only once its event is in the
 *       journal, and the mailbox is in the pending index (so it is woken if it stops);
 *   <li>a repeated (sender, message id) is answered "duplicate" with the original sequence and is
 *       not stored or delivered again;
 *   <li>items are pushed in sequence order to one session of the user's platform, at most {@code
 *       delivery-window} unacknowledged at a time; unacknowledged items are pushed again, flagged
 *       redelivery, after {@code redelivery-after}, on wake-up, and after a restart;
 *   <li>acknowledgements are cumulative, taken at once and persisted with the mailbox's next write
 *       or tick (a crash in between pushes those items again, flagged); each acknowledged, read or
 *       expired message owes its sender's mailbox a status, sent until that mailbox confirms it (at
 *       least once; the sender's mailbox deduplicates);
 *   <li>statuses by recipient: a message whose sender's platform declared {@code
 *       statuses_by_recipient} when it was submitted owes its statuses to that platform directly,
 *       as items of this mailbox's status stream for the platform (numbered as the events that owe
 *       them are applied), pushed once stored, at least once and in order, and acknowledged
 *       cumulatively by the platform (stored like the mailbox's own acknowledgements). The sender's
 *       mailbox is not involved.
 * </ul>
 *
 * Large for an actor because delivery, acknowledgement and notification are one state machine over
 * one sequence; the state and its events are in {@link MailboxState}, the stored form in
 * serialization. The time each command waits for its event to be persisted and the items the
 * platform acknowledges are counted in {@link MessageMetrics} (pushes, by its {@link Pusher}).
 */
public final class UserMailbox
    extends EventSourcedBehavior<UserMailbox.Command, UserMailbox.Event, MailboxState> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "UserMailbox");

  /**
   * A recipient who is not opted in or who blocked the sender: one answer for both, so that it
   * reveals nothing more (PROTOCOL.md §7), to a message and to an addition to a group alike.
   */
  private static final Refused NOT_ACCEPTING =
      new Refused(
          Refusal.RECIPIENT_NOT_ACCEPTING,
          "the recipient does not accept messages from this sender");

  private static final String SELF_KEY = "self";
  private static final Set<String> SELF = Set.of(SELF_KEY);

  /** Starts the sharded entity type on this node. */
  public static void init(
      ActorSystem<?> system,
      MailboxSettings settings,
      PendingRegistry registry,
      SnapshotAdapter<MailboxState> snapshots) {
    Sharded.start(
        system,
        ENTITY_KEY,
        Passivate.INSTANCE,
        owner -> create(Address.parse(owner), settings, registry, snapshots, Clock.systemUTC()));
  }

  public static Behavior<Command> create(
      Address owner,
      MailboxSettings settings,
      PendingRegistry registry,
      SnapshotAdapter<MailboxState> snapshots,
      Clock clock) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers ->
                    new UserMailbox(context, timers, owner, settings, registry, snapshots, clock)));
  }

  // Commands

  public sealed interface Command {}

  /**
   * Store a message for this mailbox's user, unless a duplicate or refused.
   *
   * @param statusesByRecipient the sender's platform takes the message's statuses from this
   *     mailbox's status stream (its capability when the message was submitted)
   */
  public record Accept(
      Message message,
      RecipientPolicy policy,
      ActorRef<AcceptReply> replyTo,
      boolean statusesByRecipient)
      implements Command, ClusterMessage {
    public Accept(Message message, RecipientPolicy policy, ActorRef<AcceptReply> replyTo) {
      this(message, policy, replyTo, false);
    }
  }

  /** What the recipient's platform decided that the mailbox must apply. */
  public record RecipientPolicy(boolean defaultOptedIn, int editWindowSeconds) {}

  /** Store a status of a message this mailbox's user sent (from the recipient's mailbox). */
  public record RecordStatus(Status status, ActorRef<StatusRecorded> replyTo)
      implements Command, ClusterMessage {}

  /** The user's platform received every item up to {@code upTo}. */
  public record Acknowledge(String platformId, long upTo, ActorRef<Outcome> replyTo)
      implements Command, ClusterMessage {}

  /**
   * The platform {@code platformId} received every status of this mailbox's status stream for it up
   * to {@code upTo}.
   */
  public record AcknowledgeStatuses(String platformId, long upTo, ActorRef<Outcome> replyTo)
      implements Command, ClusterMessage {}

  /** The user read every message up to {@code upTo}. */
  public record MarkRead(String platformId, long upTo, ActorRef<Outcome> replyTo)
      implements Command, ClusterMessage {}

  /** The user opts in to or out of cross-platform messages. */
  public record SetConsent(boolean optedIn, boolean platformDefault, ActorRef<ConsentView> replyTo)
      implements Command, ClusterMessage {}

  /** The user blocks or unblocks a sender. */
  public record SetBlocked(
      Address sender, boolean blocked, boolean platformDefault, ActorRef<ConsentView> replyTo)
      implements Command, ClusterMessage {}

  /**
   * Would the user accept a message from {@code sender} now? Answered from memory, without storing
   * anything, by the very rule {@link Accept} applies: {@link Contactable}, or the same {@link
   * Refused} a message from {@code sender} would get. Asked before the user is added to a group.
   *
   * @param platformDefault the user's platform's consent default, for a user who never chose
   */
  public record MayContact(Address sender, boolean platformDefault, ActorRef<ContactReply> replyTo)
      implements Command, ClusterMessage {}

  /**
   * Tell the user's consent, without changing it (the directory publishes only users who accept
   * cross-platform messages).
   *
   * @param platformDefault the user's platform's consent default, for a user who never chose
   */
  public record GetConsent(boolean platformDefault, ActorRef<ConsentView> replyTo)
      implements Command, ClusterMessage {}

  /** Tell the mailbox's counters (operators, tests). */
  public record GetView(ActorRef<View> replyTo) implements Command, ClusterMessage {}

  /** A session of the platform connected, or a sweep found this mailbox: push what is pending. */
  public enum WakeUp implements Command, ClusterMessage {
    INSTANCE
  }

  /**
   * Sent by sharding when the mailbox has been idle, or its shard moves: stop. Sent by the local
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

  /** Store the acknowledgements taken: they owe statuses by recipient, pushed once stored. */
  private enum FlushAcks implements Command {
    INSTANCE
  }

  private record SessionBusy(Deliver.Busy busy) implements Command {}

  private record NotificationConfirmed(long sequence, Status.Kind kind) implements Command {}

  private record RegistrationDone(boolean ok) implements Command {}

  // Replies

  public sealed interface AcceptReply extends ClusterMessage {}

  public record Accepted(long sequence, long acceptedAtMs, boolean duplicate)
      implements AcceptReply {}

  public record Refused(Refusal reason, String message)
      implements AcceptReply, Outcome, ContactReply {}

  /** The answer to {@link MayContact}: {@link Contactable} or {@link Refused}. */
  public sealed interface ContactReply extends ClusterMessage {}

  /** The user accepts messages from the sender asked about. */
  public enum Contactable implements ContactReply {
    INSTANCE
  }

  public sealed interface Outcome extends ClusterMessage {}

  public record Done(long upTo) implements Outcome {}

  public record StatusRecorded(long recipientSequence, Status.Kind kind)
      implements ClusterMessage {}

  public record ConsentView(boolean optedIn, boolean byDefault, int blockedSenders)
      implements ClusterMessage {}

  public record View(
      long lastSequence, long acknowledgedUpTo, long readUpTo, int pending, int outbox)
      implements ClusterMessage {}

  // Events

  public sealed interface Event {}

  /** A message for the user was accepted at this sequence. */
  public record MessageAccepted(
      long sequence, Message message, long acceptedAtMs, boolean statusesByRecipient)
      implements Event {
    public MessageAccepted(long sequence, Message message, long acceptedAtMs) {
      this(sequence, message, acceptedAtMs, false);
    }
  }

  /** A status of a message the user sent was accepted at this sequence. */
  public record StatusAccepted(long sequence, Status status, long acceptedAtMs) implements Event {}

  /** The user's platform acknowledged every item up to this sequence. */
  public record ItemsAcknowledged(long upToSequence, long atMs) implements Event {}

  /** A senders' platform acknowledged every status of its stream up to this position. */
  public record StatusesAcknowledged(String platformId, long upToSequence, long atMs)
      implements Event {}

  /** The user read every message up to this sequence. */
  public record MessagesRead(long upToSequence, long atMs) implements Event {}

  /** Items up to this sequence outlived the retention period undelivered. */
  public record ItemsExpired(long upToSequence, long atMs) implements Event {}

  /** Senders' mailboxes confirmed these statuses. */
  public record NotificationsConfirmed(List<NotificationKey> keys) implements Event {
    public NotificationsConfirmed {
      keys = List.copyOf(keys);
    }
  }

  /**
   * The user opted in to or out of cross-platform messages; {@code before}, what they had chosen
   * (empty: never, or an event stored before December 2026).
   */
  public record ConsentChanged(boolean optedIn, Optional<Boolean> before) implements Event {
    public ConsentChanged(boolean optedIn) {
      this(optedIn, Optional.empty());
    }
  }

  /** The user blocked or unblocked a sender. */
  public record SenderBlockChanged(Address sender, boolean blocked) implements Event {}

  // Behaviour

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final Address owner;
  private final String ownerKey;
  private final MailboxSettings settings;
  private final PendingRegistry registry;
  private final SnapshotAdapter<MailboxState> snapshots;
  private final Clock clock;
  private final ClusterSharding sharding;
  private final ActorRef<StatusRecorded> confirmAdapter;
  private final MessageMetrics metrics;
  private final Facts facts;

  /** The status facts of events applied and not yet tagged, by event (identity). */
  private final Map<Event, List<String>> statusFacts = new IdentityHashMap<>();

  /**
   * What events whose tags were asked for before they were applied make owed (see {@link
   * #tagsFor}), kept for their application.
   */
  private final Map<Event, List<MailboxState.OwedStatus>> owedBeforeApplied =
      new IdentityHashMap<>();

  /** Whether recovery is over (events applied from then on are live, and tagged). */
  private boolean recovered;

  /** The state as of the last event applied (or the recovered one). */
  private MailboxState current;

  // Every incarnation recovers from a fresh state, never from the one the last applied events to.
  private final EmptyState<MailboxState> empty;

  // Transient: what this incarnation has pushed and is waiting for. Lost on restart, on purpose:
  // after a restart everything pending is pushed again, flagged as a redelivery.
  private final Pusher pusher;
  private final PushContext pushing;
  // One per senders' platform this mailbox owes statuses by recipient, created when first needed.
  private final Map<String, Pusher> statusPushers = new HashMap<>();
  private final Map<NotificationKey, Long> notifying = new HashMap<>();
  private final List<NotificationKey> confirmedUnsaved = new ArrayList<>();
  // The mailbox's one row in the pending index ("self"), while it has work.
  private final PendingRegistration<String> registration = new PendingRegistration<>();
  // Acknowledgements taken (answered, the window moved, DELIVERED statuses sent) but not yet
  // stored: they go into the mailbox's next write, or its next tick's. Kept across a restart
  // after a failed write (same object); a new incarnation has none: those items come again,
  // flagged (PROTOCOL.md §5.4).
  private final List<ItemsAcknowledged> unsavedAcks = new ArrayList<>();
  // The same for status streams: the latest acknowledgement of each platform, not yet stored.
  private final Map<String, StatusesAcknowledged> unsavedStatusAcks = new HashMap<>();
  // Those the latest write carried: taken up again if that write failed.
  private final List<Event> lastWrittenAcks = new ArrayList<>();

  private UserMailbox(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      Address owner,
      MailboxSettings settings,
      PendingRegistry registry,
      SnapshotAdapter<MailboxState> snapshots,
      Clock clock) {
    // "UserMailbox|bale:bob", as PersistenceId.of would make it, which refuses a '|' in the id
    // while user ids may contain one.
    super(PersistenceId.ofUniqueId(ENTITY_KEY.name() + "|" + owner), JournalFailures.RESTART_MANY);
    this.context = context;
    this.timers = timers;
    this.owner = owner;
    this.ownerKey = owner.toString();
    this.settings = settings;
    this.registry = registry;
    this.snapshots = snapshots;
    this.clock = clock;
    this.sharding = ClusterSharding.get(context.getSystem());
    this.metrics = MessageMetrics.get(context.getSystem());
    this.facts = Facts.get(context.getSystem());
    ActorRef<Command> self = context.getSelf();
    this.pushing =
        new PushContext(
            SessionDirectory.get(context.getSystem()),
            context.messageAdapter(Deliver.Busy.class, SessionBusy::new),
            metrics,
            () -> self.tell(RetryDelivery.INSTANCE));
    this.pusher = new Pusher(Deliver.Stream.mailbox(owner), owner.platformId(), pushing);
    this.confirmAdapter =
        context.messageAdapter(
            StatusRecorded.class, r -> new NotificationConfirmed(r.recipientSequence(), r.kind()));
    this.empty = new EmptyState<>(() -> new MailboxState(settings.limits()));
  }

  @Override
  public MailboxState emptyState() {
    return empty.pristine();
  }

  /** Without publishing each persisted event to the event stream. */
  @Override
  public Behavior<Command> apply(TypedActorContext<Command> context) {
    return WithoutEventPublishing.of(this);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2)
        .withDeleteEventsOnSnapshot();
  }

  @Override
  public SnapshotAdapter<MailboxState> snapshotAdapter() {
    return snapshots;
  }

  @Override
  public SignalHandler<MailboxState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            state -> {
              statusFacts.clear();
              owedBeforeApplied.clear();
              current = state;
              recovered = true;
              // After a journal failure this is the same object as before the restart: what was in
              // flight is pushed again, flagged, and statuses are sent again.
              pusher.restarted();
              statusPushers.values().forEach(Pusher::restarted);
              notifying.clear();
              takeUpAcknowledgements(state);
              // Whatever is pending within the window may have been pushed before the restart;
              // nothing beyond it was.
              pusher.recovered(
                  Math.min(state.lastSequence(), acknowledged(state) + settings.deliveryWindow()));
              state
                  .statusStreams()
                  .forEach(
                      (platform, stream) -> {
                        if (!stream.owed().isEmpty()) {
                          statusPusher(platform)
                              .recovered(
                                  Math.min(
                                      stream.last(),
                                      acknowledgedStatuses(state, platform)
                                          + settings.deliveryWindow()));
                        }
                      });
              if (state.hasWork()) {
                ensureRegistered(state);
                deliver(state);
                notifySenders(state);
              }
            })
        .onSignal(PostStop.instance(), state -> pushing.stopped())
        .build();
  }

  /**
   * The statistics' facts of an event (StatisticsFacts), stored by the journal beside it: a message
   * accepted for the user; the statuses its senders came to be owed (delivered, read, failed,
   * expired: counted here, in the recipient's mailbox, whichever way the statuses then travel); a
   * consent change.
   *
   * <p>Pekko asks for an event's tags before it applies the event when it persists several at once,
   * and after when it persists one: the statuses an event makes owed are taken from the state
   * before it either way ({@link MailboxState#owedBy}): here, from the state as it is, when the
   * event is not applied yet; in the event handler otherwise.
   */
  @Override
  public Set<String> tagsFor(Event event) {
    if (event instanceof MessageAccepted accepted
        && !(accepted.message().content() instanceof Content.CallRecord)) {
      return facts.of(StatisticsFacts.message(accepted.message(), accepted.acceptedAtMs()));
    }
    if (event instanceof ConsentChanged consent) {
      return facts.of(StatisticsFacts.consent(owner, consent.optedIn(), consent.before()));
    }
    if (!facts.enabled()) {
      return Set.of();
    }
    List<String> owed = statusFacts.remove(event);
    if (owed == null && current != null) {
      List<MailboxState.OwedStatus> before = current.owedBy(event);
      if (!before.isEmpty()) {
        owedBeforeApplied.put(event, before);
        owed = statusFacts(before);
      }
    }
    return owed == null || owed.isEmpty() ? Set.of() : facts.of(owed);
  }

  @Override
  public EventHandler<MailboxState, Event> eventHandler() {
    return (state, event) -> {
      MailboxState writable = empty.writable(state);
      List<MailboxState.OwedStatus> owed = owedBeforeApplied.remove(event);
      if (owed == null && recovered && facts.enabled()) {
        owed = writable.owedBy(event);
        if (!owed.isEmpty()) {
          statusFacts.put(event, statusFacts(owed));
        }
      }
      current = writable.apply(event, owed);
      return current;
    };
  }

  private List<String> statusFacts(List<MailboxState.OwedStatus> owed) {
    List<String> out = new ArrayList<>(owed.size());
    for (MailboxState.OwedStatus o : owed) {
      out.add(
          StatisticsFacts.status(
              o.notification().sender(),
              new Status(
                  o.notification().messageId(),
                  owner,
                  o.key().kind(),
                  o.notification().failure(),
                  o.key().sequence(),
                  o.notification().atMs())));
    }
    return out;
  }

  @Override
  public CommandHandler<Command, Event, MailboxState> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Accept.class, this::onAccept)
        .onCommand(RecordStatus.class, this::onRecordStatus)
        .onCommand(Acknowledge.class, this::onAcknowledge)
        .onCommand(AcknowledgeStatuses.class, this::onAcknowledgeStatuses)
        .onCommand(MarkRead.class, this::onMarkRead)
        .onCommand(SetConsent.class, this::onSetConsent)
        .onCommand(
            GetConsent.class,
            (state, get) -> reply(get.replyTo(), consentView(state, get.platformDefault())))
        .onCommand(SetBlocked.class, this::onSetBlocked)
        .onCommand(
            MayContact.class,
            (state, may) ->
                reply(
                    may.replyTo(),
                    refusal(state, may.sender(), may.platformDefault())
                        .<ContactReply>map(refused -> refused)
                        .orElse(Contactable.INSTANCE)))
        .onCommand(
            GetView.class,
            (state, get) ->
                reply(
                    get.replyTo(),
                    new View(
                        state.lastSequence(),
                        acknowledged(state),
                        state.readUpTo(),
                        state.pending().size(),
                        state.owedStatuses())))
        .onCommand(WakeUp.class, this::onWakeUp)
        .onCommand(Tick.class, this::onTick)
        .onCommand(
            RetryDelivery.class,
            (state, retry) -> {
              deliver(state);
              return Effect().none();
            })
        .onCommand(SessionBusy.class, this::onSessionBusy)
        .onCommand(NotificationConfirmed.class, this::onNotificationConfirmed)
        .onCommand(RegistrationDone.class, this::onRegistrationDone)
        .onCommand(FlushAcks.class, this::onFlushAcks)
        .onCommand(
            RetryRegistration.class,
            (state, retry) -> {
              if (state.hasWork()) {
                ensureRegistered(state);
              }
              return Effect().none();
            })
        .onCommand(Passivate.class, this::onPassivate)
        .build();
  }

  private Effect<Event, MailboxState> onAccept(MailboxState state, Accept accept) {
    Message message = accept.message();
    Optional<MailboxState.Accepted> earlier =
        state.acceptedMessage(message.sender(), message.messageId());
    if (earlier.isPresent()) {
      whenRegistered(
          state,
          () ->
              accept
                  .replyTo()
                  .tell(
                      new Accepted(earlier.get().sequence(), earlier.get().acceptedAtMs(), true)));
      return Effect().none();
    }
    Optional<Refused> notAccepting =
        refusal(state, message.sender(), accept.policy().defaultOptedIn());
    if (notAccepting.isPresent()) {
      return reply(accept.replyTo(), notAccepting.get());
    }
    Optional<String> notTheAuthor = authorProblem(state, message);
    if (notTheAuthor.isPresent()) {
      return reply(accept.replyTo(), new Refused(Refusal.NOT_PERMITTED, notTheAuthor.get()));
    }
    Optional<String> editProblem = editWindowProblem(state, message, accept.policy());
    if (editProblem.isPresent()) {
      return reply(
          accept.replyTo(), new Refused(Refusal.CAPABILITY_NOT_SUPPORTED, editProblem.get()));
    }
    long sequence = state.lastSequence() + 1;
    long now = clock.millis();
    long started = System.nanoTime();
    ensureRegistered(state);
    return Effect()
        .persist(
            withUnsavedAcks(
                state, new MessageAccepted(sequence, message, now, accept.statusesByRecipient())))
        .thenRun(
            s -> {
              metrics.persisted(MessageMetrics.Entity.MAILBOX, started);
              whenRegistered(s, () -> accept.replyTo().tell(new Accepted(sequence, now, false)));
              deliver(s);
            });
  }

  /**
   * The refusal of {@code sender} by the user: not opted in (explicitly, or by {@code
   * platformDefault} for a user who never chose), or blocking the sender; empty when accepted.
   */
  private static Optional<Refused> refusal(
      MailboxState state, Address sender, boolean platformDefault) {
    return state.accepts(sender, platformDefault) ? Optional.empty() : Optional.of(NOT_ACCEPTING);
  }

  /**
   * An edit or delete naming a message that this mailbox remembers from another sender, and not
   * from this one: only its author may edit or delete a message. A target the mailbox does not
   * remember (never sent, or forgotten, §3.4) cannot be attributed and is not refused here.
   */
  private static Optional<String> authorProblem(MailboxState state, Message message) {
    String kind;
    String target;
    if (message.content() instanceof Content.Edit edit) {
      kind = "edit";
      target = edit.targetMessageId();
    } else if (message.content() instanceof Content.Delete delete) {
      kind = "delete";
      target = delete.targetMessageId();
    } else {
      return Optional.empty();
    }
    if (!state.rememberedOnlyFromOthers(message.sender(), target)) {
      return Optional.empty();
    }
    return Optional.of(
        kind
            + ": target_message_id \""
            + target
            + "\" names a message of another sender to this recipient; only its author, "
            + "the sender of the original message, may "
            + kind
            + " it");
  }

  private Optional<String> editWindowProblem(
      MailboxState state, Message message, RecipientPolicy policy) {
    if (!(message.content() instanceof Content.Edit edit) || policy.editWindowSeconds() <= 0) {
      return Optional.empty();
    }
    Optional<MailboxState.Accepted> target =
        state.acceptedMessage(message.sender(), edit.targetMessageId());
    long windowMs = policy.editWindowSeconds() * 1000L;
    if (target.isEmpty() || clock.millis() - target.get().acceptedAtMs() > windowMs) {
      return Optional.of(
          "capability edits: the recipient's platform accepts edits only within "
              + policy.editWindowSeconds()
              + " s of the original message");
    }
    return Optional.empty();
  }

  private Effect<Event, MailboxState> onRecordStatus(MailboxState state, RecordStatus record) {
    Status status = record.status();
    StatusRecorded confirmation = new StatusRecorded(status.recipientSequence(), status.kind());
    if (state.acceptedStatus(status.key()).isPresent()) {
      whenRegistered(state, () -> record.replyTo().tell(confirmation));
      return Effect().none();
    }
    long sequence = state.lastSequence() + 1;
    long started = System.nanoTime();
    ensureRegistered(state);
    return Effect()
        .persist(withUnsavedAcks(state, new StatusAccepted(sequence, status, clock.millis())))
        .thenRun(
            s -> {
              metrics.persisted(MessageMetrics.Entity.MAILBOX, started);
              whenRegistered(s, () -> record.replyTo().tell(confirmation));
              deliver(s);
            });
  }

  private Effect<Event, MailboxState> onAcknowledge(MailboxState state, Acknowledge ack) {
    Optional<Refused> problem = checkCursor(ack.platformId(), ack.upTo(), "acknowledged");
    if (problem.isPresent()) {
      return reply(ack.replyTo(), problem.get());
    }
    long acknowledged = acknowledged(state);
    if (ack.upTo() <= acknowledged) {
      return reply(ack.replyTo(), new Done(acknowledged));
    }
    long messages = 0;
    long statuses = 0;
    boolean owesStatusesByRecipient = false;
    for (MailboxState.Pending item :
        state.pending().subMap(acknowledged, false, ack.upTo(), true).values()) {
      if (item.item() instanceof MailboxItem.StatusUpdate) {
        statuses++;
      } else {
        messages++;
        owesStatusesByRecipient |= item.statusesByRecipient();
      }
    }
    // Taken now, stored with the next write (docs/DELIVERY-PATH.md, step 2): the window moves and
    // the senders are told at once; a crash before the write pushes these items again, flagged.
    unsavedAcks.add(new ItemsAcknowledged(ack.upTo(), clock.millis()));
    MessageMetrics.PlatformCounters counters = metrics.platform(owner.platformId());
    counters.acknowledged(MessageMetrics.Kind.DIRECT, messages);
    counters.acknowledged(MessageMetrics.Kind.STATUS, statuses);
    pusher.acknowledged(ack.upTo());
    ack.replyTo().tell(new Done(ack.upTo()));
    deliver(state);
    notifySenders(state);
    startTicking();
    if (owesStatusesByRecipient && !timers.isTimerActive(FlushAcks.INSTANCE)) {
      // Their statuses are numbered when the acknowledgement is applied, so pushed once stored.
      timers.startSingleTimer(FlushAcks.INSTANCE, settings.statusFlushAfter());
    }
    return Effect().none();
  }

  private Effect<Event, MailboxState> onFlushAcks(MailboxState state, FlushAcks flush) {
    List<Event> events = withUnsavedAcks(state);
    if (events.isEmpty()) {
      return Effect().none(); // a write carried them already
    }
    return Effect()
        .persist(events)
        .thenRun(
            s -> {
              deliver(s);
              notifySenders(s);
            });
  }

  private Effect<Event, MailboxState> onAcknowledgeStatuses(
      MailboxState state, AcknowledgeStatuses ack) {
    String platform = ack.platformId();
    long acknowledged = acknowledgedStatuses(state, platform);
    if (ack.upTo() <= acknowledged) {
      // Idempotent, also after a restart that left nothing of the stream to push.
      return reply(ack.replyTo(), new Done(acknowledged));
    }
    Pusher statuses = statusPushers.get(platform);
    long highest = statuses == null ? 0 : statuses.highestSent();
    if (ack.upTo() > highest) {
      ack.replyTo()
          .tell(
              new Refused(
                  Refusal.UNKNOWN_SEQUENCE,
                  "status "
                      + ack.upTo()
                      + " of the statuses of "
                      + ownerKey
                      + " for platform "
                      + platform
                      + " cannot be acknowledged: the highest sent is "
                      + highest));
      return Effect().none();
    }
    // Taken now, stored with the next write, as the mailbox's own acknowledgements: a crash in
    // between pushes these statuses again, flagged, at the same positions.
    unsavedStatusAcks.put(platform, new StatusesAcknowledged(platform, ack.upTo(), clock.millis()));
    metrics.platform(platform).acknowledged(MessageMetrics.Kind.STATUS, ack.upTo() - acknowledged);
    statuses.acknowledged(ack.upTo());
    ack.replyTo().tell(new Done(ack.upTo()));
    deliverStatuses(state);
    startTicking();
    return Effect().none();
  }

  /** The status stream's cursor as {@code platform} sees it: stored, or taken not yet stored. */
  private long acknowledgedStatuses(MailboxState state, String platform) {
    MailboxState.StatusStream stream = state.statusStreams().get(platform);
    long stored = stream == null ? 0 : stream.acknowledgedUpTo();
    StatusesAcknowledged unsaved = unsavedStatusAcks.get(platform);
    return unsaved == null ? stored : Math.max(stored, unsaved.upToSequence());
  }

  /**
   * After a restart: the acknowledgements the failed write carried, and those taken since, are
   * taken again (stored with the next write), unless the state has them.
   */
  private void takeUpAcknowledgements(MailboxState state) {
    List<Event> taken = new ArrayList<>(lastWrittenAcks);
    taken.addAll(unsavedAcks);
    taken.addAll(unsavedStatusAcks.values());
    lastWrittenAcks.clear();
    unsavedAcks.clear();
    unsavedStatusAcks.clear();
    for (Event event : taken) {
      if (event instanceof ItemsAcknowledged a && a.upToSequence() > state.acknowledgedUpTo()) {
        unsavedAcks.add(a);
      } else if (event instanceof StatusesAcknowledged a
          && a.upToSequence() > acknowledgedStatuses(state, a.platformId())) {
        unsavedStatusAcks.put(a.platformId(), a);
      }
    }
  }

  /** The cursor as the platform sees it: stored, or taken and not yet stored. */
  private long acknowledged(MailboxState state) {
    return unsavedAcks.isEmpty()
        ? state.acknowledgedUpTo()
        : Math.max(
            state.acknowledgedUpTo(), unsavedAcks.get(unsavedAcks.size() - 1).upToSequence());
  }

  /** {@code events}, after the acknowledgements taken since the last write (now taken out). */
  private List<Event> withUnsavedAcks(MailboxState state, Event... events) {
    List<Event> all =
        new ArrayList<>(unsavedAcks.size() + unsavedStatusAcks.size() + events.length);
    lastWrittenAcks.clear();
    for (ItemsAcknowledged acknowledged : unsavedAcks) {
      if (acknowledged.upToSequence() > state.acknowledgedUpTo()) {
        all.add(acknowledged);
        lastWrittenAcks.add(acknowledged);
      }
    }
    unsavedAcks.clear();
    for (StatusesAcknowledged acknowledged : unsavedStatusAcks.values()) {
      MailboxState.StatusStream stream = state.statusStreams().get(acknowledged.platformId());
      if (stream != null && acknowledged.upToSequence() > stream.acknowledgedUpTo()) {
        all.add(acknowledged);
        lastWrittenAcks.add(acknowledged);
      }
    }
    unsavedStatusAcks.clear();
    all.addAll(List.of(events));
    return all;
  }

  private Effect<Event, MailboxState> onMarkRead(MailboxState state, MarkRead read) {
    Optional<Refused> problem = checkCursor(read.platformId(), read.upTo(), "read");
    if (problem.isPresent()) {
      return reply(read.replyTo(), problem.get());
    }
    if (read.upTo() <= state.readUpTo()) {
      return reply(read.replyTo(), new Done(state.readUpTo()));
    }
    long started = System.nanoTime();
    return Effect()
        .persist(withUnsavedAcks(state, new MessagesRead(read.upTo(), clock.millis())))
        .thenRun(
            s -> {
              metrics.persisted(MessageMetrics.Entity.MAILBOX, started);
              read.replyTo().tell(new Done(s.readUpTo()));
              notifySenders(s);
            });
  }

  /** Only the user's own platform moves its cursors, and only over items it was sent. */
  private Optional<Refused> checkCursor(String platformId, long upTo, String what) {
    if (!owner.platformId().equals(platformId)) {
      return Optional.of(
          new Refused(
              Refusal.NOT_PERMITTED,
              "mailbox "
                  + ownerKey
                  + " belongs to platform "
                  + owner.platformId()
                  + ", not "
                  + platformId));
    }
    if (upTo > pusher.highestSent()) {
      return Optional.of(
          new Refused(
              Refusal.UNKNOWN_SEQUENCE,
              "sequence "
                  + upTo
                  + " of "
                  + ownerKey
                  + " cannot be "
                  + what
                  + ": the highest sequence delivered is "
                  + pusher.highestSent()));
    }
    return Optional.empty();
  }

  private Effect<Event, MailboxState> onSetConsent(MailboxState state, SetConsent set) {
    Function<MailboxState, ConsentView> view = s -> consentView(s, set.platformDefault());
    if (state.optedIn().equals(Optional.of(set.optedIn()))) {
      return reply(set.replyTo(), view.apply(state));
    }
    return Effect()
        .persist(new ConsentChanged(set.optedIn(), state.optedIn()))
        .thenRun(s -> set.replyTo().tell(view.apply(s)));
  }

  private Effect<Event, MailboxState> onSetBlocked(MailboxState state, SetBlocked set) {
    if (state.blocks(set.sender()) == set.blocked()) {
      return reply(set.replyTo(), consentView(state, set.platformDefault()));
    }
    return Effect()
        .persist(new SenderBlockChanged(set.sender(), set.blocked()))
        .thenRun(s -> set.replyTo().tell(consentView(s, set.platformDefault())));
  }

  private static ConsentView consentView(MailboxState state, boolean platformDefault) {
    return new ConsentView(
        state.optedIn().orElse(platformDefault), state.optedIn().isEmpty(), state.blockedCount());
  }

  private Effect<Event, MailboxState> onWakeUp(MailboxState state, WakeUp wakeUp) {
    Optional<Event> expired = expiry(state);
    if (expired.isPresent()) {
      return Effect()
          .persist(withUnsavedAcks(state, expired.get()))
          .thenRun(this::resumeAfterWakeUp);
    }
    resumeAfterWakeUp(state);
    return Effect().none();
  }

  /**
   * Pushes what is not in flight; items in flight to a session that is no longer the one chosen (it
   * disconnected, or another connected) are pushed again, flagged. Statuses are sent again.
   */
  private void resumeAfterWakeUp(MailboxState state) {
    notifying.clear();
    if (state.hasWork()) {
      ensureRegistered(state);
    }
    deliver(state);
    notifySenders(state);
  }

  private Effect<Event, MailboxState> onTick(MailboxState state, Tick tick) {
    long now = clock.millis();
    if (pusher.redeliveryDue(now, settings.redeliveryAfter().toMillis())) {
      // Push the window again, flagged as redeliveries, through the platform's next session:
      // the one that took them did not acknowledge (it may be losing frames).
      deliver(state);
    }
    boolean statusesDue = false;
    for (Pusher statuses : statusPushers.values()) {
      statusesDue |= statuses.redeliveryDue(now, settings.redeliveryAfter().toMillis());
    }
    if (statusesDue) {
      deliverStatuses(state);
    }
    notifying.values().removeIf(sentAt -> now - sentAt >= settings.notifyRetryAfter().toMillis());
    notifySenders(state);
    unregisterIfDrained(state);
    List<Event> due = new ArrayList<>();
    expiry(state).ifPresent(due::add);
    if (!confirmedUnsaved.isEmpty()) {
      due.add(new NotificationsConfirmed(List.copyOf(confirmedUnsaved)));
      confirmedUnsaved.clear();
    }
    List<Event> events = withUnsavedAcks(state, due.toArray(Event[]::new));
    if (!state.hasWork()
        && pusher.idle()
        && notifying.isEmpty()
        && events.isEmpty()
        && statusPushers.values().stream().allMatch(Pusher::idle)) {
      timers.cancel(Tick.INSTANCE);
    }
    if (events.isEmpty()) {
      return Effect().none();
    }
    return Effect()
        .persist(events)
        .thenRun(
            s -> {
              deliver(s);
              notifySenders(s);
            });
  }

  /**
   * Items older than the retention period at the head of the mailbox, as one event; items
   * acknowledged but not yet stored are not given up.
   */
  private Optional<Event> expiry(MailboxState state) {
    long oldest = clock.millis() - settings.retention().toMillis();
    long upTo = 0;
    for (MailboxState.Pending pending :
        state.pending().tailMap(acknowledged(state), false).values()) {
      if (pending.acceptedAtMs() >= oldest) {
        break;
      }
      upTo = pending.sequence();
    }
    return upTo == 0 ? Optional.empty() : Optional.of(new ItemsExpired(upTo, clock.millis()));
  }

  private Effect<Event, MailboxState> onSessionBusy(MailboxState state, SessionBusy busy) {
    Deliver.Busy refusal = busy.busy();
    // A node of an earlier version does not name the stream: a mailbox's status streams go to
    // other platforms than its own (but for a platform writing to itself).
    boolean ofStatuses =
        refusal.stream() != null
            ? refusal.stream().kind() == Deliver.Stream.Kind.STATUSES
            : !owner.platformId().equals(refusal.platformId());
    Pusher refused = ofStatuses ? statusPushers.get(refusal.platformId()) : pusher;
    if (refused == null) {
      return Effect().none();
    }
    switch (refused.busy(refusal)) {
      case NOW -> timers.startSingleTimer(RetryDelivery.INSTANCE, Duration.ZERO);
      case LATER -> timers.startSingleTimer(RetryDelivery.INSTANCE, settings.busyRetryAfter());
      case NONE -> {}
    }
    return Effect().none();
  }

  private Effect<Event, MailboxState> onNotificationConfirmed(
      MailboxState state, NotificationConfirmed confirmed) {
    NotificationKey key = new NotificationKey(confirmed.sequence(), confirmed.kind());
    notifying.remove(key);
    boolean owed = state.outbox().containsKey(key) || owedProvisionally(state, key);
    if (owed && !confirmedUnsaved.contains(key)) {
      confirmedUnsaved.add(key);
    }
    if (confirmedUnsaved.size() >= settings.maxNotificationsInFlight()) {
      List<NotificationKey> batch = List.copyOf(confirmedUnsaved);
      confirmedUnsaved.clear();
      return Effect()
          .persist(withUnsavedAcks(state, new NotificationsConfirmed(batch)))
          .thenRun(this::notifySenders);
    }
    notifySenders(state);
    return Effect().none();
  }

  private Effect<Event, MailboxState> onPassivate(MailboxState state, Passivate passivate) {
    if (!confirmedUnsaved.isEmpty() || !unsavedAcks.isEmpty() || !unsavedStatusAcks.isEmpty()) {
      List<Event> events =
          confirmedUnsaved.isEmpty()
              ? withUnsavedAcks(state)
              : withUnsavedAcks(state, new NotificationsConfirmed(List.copyOf(confirmedUnsaved)));
      confirmedUnsaved.clear();
      if (!events.isEmpty()) {
        return Effect().persist(events).thenRun(this::unregisterIfDrained).thenStop();
      }
    }
    unregisterIfDrained(state);
    return Effect().stop();
  }

  private void unregisterIfDrained(MailboxState state) {
    if (!registration.toUnregister(owed(state)).isEmpty()) {
      registry.unregister(owner);
    }
  }

  /** The mailbox's row when it has work (it must be found if it stops), else none. */
  private static Set<String> owed(MailboxState state) {
    return state.hasWork() ? SELF : Set.of();
  }

  /** Puts the mailbox in the pending index unless it is there; replies wait for it. */
  private void ensureRegistered(MailboxState state) {
    register(registration.toRegister(SELF));
  }

  private void register(Set<String> keys) {
    if (keys.isEmpty()) {
      return;
    }
    context.pipeToSelf(
        registry.register(owner),
        (ok, error) -> {
          if (error != null) {
            context
                .getLog()
                .warn("Cannot record mailbox {} as pending: {}", ownerKey, error.toString());
          }
          return new RegistrationDone(error == null);
        });
  }

  private Effect<Event, MailboxState> onRegistrationDone(
      MailboxState state, RegistrationDone done) {
    registration.written(SELF_KEY, done.ok()).forEach(Runnable::run);
    if (!done.ok()) { // replies wait; try again shortly
      timers.startSingleTimer(RetryRegistration.INSTANCE, settings.redeliveryAfter().dividedBy(10));
    }
    return Effect().none();
  }

  /** Runs {@code reply} once the mailbox is in the pending index (at once if it is). */
  private void whenRegistered(MailboxState state, Runnable reply) {
    register(registration.whenRegistered(owed(state), reply));
  }

  /**
   * Pushes the pending items within the window that are not in flight, in order; and the owed
   * statuses of each status stream.
   */
  private void deliver(MailboxState state) {
    deliverStatuses(state);
    if (state.pending().isEmpty()) {
      return;
    }
    if (!pusher.ready()) {
      return; // whenSessionAppears runs when a session of the platform appears
    }
    long acknowledged = acknowledged(state);
    long windowEnd = acknowledged + settings.deliveryWindow();
    long now = clock.millis();
    for (MailboxState.Pending pending :
        state.pending().subMap(acknowledged, false, windowEnd, true).values()) {
      pusher
          .push(pending.sequence(), pending.acceptedAtMs(), acknowledged, pending.item(), now)
          .ifPresent(Pusher.Push::send);
    }
    startTicking();
  }

  /**
   * Pushes, per senders' platform, the statuses of its stream within the window that are not in
   * flight, in order, to a session of that platform.
   */
  private void deliverStatuses(MailboxState state) {
    if (state.statusStreams().isEmpty()) {
      return;
    }
    long now = clock.millis();
    for (Map.Entry<String, MailboxState.StatusStream> entry : state.statusStreams().entrySet()) {
      MailboxState.StatusStream stream = entry.getValue();
      if (stream.owed().isEmpty()) {
        continue;
      }
      Pusher statuses = statusPusher(entry.getKey());
      if (!statuses.ready()) {
        continue; // whenSessionAppears runs when a session of the platform appears
      }
      long acknowledged = acknowledgedStatuses(state, entry.getKey());
      for (MailboxState.Owed owed :
          stream
              .owed()
              .subMap(acknowledged, false, acknowledged + settings.deliveryWindow(), true)
              .values()) {
        MailboxState.Notification n = owed.notification();
        Status status =
            new Status(
                n.messageId(),
                owner,
                owed.key().kind(),
                n.failure(),
                owed.key().sequence(),
                n.atMs());
        statuses
            .push(
                owed.position(), n.atMs(), acknowledged, new StatusNotice(n.sender(), status), now)
            .ifPresent(Pusher.Push::send);
      }
      startTicking();
    }
  }

  private Pusher statusPusher(String platform) {
    return statusPushers.computeIfAbsent(
        platform, p -> new Pusher(Deliver.Stream.statuses(owner), p, pushing));
  }

  /** Sends each owed status not already on its way to the sender's mailbox. */
  private void notifySenders(MailboxState state) {
    deliverStatuses(state);
    if (state.outbox().isEmpty() && unsavedAcks.isEmpty()) {
      return;
    }
    long now = clock.millis();
    notifySenders(state.outbox(), now);
    if (!unsavedAcks.isEmpty()) {
      notifySenders(provisional(state), now);
    }
    startTicking();
  }

  private void notifySenders(Map<NotificationKey, MailboxState.Notification> owed, long now) {
    for (Map.Entry<NotificationKey, MailboxState.Notification> entry : owed.entrySet()) {
      if (notifying.size() >= settings.maxNotificationsInFlight()) {
        return;
      }
      NotificationKey key = entry.getKey();
      if (notifying.containsKey(key) || confirmedUnsaved.contains(key)) {
        continue;
      }
      MailboxState.Notification n = entry.getValue();
      Status status =
          new Status(n.messageId(), owner, key.kind(), n.failure(), key.sequence(), n.atMs());
      sharding
          .entityRefFor(ENTITY_KEY, n.sender().toString())
          .tell(new RecordStatus(status, confirmAdapter));
      notifying.put(key, now);
    }
  }

  /**
   * Whether {@code key} is one of {@link #provisional}'s statuses, without building them: a
   * DELIVERED of a message still pending (so above the stored cursor) and covered by an
   * acknowledgement not yet stored.
   */
  private boolean owedProvisionally(MailboxState state, NotificationKey key) {
    MailboxState.Pending item = state.pending().get(key.sequence());
    return key.kind() == Status.Kind.DELIVERED
        && item != null
        && !item.statusesByRecipient()
        && item.item() instanceof MailboxItem.Incoming
        && key.sequence() <= acknowledged(state);
  }

  /**
   * The DELIVERED statuses the acknowledgements not yet stored owe: what applying them will put in
   * the outbox, each at the time of the acknowledgement that covers it.
   */
  private Map<NotificationKey, MailboxState.Notification> provisional(MailboxState state) {
    if (unsavedAcks.isEmpty()) {
      return Map.of();
    }
    Map<NotificationKey, MailboxState.Notification> owed = new TreeMap<>();
    long from = state.acknowledgedUpTo();
    for (ItemsAcknowledged acknowledged : unsavedAcks) {
      if (acknowledged.upToSequence() <= from) {
        continue;
      }
      for (MailboxState.Pending item :
          state.pending().subMap(from, false, acknowledged.upToSequence(), true).values()) {
        if (item.item() instanceof MailboxItem.Incoming incoming && !item.statusesByRecipient()) {
          owed.put(
              new NotificationKey(item.sequence(), Status.Kind.DELIVERED),
              new MailboxState.Notification(
                  incoming.message().sender(),
                  incoming.message().messageId(),
                  Status.Failure.NONE,
                  acknowledged.atMs()));
        }
      }
      from = acknowledged.upToSequence();
    }
    return owed;
  }

  private void startTicking() {
    if (!timers.isTimerActive(Tick.INSTANCE)) {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.tickInterval());
    }
  }

  /** Answers {@code replyTo}; nothing to persist. */
  private <T> Effect<Event, MailboxState> reply(ActorRef<T> replyTo, T answer) {
    replyTo.tell(answer);
    return Effect().none();
  }
}
