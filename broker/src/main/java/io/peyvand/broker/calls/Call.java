package io.peyvand.broker.calls;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.google.protobuf.ByteString;
import io.peyvand.broker.delivery.PendingEntries;
import io.peyvand.broker.entity.ClusterMessage;
import io.peyvand.broker.entity.Facts;
import io.peyvand.broker.entity.JournalFailures;
import io.peyvand.broker.model.Address;
import io.peyvand.broker.model.CallEnd;
import io.peyvand.broker.model.CallMedia;
import io.peyvand.broker.model.Content;
import io.peyvand.broker.model.Message;
import io.peyvand.broker.model.StatisticsFacts;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.Recovery;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One call between a user of one platform and a user of another (entity id {@link
 * CallKey#entityId()}), in Cluster Sharding, event sourced: it persists only what must survive its
 * node's death (the invite with its deadline, the answer, a session taking over, the end, the
 * missed-call records stored), and forwards everything else (ringing, candidates, renegotiation)
 * between the two sides' sessions without storing it.
 *
 * <p>Its sides are sessions: the caller's (the one that invited, or last resumed), and on the
 * callee's platform every session that rings until one answers, then that one. It watches the
 * sides' sessions: one that goes away and is not replaced (a {@code resume}) within {@code
 * session-grace} ends the call FAILED for the other side. An unanswered call ends NO_ANSWER at its
 * deadline (MISSED to the callee's platform); an unanswered call that ends any way but REPLACED
 * leaves a record in both users' mailboxes, stored at least once ({@link CallRecords}).
 *
 * <p>An open call is listed in the pending index under its caller's platform ({@link
 * #PENDING_ROWS}), so the sweep wakes it if its node died: on recovery a ringing call rings again
 * (invites flagged resumed) or ends NO_ANSWER if its deadline passed; an answered call tells both
 * sides RESUMED; an ended call stores the records it still owes. It is not passivated while open
 * (its timers and watches are its work) and stops {@code ended-kept} after it ends.
 */
public final class Call extends EventSourcedBehavior<Call.Command, Call.Event, Call.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "Call");

  /**
   * An open call's row in the pending index, where it records that it must be woken if it stops
   * (its node dies while it rings): one row under its caller's platform, {@code call/<entity id>},
   * so that the sweep of that platform wakes it.
   */
  public static final PendingEntries.Kind<CallKey> PENDING_ROWS =
      new PendingEntries.Kind<>("call/", CallKey::entityId, CallKey::parse);

  /** Starts the sharded entity type on this node. */
  public static void init(
      ActorSystem<?> system,
      CallSettings settings,
      RelayCredentials relay,
      PendingEntries<CallKey> pending,
      CallRecords records) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                    ENTITY_KEY,
                    context ->
                        create(
                            CallKey.parse(context.getEntityId()),
                            settings,
                            relay,
                            pending,
                            records,
                            Clock.systemUTC(),
                            (call, callee) ->
                                CallPair.of(ClusterSharding.get(system), call.caller(), callee)
                                    .tell(new CallPair.Close(call)),
                            context.getShard()))
                .withStopMessage(Stop.INSTANCE)
                .withSettings(ClusterShardingSettings.create(system).withNoPassivationStrategy()));
  }

  public static Behavior<Command> create(
      CallKey key,
      CallSettings settings,
      RelayCredentials relay,
      PendingEntries<CallKey> pending,
      CallRecords records,
      Clock clock,
      BiConsumer<CallKey, Address> closePair,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> {
                  Runnable passivate =
                      shard == null
                          ? () -> context.getSelf().tell(Stop.INSTANCE)
                          : () -> shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
                  return new Call(
                      key, settings, relay, pending, records, clock, closePair, passivate, context,
                      timers);
                }));
  }

  // Commands

  public sealed interface Command {}

  /** Which side of the call a platform is. */
  public enum Side {
    CALLER,
    CALLEE
  }

  /**
   * A step of the call by {@code platformId} for its side, from {@code session} (which the call's
   * frames for that side then go to, for invite, answer and resume); answered {@link Reply}.
   */
  public record Act(
      String platformId, Action action, ActorRef<CallSignal> session, ActorRef<Reply> replyTo)
      implements Command, ClusterMessage {}

  /** What a side does; see calls.proto. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = Invite.class, name = "invite"),
    @JsonSubTypes.Type(value = Ringing.class, name = "ringing"),
    @JsonSubTypes.Type(value = Answer.class, name = "answer"),
    @JsonSubTypes.Type(value = Forward.class, name = "forward"),
    @JsonSubTypes.Type(value = Reject.class, name = "reject"),
    @JsonSubTypes.Type(value = Hangup.class, name = "hangup"),
    @JsonSubTypes.Type(value = Resume.class, name = "resume")
  })
  public sealed interface Action {}

  public record Invite(Address callee, List<CallMedia> media, String sdpOffer, Duration lifetime)
      implements Action {
    public Invite {
      media = List.copyOf(media);
    }
  }

  public record Ringing() implements Action {}

  public record Answer(String sdpAnswer) implements Action {}

  /**
   * Candidates, or a renegotiation ({@code negotiation}, with the media after it, empty for
   * unchanged): {@code frame} goes to the other side unread.
   */
  public record Forward(boolean negotiation, ByteString frame, List<CallMedia> media)
      implements Action {
    public Forward {
      media = List.copyOf(media);
    }
  }

  /** DECLINED or BUSY. */
  public record Reject(CallEnd reason) implements Action {}

  public record Hangup() implements Action {}

  public record Resume() implements Action {}

  /** Glare: give way to {@code kept} (from {@link CallPair}). */
  public record Replace(CallKey kept) implements Command, ClusterMessage {}

  /** From the pending sweep: recover, and do what the recovered call owes. */
  public enum WakeUp implements Command, ClusterMessage {
    INSTANCE
  }

  /** The shard stops the entity (after {@code ended-kept}); a unit test's entity stops itself. */
  enum Stop implements Command, NoSerializationVerificationNeeded {
    INSTANCE
  }

  private record Listed(Receptionist.Listing listing)
      implements Command, NoSerializationVerificationNeeded {}

  private enum Deadline implements Command, NoSerializationVerificationNeeded {
    INSTANCE
  }

  private record SessionGone(Side side, ActorRef<CallSignal> session)
      implements Command, NoSerializationVerificationNeeded {}

  private record Grace(Side side, ActorRef<CallSignal> session)
      implements Command, NoSerializationVerificationNeeded {}

  private record RecordsStored(boolean ok) implements Command, NoSerializationVerificationNeeded {}

  private enum RetryRecords implements Command, NoSerializationVerificationNeeded {
    INSTANCE
  }

  private enum Passivating implements Command, NoSerializationVerificationNeeded {
    INSTANCE
  }

  // Replies

  public enum Phase {
    NONE,
    RINGING,
    ANSWERED,
    ENDED
  }

  /** Why a step was refused. */
  public enum Problem {
    /** No call with this key was placed (or the acting platform is no side of it). */
    UNKNOWN_CALL,
    /** The step is not the acting side's (e.g. a caller's platform answering). */
    NOT_PERMITTED,
    /** Another session answered first. */
    ALREADY_ANSWERED,
    /** The step does not fit the call's state (e.g. renegotiating before an answer). */
    INVALID_STATE
  }

  /**
   * The call after the step ({@code problem} null), or why it was refused; {@code ended} as the
   * acting side is told. (Which call a REPLACED one gave way to is told to its sessions when it
   * ends, and to a new invite by {@link CallPair}; it is not kept.)
   */
  public record Reply(
      Phase phase,
      long ringingUntilMs,
      CallEnd ended,
      Problem problem,
      String message,
      Side side,
      Address callee)
      implements ClusterMessage {
    static Reply refused(Problem problem, String message) {
      return new Reply(Phase.NONE, 0, null, problem, message, null, null);
    }
  }

  // Events

  public sealed interface Event {}

  public record Invited(
      Address callee,
      List<CallMedia> media,
      String sdpOffer,
      long atMs,
      long ringingUntilMs,
      String callerSession)
      implements Event {
    public Invited {
      media = List.copyOf(media);
    }
  }

  public record Answered(long atMs, String calleeSession) implements Event {}

  public record SessionMoved(Side side, String session, long atMs) implements Event {}

  /** How the call ended, from the caller's side. */
  public record Ended(CallEnd reason, long atMs) implements Event {}

  public record Recorded(long atMs) implements Event {}

  /**
   * What the journal says of the call, and the media as last negotiated (not persisted). Sessions
   * are kept as their serialized actor references ({@code ActorRefResolver}), so that a call
   * recovered on another node still reaches them. Changed only by its events (and {@link
   * #renegotiated}), on the entity's thread.
   */
  public static final class State {
    private Phase phase = Phase.NONE;
    private Address callee;
    private List<CallMedia> media = List.of();
    private String sdpOffer = "";
    private long startedAtMs;
    private long ringingUntilMs;
    private String callerSession;
    private String calleeSession;
    private boolean answered;
    private CallEnd ended;
    private long endedAtMs;
    private boolean recorded;

    State apply(Event event) {
      if (event instanceof Invited i) {
        phase = Phase.RINGING;
        callee = i.callee();
        media = i.media();
        sdpOffer = i.sdpOffer();
        startedAtMs = i.atMs();
        ringingUntilMs = i.ringingUntilMs();
        callerSession = i.callerSession();
      } else if (event instanceof Answered a) {
        phase = Phase.ANSWERED;
        calleeSession = a.calleeSession();
        answered = true;
      } else if (event instanceof SessionMoved m) {
        if (m.side() == Side.CALLER) {
          callerSession = m.session();
        } else {
          calleeSession = m.session();
        }
      } else if (event instanceof Ended e) {
        phase = Phase.ENDED;
        ended = e.reason();
        endedAtMs = e.atMs();
      } else if (event instanceof Recorded) {
        recorded = true;
      } else {
        throw new IllegalArgumentException("unknown event " + event);
      }
      return this;
    }

    /** A renegotiation changed the media (not persisted: a recovered call has the invite's). */
    void renegotiated(List<CallMedia> media) {
      this.media = List.copyOf(media);
    }

    /** An unanswered call that ended any way but REPLACED owes both users a record. */
    boolean owesRecords() {
      return phase == Phase.ENDED && !answered && ended != CallEnd.REPLACED && !recorded;
    }

    public Phase phase() {
      return phase;
    }

    public Address callee() {
      return callee;
    }

    public List<CallMedia> media() {
      return media;
    }

    String sdpOffer() {
      return sdpOffer;
    }

    long startedAtMs() {
      return startedAtMs;
    }

    long ringingUntilMs() {
      return ringingUntilMs;
    }

    String callerSession() {
      return callerSession;
    }

    String calleeSession() {
      return calleeSession;
    }

    public CallEnd ended() {
      return ended;
    }

    long endedAtMs() {
      return endedAtMs;
    }
  }

  private final CallKey key;
  private final CallSettings settings;
  private final RelayCredentials relay;
  private final PendingEntries<CallKey> pending;
  private final CallRecords records;
  private final Clock clock;
  private final BiConsumer<CallKey, Address> closePair;
  private final Runnable passivate;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;

  /** The callee's sessions that were sent the invite (not persisted: found again on recovery). */
  private final Set<ActorRef<CallSignal>> ringing = new HashSet<>();

  private final Facts facts;

  /**
   * The state (changed in place by its events, {@link State#apply}), for the facts of events that
   * name the callee only through it.
   */
  private State current;

  /** Whether this incarnation follows the callee's platform's ringing sessions. */
  private boolean subscribed;

  /** The call was recovered while ringing: its invites are flagged resumed. */
  private boolean resumedRinging;

  private Call(
      CallKey key,
      CallSettings settings,
      RelayCredentials relay,
      PendingEntries<CallKey> pending,
      CallRecords records,
      Clock clock,
      BiConsumer<CallKey, Address> closePair,
      Runnable passivate,
      ActorContext<Command> context,
      TimerScheduler<Command> timers) {
    super(PersistenceId.of(ENTITY_KEY.name(), key.entityId()), JournalFailures.RESTART);
    this.key = key;
    this.settings = settings;
    this.relay = relay;
    this.pending = pending;
    this.records = records;
    this.clock = clock;
    this.closePair = closePair;
    this.passivate = passivate;
    this.context = context;
    this.timers = timers;
    this.facts = Facts.get(context.getSystem());
  }

  @Override
  public State emptyState() {
    current = new State();
    return current;
  }

  /** A call takes no snapshots (a handful of events): recovery skips the snapshot store's read. */
  @Override
  public Recovery recovery() {
    return Recovery.withSnapshotSelectionCriteria(SnapshotSelectionCriteria.none());
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return State::apply;
  }

  /** The statistics' facts of an event (StatisticsFacts): stored by the journal beside it. */
  @Override
  public Set<String> tagsFor(Event event) {
    if (event instanceof Invited invited) {
      return facts.of(StatisticsFacts.callInvited(key.entityId(), key.caller(), invited.callee()));
    }
    if (event instanceof Answered && current.callee != null) {
      return facts.of(StatisticsFacts.callAnswered(key.entityId(), key.caller(), current.callee));
    }
    if (event instanceof Ended ended && current.callee != null) {
      return facts.of(
          StatisticsFacts.callEnded(key.entityId(), key.caller(), current.callee, ended.reason()));
    }
    return Set.of();
  }

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Act.class, this::onAct)
        .onCommand(Replace.class, this::onReplace)
        .onCommand(WakeUp.class, (state, wake) -> Effect().none())
        .onCommand(Stop.class, (state, stop) -> Effect().stop())
        .onCommand(Listed.class, this::onListed)
        .onCommand(Deadline.class, this::onDeadline)
        .onCommand(SessionGone.class, this::onSessionGone)
        .onCommand(Grace.class, this::onGrace)
        .onCommand(RecordsStored.class, this::onRecordsStored)
        .onCommand(RetryRecords.class, (state, retry) -> storeRecords(state))
        .onCommand(
            Passivating.class,
            (state, p) -> {
              if (state.phase() == Phase.NONE
                  || (state.phase() == Phase.ENDED && !state.owesRecords())) {
                passivate.run();
              }
              return Effect().none();
            })
        .build();
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::recovered)
        .build();
  }

  // What each step does

  private Effect<Event, State> onAct(State state, Act act) {
    Side side = side(state, act);
    if (side == null) {
      return reply(
          act,
          state.phase() == Phase.NONE && !(act.action() instanceof Invite)
              ? Reply.refused(
                  Problem.UNKNOWN_CALL,
                  "no call " + key.callId() + " of " + key.caller() + " is known to the broker")
              : Reply.refused(
                  Problem.NOT_PERMITTED,
                  "platform "
                      + act.platformId()
                      + " is neither the caller's nor the callee's of call "
                      + key.callId()));
    }
    if (state.phase() == Phase.ENDED) {
      return reply(act, view(state, side));
    }
    Action action = act.action();
    if (action instanceof Invite invite) {
      return onInvite(state, act, invite);
    } else if (action instanceof Ringing) {
      return onRinging(state, act, side);
    } else if (action instanceof Answer answer) {
      return onAnswer(state, act, side, answer);
    } else if (action instanceof Forward forward) {
      return onForward(state, act, side, forward);
    } else if (action instanceof Reject reject) {
      return onReject(state, act, side, reject);
    } else if (action instanceof Hangup) {
      return onHangup(state, act, side);
    }
    return onResume(state, act, side);
  }

  /** The acting platform's side, or null when it is none of the call's (or no call exists). */
  private Side side(State state, Act act) {
    if (state.phase() == Phase.NONE) {
      return act.action() instanceof Invite && act.platformId().equals(key.caller().platformId())
          ? Side.CALLER
          : null;
    }
    if (act.platformId().equals(key.caller().platformId())) {
      return Side.CALLER;
    }
    return act.platformId().equals(state.callee().platformId()) ? Side.CALLEE : null;
  }

  private Effect<Event, State> onInvite(State state, Act act, Invite invite) {
    if (state.phase() != Phase.NONE) {
      // The same invite again (a retry after a lost answer): the call as it stands.
      return reply(act, view(state, Side.CALLER));
    }
    long now = clock.millis();
    return Effect()
        .persist(
            new Invited(
                invite.callee(),
                invite.media(),
                invite.sdpOffer(),
                now,
                now + invite.lifetime().toMillis(),
                path(act.session())))
        .thenRun(
            invited -> {
              timers.cancel(Passivating.INSTANCE);
              register(invited);
              startDeadline(invited);
              watch(Side.CALLER, invited.callerSession());
              followRinging(invited);
            })
        .thenReply(act.replyTo(), invited -> view(invited, Side.CALLER));
  }

  private Effect<Event, State> onRinging(State state, Act act, Side side) {
    if (side != Side.CALLEE) {
      return reply(act, notYours("ringing", "the callee's"));
    }
    if (state.phase() == Phase.RINGING) {
      tell(state.callerSession(), signal(state, CallSignal.Kind.RINGING));
    }
    return reply(act, view(state, side));
  }

  private Effect<Event, State> onAnswer(State state, Act act, Side side, Answer answer) {
    if (side != Side.CALLEE) {
      return reply(act, notYours("answer", "the callee's"));
    }
    if (state.phase() == Phase.ANSWERED) {
      return reply(
          act,
          path(act.session()).equals(state.calleeSession())
              ? view(state, side)
              : refused(Problem.ALREADY_ANSWERED, "was answered on another session first"));
    }
    return Effect()
        .persist(new Answered(clock.millis(), path(act.session())))
        .thenRun(
            answered -> {
              timers.cancel(Deadline.INSTANCE);
              closePair(answered);
              tell(
                  answered.callerSession(),
                  signal(answered, CallSignal.Kind.ANSWERED).withSdp(answer.sdpAnswer()));
              for (ActorRef<CallSignal> other : ringing) {
                if (!other.equals(act.session())) {
                  tell(other, ended(answered, CallEnd.ANSWERED_ELSEWHERE));
                }
              }
              ringing.clear();
              watch(Side.CALLEE, answered.calleeSession());
            })
        .thenReply(act.replyTo(), answered -> view(answered, side));
  }

  private Effect<Event, State> onForward(State state, Act act, Side side, Forward forward) {
    if (forward.negotiation() && state.phase() != Phase.ANSWERED) {
      return reply(
          act, refused(Problem.INVALID_STATE, "is not answered yet: renegotiate after the answer"));
    }
    CallSignal.Kind kind =
        forward.negotiation() ? CallSignal.Kind.NEGOTIATE : CallSignal.Kind.CANDIDATES;
    if (forward.negotiation() && !forward.media().isEmpty()) {
      state.renegotiated(forward.media());
    }
    CallSignal signal = signal(state, kind).withPayload(forward.frame());
    if (side == Side.CALLEE) {
      tell(state.callerSession(), signal);
    } else if (state.phase() == Phase.ANSWERED) {
      tell(state.calleeSession(), signal);
    } else {
      ringing.forEach(session -> tell(session, signal));
    }
    return reply(act, view(state, side));
  }

  private Effect<Event, State> onReject(State state, Act act, Side side, Reject reject) {
    if (side != Side.CALLEE) {
      return reply(act, notYours("reject", "the callee's (the caller hangs up)"));
    }
    if (state.phase() == Phase.ANSWERED) {
      return reply(
          act, refused(Problem.INVALID_STATE, "was answered: hang up instead of rejecting"));
    }
    return end(state, reject.reason(), Optional.of(act), null);
  }

  private Effect<Event, State> onHangup(State state, Act act, Side side) {
    if (state.phase() == Phase.RINGING && side == Side.CALLEE) {
      // A callee hanging up a call that rings declines it.
      return end(state, CallEnd.DECLINED, Optional.of(act), null);
    }
    return end(state, CallEnd.ENDED, Optional.of(act), side);
  }

  private Effect<Event, State> onResume(State state, Act act, Side side) {
    if (side == Side.CALLEE && state.phase() == Phase.RINGING) {
      // Another session of the callee's platform: it rings too.
      ringing.add(act.session());
      tell(act.session(), invited(state, true));
      return reply(act, view(state, side));
    }
    return Effect()
        .persist(new SessionMoved(side, path(act.session()), clock.millis()))
        .thenRun(moved -> watch(side, path(act.session())))
        .thenReply(act.replyTo(), moved -> view(moved, side));
  }

  private Effect<Event, State> onReplace(State state, Replace replace) {
    if (state.phase() != Phase.RINGING) {
      return Effect().none();
    }
    return end(state, CallEnd.REPLACED, Optional.empty(), null, replace.kept());
  }

  private Effect<Event, State> onDeadline(State state, Deadline deadline) {
    if (state.phase() != Phase.RINGING) {
      return Effect().none();
    }
    return end(state, CallEnd.NO_ANSWER, Optional.empty(), null);
  }

  private Effect<Event, State> onSessionGone(State state, SessionGone gone) {
    if (state.phase() == Phase.ENDED) {
      return Effect().none();
    }
    ringing.remove(gone.session());
    if (path(gone.session()).equals(current(state, gone.side()))) {
      context
          .getLog()
          .info(
              "Call {}: the {}'s session went away; ending it in {} unless one resumes it",
              key,
              gone.side() == Side.CALLER ? "caller" : "callee",
              settings.sessionGrace());
      timers.startSingleTimer(
          "grace-" + gone.side(), new Grace(gone.side(), gone.session()), settings.sessionGrace());
    }
    return Effect().none();
  }

  private Effect<Event, State> onGrace(State state, Grace grace) {
    if (state.phase() == Phase.ENDED
        || !path(grace.session()).equals(current(state, grace.side()))) {
      return Effect().none();
    }
    return end(state, CallEnd.FAILED, Optional.empty(), grace.side());
  }

  private Effect<Event, State> end(State state, CallEnd reason, Optional<Act> act, Side endedBy) {
    return end(state, reason, act, endedBy, null);
  }

  /**
   * Ends the call {@code reason} (as the caller sees it), tells the sides that did not end it, and
   * stores the records an unanswered call owes. {@code endedBy}: the side that hung up or vanished
   * (not told), or null.
   */
  private Effect<Event, State> end(
      State state, CallEnd reason, Optional<Act> act, Side endedBy, CallKey kept) {
    boolean wasAnswered = state.phase() == Phase.ANSWERED;
    EffectBuilder<Event, State> effect =
        Effect()
            .persist(new Ended(reason, clock.millis()))
            .thenRun(
                ended -> {
                  timers.cancel(Deadline.INSTANCE);
                  closePair(ended);
                  if (endedBy != Side.CALLER) {
                    tell(ended.callerSession(), ended(ended, reason, kept));
                  }
                  if (endedBy != Side.CALLEE) {
                    CallSignal toCallee = ended(ended, reason.forCallee(), kept);
                    if (wasAnswered) {
                      tell(ended.calleeSession(), toCallee);
                    } else {
                      ringing.stream()
                          .filter(s -> act.map(a -> !a.session().equals(s)).orElse(true))
                          .forEach(s -> tell(s, toCallee));
                    }
                  }
                  ringing.clear();
                  afterEnd(ended);
                });
    return act.<Effect<Event, State>>map(
            a -> effect.thenReply(a.replyTo(), ended -> view(ended, side(ended, a))))
        .orElse(effect);
  }

  /** Stores the records the ended call owes, or unregisters it and stops in a while. */
  private void afterEnd(State state) {
    if (state.owesRecords()) {
      storeRecordsNow(state);
    } else {
      unregister(state);
      // Stopping through the shard, so that no command sent meanwhile is lost.
      timers.startSingleTimer(Passivating.INSTANCE, settings.endedKept());
    }
  }

  private Effect<Event, State> storeRecords(State state) {
    if (state.owesRecords()) {
      storeRecordsNow(state);
    }
    return Effect().none();
  }

  private void storeRecordsNow(State state) {
    Content.CallRecord forCallee = record(state, state.ended().recordedForCallee());
    Content.CallRecord forCaller = record(state, state.ended());
    String messageId = "call." + key.callId();
    long at = state.startedAtMs();
    context.pipeToSelf(
        records
            .store(new Message(messageId, key.caller(), state.callee(), at, "", forCallee))
            .thenCombine(
                records.store(
                    new Message(messageId, state.callee(), key.caller(), at, "", forCaller)),
                (a, b) -> a && b),
        (ok, failure) -> new RecordsStored(failure == null && ok));
  }

  private Content.CallRecord record(State state, CallEnd reason) {
    return new Content.CallRecord(
        key.callId(),
        key.caller(),
        state.callee(),
        state.media(),
        reason,
        state.startedAtMs(),
        state.endedAtMs());
  }

  private Effect<Event, State> onRecordsStored(State state, RecordsStored stored) {
    if (!state.owesRecords()) {
      return Effect().none();
    }
    if (!stored.ok()) {
      timers.startSingleTimer(RetryRecords.INSTANCE, settings.recordRetry());
      return Effect().none();
    }
    return Effect().persist(new Recorded(clock.millis())).thenRun(this::afterEnd);
  }

  private Effect<Event, State> onListed(State state, Listed listed) {
    if (state.phase() != Phase.RINGING) {
      return Effect().none();
    }
    for (ActorRef<CallSignal> session :
        listed.listing().getServiceInstances(CallSignal.ringingKey(state.callee().platformId()))) {
      if (ringing.add(session)) {
        tell(session, invited(state, resumedRinging));
      }
    }
    if (ringing.isEmpty()) {
      context
          .getLog()
          .debug(
              "Call {}: no session of {} rings; it ends NO_ANSWER at its deadline",
              key,
              state.callee().platformId());
    }
    return Effect().none();
  }

  private void recovered(State state) {
    switch (state.phase()) {
      // Woken for a call never placed (a sweep, a step for an unknown call): it stops again,
      // unless an invite comes first.
      case NONE -> timers.startSingleTimer(Passivating.INSTANCE, settings.endedKept());
      case RINGING -> {
        register(state);
        watch(Side.CALLER, state.callerSession());
        startDeadline(state);
        resumedRinging = true;
        followRinging(state);
      }
      case ANSWERED -> {
        register(state);
        watch(Side.CALLER, state.callerSession());
        watch(Side.CALLEE, state.calleeSession());
        tell(state.callerSession(), signal(state, CallSignal.Kind.RESUMED));
        tell(state.calleeSession(), signal(state, CallSignal.Kind.RESUMED));
      }
      case ENDED -> afterEnd(state);
    }
  }

  // Helpers

  private void startDeadline(State state) {
    long left = Math.max(0, state.ringingUntilMs() - clock.millis());
    timers.startSingleTimer(Deadline.INSTANCE, Duration.ofMillis(left));
  }

  /**
   * Rings every session of the callee's platform that rings calls, now and as they connect while
   * the call rings (a phone that comes online during the call rings too).
   */
  private void followRinging(State state) {
    if (subscribed) {
      return;
    }
    subscribed = true;
    ActorRef<Receptionist.Listing> adapter =
        context.messageAdapter(Receptionist.Listing.class, Listed::new);
    context
        .getSystem()
        .receptionist()
        .tell(Receptionist.subscribe(CallSignal.ringingKey(state.callee().platformId()), adapter));
  }

  private void watch(Side side, String session) {
    if (session != null) {
      ActorRef<CallSignal> ref = ref(session);
      context.watchWith(ref, new SessionGone(side, ref));
    }
  }

  private static String current(State state, Side side) {
    return side == Side.CALLER ? state.callerSession() : state.calleeSession();
  }

  private String path(ActorRef<CallSignal> session) {
    return ActorRefResolver.get(context.getSystem()).toSerializationFormat(session);
  }

  private ActorRef<CallSignal> ref(String session) {
    return ActorRefResolver.get(context.getSystem()).resolveActorRef(session);
  }

  /**
   * Lists the open call in the pending index under its caller's platform: the platform that placed
   * it has a session (its sweep runs every 30 s) while the call matters to anyone. One row, written
   * again on recovery (idempotent).
   */
  private void register(State state) {
    pending.register(key.caller().platformId(), key);
  }

  private void unregister(State state) {
    if (state.callee() != null) {
      pending.unregister(key.caller().platformId(), key);
    }
  }

  private void closePair(State state) {
    closePair.accept(key, state.callee());
  }

  private static void tell(ActorRef<CallSignal> session, CallSignal signal) {
    if (session != null) {
      session.tell(signal);
    }
  }

  /** To a session kept in the state (null: none). */
  private void tell(String session, CallSignal signal) {
    if (session != null) {
      ref(session).tell(signal);
    }
  }

  private Reply view(State state, Side side) {
    CallEnd ended = state.ended();
    if (ended != null && side == Side.CALLEE) {
      ended = ended.forCallee();
    }
    return new Reply(
        state.phase(), state.ringingUntilMs(), ended, null, null, side, state.callee());
  }

  private Effect<Event, State> reply(Act act, Reply reply) {
    return Effect().none().thenReply(act.replyTo(), s -> reply);
  }

  /** A refusal that says which call, then {@code what}. */
  private Reply refused(Problem problem, String what) {
    return Reply.refused(problem, "call " + key.callId() + " " + what);
  }

  private Reply notYours(String step, String whose) {
    return Reply.refused(
        Problem.NOT_PERMITTED, step + " is " + whose + " step of call " + key.callId());
  }

  private CallSignal signal(State state, CallSignal.Kind kind) {
    return CallSignal.of(key, state.callee(), state.media(), kind, state.ringingUntilMs());
  }

  private CallSignal invited(State state, boolean resumed) {
    return signal(state, CallSignal.Kind.INVITED)
        .invitation(state.sdpOffer(), resumed, relay.issue(state.callee()));
  }

  private CallSignal ended(State state, CallEnd reason) {
    return ended(state, reason, null);
  }

  private CallSignal ended(State state, CallEnd reason, CallKey kept) {
    return signal(state, CallSignal.Kind.ENDED).ending(reason, kept);
  }
}
