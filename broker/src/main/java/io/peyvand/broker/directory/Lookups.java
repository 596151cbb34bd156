package io.peyvand.broker.directory;

import io.peyvand.broker.entity.ClusterMessage;
import io.peyvand.broker.entity.JournalFailures;
import io.peyvand.broker.entity.Sharded;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The directory lookups of one user (entity id: the user's address, {@code platform:user}) in
 * Cluster Sharding: their {@link LookupLedger}, so that the allowance of distinct new numbers holds
 * cluster-wide, whichever node serves the lookup. A batch is admitted or refused whole; an admitted
 * batch that changes the ledger is persisted before the answer (a refused one, or a resync of
 * numbers looked up within the last day, persists nothing). Recovery is bounded by a snapshot every
 * {@code snapshot-every} events.
 */
public final class Lookups
    extends EventSourcedBehaviorWithEnforcedReplies<Lookups.Command, Lookups.Event, LookupLedger> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "Lookups");

  /** Starts the sharded entity type on this node. */
  public static void init(
      ActorSystem<?> system, DirectorySettings settings, SnapshotAdapter<LookupLedger> snapshots) {
    Sharded.start(
        system, ENTITY_KEY, entityId -> create(entityId, settings, snapshots, Clock.systemUTC()));
  }

  public static Behavior<Command> create(
      String userAddress,
      DirectorySettings settings,
      SnapshotAdapter<LookupLedger> snapshots,
      Clock clock) {
    return new Lookups(userAddress, settings, snapshots, clock);
  }

  // Commands

  public sealed interface Command {}

  /**
   * Admit a lookup of {@code numbers} (64-bit prefixes of their keyed hashes). {@code
   * platformExhausted}: the asker's platform has used its daily allowance, so a batch with numbers
   * new to this user is refused, retrying after that long (a resync of known numbers still passes).
   */
  public record Admit(
      List<Long> numbers, Optional<Duration> platformExhausted, ActorRef<Decision> replyTo)
      implements Command, ClusterMessage {
    public Admit {
      numbers = List.copyOf(numbers);
    }
  }

  // Replies

  /** Why a batch was refused, if it was. */
  public enum Limit {
    NONE,
    USER,
    PLATFORM
  }

  /**
   * The answer to {@link Admit}: admitted ({@code limit} NONE) with how many numbers were new to
   * the user, or refused by the user's or the platform's allowance, to retry after {@code
   * retryAfter}.
   */
  public record Decision(Limit limit, int newNumbers, Duration retryAfter)
      implements ClusterMessage {
    public boolean admitted() {
      return limit == Limit.NONE;
    }
  }

  // Events

  public sealed interface Event {}

  /** A lookup of {@code numbers} was admitted at {@code at}, leaving {@code allowance}. */
  public record LookupsAdmitted(Instant at, List<Long> numbers, Allowance allowance)
      implements Event {
    public LookupsAdmitted {
      numbers = List.copyOf(numbers);
    }
  }

  private final DirectorySettings settings;
  private final SnapshotAdapter<LookupLedger> snapshots;
  private final Clock clock;

  private Lookups(
      String userAddress,
      DirectorySettings settings,
      SnapshotAdapter<LookupLedger> snapshots,
      Clock clock) {
    super(PersistenceId.of(ENTITY_KEY.name(), userAddress), JournalFailures.RESTART);
    this.settings = settings;
    this.snapshots = snapshots;
    this.clock = clock;
  }

  @Override
  public LookupLedger emptyState() {
    return new LookupLedger(settings.userAllowance(), settings.remember(), Instant.EPOCH);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, LookupLedger> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Admit.class, this::onAdmit)
        .build();
  }

  private ReplyEffect<Event, LookupLedger> onAdmit(LookupLedger ledger, Admit admit) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    LookupLedger.Admission admission = ledger.decide(now, admit.numbers());
    if (admission.newNumbers() > 0 && admit.platformExhausted().isPresent()) {
      return Effect()
          .reply(
              admit.replyTo(),
              new Decision(
                  Limit.PLATFORM, admission.newNumbers(), admit.platformExhausted().get()));
    }
    if (!admission.admitted()) {
      return Effect()
          .reply(
              admit.replyTo(),
              new Decision(Limit.USER, admission.newNumbers(), admission.retryAfter()));
    }
    Decision admitted = new Decision(Limit.NONE, admission.newNumbers(), Duration.ZERO);
    if (!admission.changes()) {
      return Effect().reply(admit.replyTo(), admitted);
    }
    return Effect()
        .persist(new LookupsAdmitted(now, admit.numbers(), admission.allowanceAfter()))
        .thenReply(admit.replyTo(), state -> admitted);
  }

  @Override
  public EventHandler<LookupLedger, Event> eventHandler() {
    return (ledger, event) -> {
      if (event instanceof LookupsAdmitted admitted) {
        ledger.apply(admitted.at(), admitted.numbers(), admitted.allowance());
      }
      return ledger;
    };
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2)
        .withDeleteEventsOnSnapshot();
  }

  @Override
  public SnapshotAdapter<LookupLedger> snapshotAdapter() {
    return snapshots;
  }
}
