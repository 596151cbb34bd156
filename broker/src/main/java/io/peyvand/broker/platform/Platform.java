package io.peyvand.broker.platform;

import io.peyvand.broker.entity.Asks;
import io.peyvand.broker.entity.ClusterMessage;
import io.peyvand.broker.entity.JournalFailures;
import io.peyvand.broker.entity.Sharded;
import io.peyvand.broker.model.Capabilities;
import io.peyvand.broker.model.Quota;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * A platform admitted to the interconnect (a messenger such as Bale or Eitaa), one entity per
 * platform id in Cluster Sharding. It owns the platform's registration (display name, when it was
 * admitted), what it can honour when receiving (capabilities) and whether its users who never chose
 * accept cross-platform messages (opted out until the platform says otherwise), and the limits the
 * operator set for it (its {@link Quota}). Registration and configuration are idempotent: repeating
 * them with the same values changes nothing. Replies are sent only after the event is persisted.
 */
public final class Platform
    extends EventSourcedBehaviorWithEnforcedReplies<
        Platform.Command, Platform.Event, Platform.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "Platform");

  /** Starts the sharded entity type on this node. */
  public static void init(ActorSystem<?> system) {
    Sharded.start(system, ENTITY_KEY, platformId -> create(platformId, Clock.systemUTC()));
  }

  /**
   * Admits a platform, or renames it if registered under another name: a new one gets every
   * capability and {@code defaultOptedIn}; one registered before keeps what it configured since.
   * Completes with the registration in force (configured, when new). Admission is two commands
   * (Register, then Configure), so a retry after a lost answer, or another node admitting the same
   * platform at once, can find it registered but never configured: it is configured then too, else
   * it would keep {@code defaultOptedIn = false} for good (the fault harness saw every message to
   * two of the four dev platforms refused RECIPIENT_NOT_ACCEPTING after a slow start).
   */
  public static CompletionStage<Registration> admit(
      ActorSystem<?> system,
      String platformId,
      String displayName,
      boolean defaultOptedIn,
      Duration askTimeout) {
    EntityRef<Command> platform = ClusterSharding.get(system).entityRefFor(ENTITY_KEY, platformId);
    Asks asks = Asks.get(system);
    return asks.<Command, Registration>ask(
            platform, replyTo -> new Register(displayName, replyTo), askTimeout)
        .thenCompose(
            registration ->
                !needsConfiguration(registration)
                    ? CompletableFuture.completedFuture(registration)
                    : asks.<Command, Lookup>ask(
                            platform,
                            replyTo -> new Configure(Capabilities.ALL, defaultOptedIn, replyTo),
                            askTimeout)
                        .thenApply(
                            lookup ->
                                new Registration(
                                    lookup.info().orElse(registration.info()),
                                    registration.created(),
                                    true)));
  }

  /** Whether {@link #admit} must still declare capabilities and the consent default. */
  static boolean needsConfiguration(Registration registration) {
    return registration.created() || !registration.configured();
  }

  public static Behavior<Command> create(String platformId, Clock clock) {
    return new Platform(platformId, clock);
  }

  // Commands

  /** What the entity is asked to do. */
  public sealed interface Command {}

  /** Admit the platform under a display name, or rename it if admitted under another one. */
  public record Register(String displayName, ActorRef<Registration> replyTo)
      implements Command, ClusterMessage {
    public Register {
      if (displayName == null || displayName.isBlank()) {
        throw new IllegalArgumentException("a platform's display name must not be blank");
      }
    }
  }

  /** Declare capabilities and the consent default of a registered platform. */
  public record Configure(
      Capabilities capabilities, boolean defaultOptedIn, ActorRef<Lookup> replyTo)
      implements Command, ClusterMessage {}

  /** Set the limits of a registered platform (the operator's); 0 fields are the defaults. */
  public record SetQuota(Quota quota, ActorRef<Lookup> replyTo)
      implements Command, ClusterMessage {}

  /** Tell what is known of the platform. */
  public record Get(ActorRef<Lookup> replyTo) implements Command, ClusterMessage {}

  // Replies

  /** A platform as registered; {@code quota} as the operator set it (0 fields: defaults). */
  public record Info(
      String platformId,
      String displayName,
      Instant registeredAt,
      Capabilities capabilities,
      boolean defaultOptedIn,
      Quota quota) {
    /** A platform on the broker's default limits. */
    public Info(
        String platformId,
        String displayName,
        Instant registeredAt,
        Capabilities capabilities,
        boolean defaultOptedIn) {
      this(platformId, displayName, registeredAt, capabilities, defaultOptedIn, Quota.DEFAULTS);
    }

    Info withName(String name) {
      return new Info(platformId, name, registeredAt, capabilities, defaultOptedIn, quota);
    }

    Info withQuota(Quota newQuota) {
      return new Info(
          platformId, displayName, registeredAt, capabilities, defaultOptedIn, newQuota);
    }
  }

  /**
   * The outcome of {@link Register}: the registration now in force; whether it is new; whether
   * capabilities and the consent default were ever declared (Configure) since it was registered.
   */
  public record Registration(Info info, boolean created, boolean configured)
      implements ClusterMessage {}

  /** The answer to {@link Get}: empty if the platform was never registered. */
  public record Lookup(Optional<Info> info) implements ClusterMessage {}

  // Events

  /** Persisted by the entity; stored as protobuf (peyvand.persistence.v1). */
  public sealed interface Event {}

  /** The platform was admitted to the interconnect under a display name. */
  public record PlatformRegistered(String platformId, String displayName, Instant registeredAt)
      implements Event {}

  /** The platform's display name changed. */
  public record PlatformRenamed(String displayName) implements Event {}

  /** The platform declared its capabilities and consent default. */
  public record PlatformConfigured(Capabilities capabilities, boolean defaultOptedIn)
      implements Event {}

  /** The operator set the platform's limits. */
  public record PlatformQuotaSet(Quota quota) implements Event {}

  // State

  /** Empty until registered; {@code configured} once a PlatformConfigured was applied. */
  public record State(Optional<Info> info, boolean configured) {
    public static final State EMPTY = new State(Optional.empty(), false);

    public State apply(Event event) {
      if (event instanceof PlatformRegistered registered) {
        return new State(
            Optional.of(
                new Info(
                    registered.platformId(),
                    registered.displayName(),
                    registered.registeredAt(),
                    Capabilities.ALL,
                    false)),
            false);
      }
      Info current =
          info.orElseThrow(
              () ->
                  new IllegalStateException(
                      event.getClass().getSimpleName() + " before PlatformRegistered"));
      if (event instanceof PlatformRenamed renamed) {
        return new State(Optional.of(current.withName(renamed.displayName())), configured);
      }
      if (event instanceof PlatformConfigured configured) {
        return new State(
            Optional.of(
                new Info(
                    current.platformId(),
                    current.displayName(),
                    current.registeredAt(),
                    configured.capabilities(),
                    configured.defaultOptedIn(),
                    current.quota())),
            true);
      }
      if (event instanceof PlatformQuotaSet quotaSet) {
        return new State(Optional.of(current.withQuota(quotaSet.quota())), configured);
      }
      throw new IllegalArgumentException("unknown event " + event.getClass().getName());
    }
  }

  private final String platformId;
  private final Clock clock;

  private Platform(String platformId, Clock clock) {
    super(PersistenceId.of(ENTITY_KEY.name(), platformId), JournalFailures.RESTART);
    this.platformId = platformId;
    this.clock = clock;
  }

  @Override
  public State emptyState() {
    return State.EMPTY;
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Register.class, this::onRegister)
        .onCommand(Configure.class, this::onConfigure)
        .onCommand(SetQuota.class, this::onSetQuota)
        .onCommand(
            Get.class, (state, get) -> Effect().reply(get.replyTo(), new Lookup(state.info())))
        .build();
  }

  private ReplyEffect<Event, State> onRegister(State state, Register register) {
    if (state.info().isEmpty()) {
      return Effect()
          .persist(
              new PlatformRegistered(
                  platformId,
                  register.displayName(),
                  clock.instant().truncatedTo(ChronoUnit.MILLIS)))
          .thenReply(
              register.replyTo(),
              s -> new Registration(s.info().orElseThrow(), true, s.configured()));
    }
    if (!state.info().get().displayName().equals(register.displayName())) {
      return Effect()
          .persist(new PlatformRenamed(register.displayName()))
          .thenReply(
              register.replyTo(),
              s -> new Registration(s.info().orElseThrow(), false, s.configured()));
    }
    return Effect()
        .reply(register.replyTo(), new Registration(state.info().get(), false, state.configured()));
  }

  private ReplyEffect<Event, State> onConfigure(State state, Configure configure) {
    if (state.info().isEmpty()) {
      return Effect().reply(configure.replyTo(), new Lookup(Optional.empty()));
    }
    Info info = state.info().get();
    if (info.capabilities().equals(configure.capabilities())
        && info.defaultOptedIn() == configure.defaultOptedIn()) {
      return Effect().reply(configure.replyTo(), new Lookup(state.info()));
    }
    return Effect()
        .persist(new PlatformConfigured(configure.capabilities(), configure.defaultOptedIn()))
        .thenReply(configure.replyTo(), s -> new Lookup(s.info()));
  }

  private ReplyEffect<Event, State> onSetQuota(State state, SetQuota set) {
    if (state.info().isEmpty() || state.info().get().quota().equals(set.quota())) {
      return Effect().reply(set.replyTo(), new Lookup(state.info()));
    }
    return Effect()
        .persist(new PlatformQuotaSet(set.quota()))
        .thenReply(set.replyTo(), s -> new Lookup(s.info()));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return (state, event) -> state.apply(event);
  }
}
