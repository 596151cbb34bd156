package io.peyvand.broker.keys;

import io.peyvand.broker.entity.ClusterMessage;
import io.peyvand.broker.entity.JournalFailures;
import io.peyvand.broker.entity.Sharded;
import io.peyvand.broker.keys.KeyShelf.Stored;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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
 * One user's KeyPackages in the MLS key-package directory (entity id: the user's address, {@code
 * platform:user}) in Cluster Sharding: the single writer that makes "each ordinary KeyPackage is
 * handed out once" hold cluster-wide. The rules are {@link KeyShelf}'s; this entity persists what
 * they decide before it answers. The service checks a KeyPackage (parse, identity, lifetime, suite,
 * signatures) before it gets here, and writes the transparency log: a KeyPackage is stored first,
 * then logged ({@link Log}), and handed out only once logged.
 */
public final class KeyDirectory
    extends EventSourcedBehaviorWithEnforcedReplies<
        KeyDirectory.Command, KeyDirectory.Event, KeyShelf> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "KeyDirectory");

  /** Starts the sharded entity type on this node. */
  public static void init(
      ActorSystem<?> system,
      int maxOrdinary,
      int snapshotEvery,
      SnapshotAdapter<KeyShelf> snapshots) {
    Sharded.start(
        system,
        ENTITY_KEY,
        entityId -> create(entityId, maxOrdinary, snapshotEvery, snapshots, Clock.systemUTC()));
  }

  public static Behavior<Command> create(
      String userAddress,
      int maxOrdinary,
      int snapshotEvery,
      SnapshotAdapter<KeyShelf> snapshots,
      Clock clock) {
    return new KeyDirectory(userAddress, maxOrdinary, snapshotEvery, snapshots, clock);
  }

  // Commands

  public sealed interface Command {}

  /** Store a checked KeyPackage (its log index {@link KeyShelf#NOT_LOGGED}). */
  public record Publish(Stored candidate, ActorRef<Published> replyTo)
      implements Command, ClusterMessage {}

  /** Its publication is in the transparency log at {@code index}. */
  public record Log(String reference, long index, ActorRef<Logged> replyTo)
      implements Command, ClusterMessage {}

  /** Hand out one KeyPackage per client in {@code suites} (any when empty). */
  public record Claim(Set<Integer> suites, ActorRef<Claimed> replyTo)
      implements Command, ClusterMessage {
    public Claim {
      suites = Set.copyOf(suites);
    }
  }

  /** Every KeyPackage held. */
  public record ListAll(ActorRef<Listed> replyTo) implements Command, ClusterMessage {}

  /** Withdraw these (all, when empty). */
  public record Remove(List<String> references, ActorRef<Removed> replyTo)
      implements Command, ClusterMessage {
    public Remove {
      references = List.copyOf(references);
    }
  }

  // Replies

  /**
   * The answer to {@link Publish}: stored (new, or already stored before, {@code isNew} false),
   * with the last-resort KeyPackage it replaced; or refused with why ({@code stored} empty).
   */
  public record Published(
      Optional<Stored> stored, boolean isNew, Optional<String> replaced, String refused)
      implements ClusterMessage {}

  public record Logged(String reference) implements ClusterMessage {}

  /** Handed out, and the expired KeyPackages withdrawn on the way (to log as withdrawn). */
  public record Claimed(List<Stored> keyPackages, List<String> expired) implements ClusterMessage {
    public Claimed {
      keyPackages = List.copyOf(keyPackages);
      expired = List.copyOf(expired);
    }
  }

  public record Listed(List<Stored> keyPackages) implements ClusterMessage {
    public Listed {
      keyPackages = List.copyOf(keyPackages);
    }
  }

  /** The references withdrawn (to log as withdrawn). */
  public record Removed(List<String> references) implements ClusterMessage {
    public Removed {
      references = List.copyOf(references);
    }
  }

  // Events

  public sealed interface Event {}

  public record KeyPackagePublished(Stored keyPackage, Optional<String> replaces)
      implements Event {}

  public record KeyPackageLogged(String reference, long index) implements Event {}

  public record KeyPackagesClaimed(List<String> references) implements Event {
    public KeyPackagesClaimed {
      references = List.copyOf(references);
    }
  }

  /** Why KeyPackages were withdrawn. */
  public enum Withdrawal {
    REMOVED,
    EXPIRED
  }

  public record KeyPackagesWithdrawn(List<String> references, Withdrawal reason) implements Event {
    public KeyPackagesWithdrawn {
      references = List.copyOf(references);
    }
  }

  private final int maxOrdinary;
  private final int snapshotEvery;
  private final SnapshotAdapter<KeyShelf> snapshots;
  private final Clock clock;

  private KeyDirectory(
      String userAddress,
      int maxOrdinary,
      int snapshotEvery,
      SnapshotAdapter<KeyShelf> snapshots,
      Clock clock) {
    super(PersistenceId.of(ENTITY_KEY.name(), userAddress), JournalFailures.RESTART);
    this.maxOrdinary = maxOrdinary;
    this.snapshotEvery = snapshotEvery;
    this.snapshots = snapshots;
    this.clock = clock;
  }

  @Override
  public KeyShelf emptyState() {
    return new KeyShelf(maxOrdinary);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, KeyShelf> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Publish.class, this::onPublish)
        .onCommand(Log.class, this::onLog)
        .onCommand(Claim.class, this::onClaim)
        .onCommand(
            ListAll.class,
            (shelf, list) -> Effect().reply(list.replyTo(), new Listed(shelf.list())))
        .onCommand(Remove.class, this::onRemove)
        .build();
  }

  private ReplyEffect<Event, KeyShelf> onPublish(KeyShelf shelf, Publish publish) {
    KeyShelf.Publication decided = shelf.decidePublish(publish.candidate());
    if (decided instanceof KeyShelf.AlreadyStored already) {
      return Effect()
          .reply(
              publish.replyTo(),
              new Published(Optional.of(already.stored()), false, Optional.empty(), ""));
    }
    if (decided instanceof KeyShelf.Full full) {
      return Effect()
          .reply(
              publish.replyTo(),
              new Published(Optional.empty(), false, Optional.empty(), full.reason()));
    }
    KeyShelf.Store store = (KeyShelf.Store) decided;
    return Effect()
        .persist(new KeyPackagePublished(store.stored(), store.replaces()))
        .thenReply(
            publish.replyTo(),
            after -> new Published(Optional.of(store.stored()), true, store.replaces(), ""));
  }

  private ReplyEffect<Event, KeyShelf> onLog(KeyShelf shelf, Log log) {
    Optional<Stored> stored = shelf.find(log.reference());
    if (stored.isEmpty() || stored.get().logIndex() == log.index()) {
      // Withdrawn meanwhile, or logged already: nothing to record.
      return Effect().reply(log.replyTo(), new Logged(log.reference()));
    }
    return Effect()
        .persist(new KeyPackageLogged(log.reference(), log.index()))
        .thenReply(log.replyTo(), after -> new Logged(log.reference()));
  }

  private ReplyEffect<Event, KeyShelf> onClaim(KeyShelf shelf, Claim claim) {
    KeyShelf.Claim decided = shelf.decideClaim(claim.suites(), clock.instant());
    List<Event> events = new ArrayList<>();
    if (!decided.expired().isEmpty()) {
      events.add(new KeyPackagesWithdrawn(decided.expired(), Withdrawal.EXPIRED));
    }
    if (!decided.toMark().isEmpty()) {
      events.add(new KeyPackagesClaimed(decided.toMark()));
    }
    Claimed answer = new Claimed(decided.handedOut(), decided.expired());
    if (events.isEmpty()) {
      return Effect().reply(claim.replyTo(), answer);
    }
    return Effect().persist(events).thenReply(claim.replyTo(), after -> answer);
  }

  private ReplyEffect<Event, KeyShelf> onRemove(KeyShelf shelf, Remove remove) {
    List<String> withdrawn = shelf.decideRemove(remove.references());
    if (withdrawn.isEmpty()) {
      return Effect().reply(remove.replyTo(), new Removed(List.of()));
    }
    return Effect()
        .persist(new KeyPackagesWithdrawn(withdrawn, Withdrawal.REMOVED))
        .thenReply(remove.replyTo(), after -> new Removed(withdrawn));
  }

  @Override
  public EventHandler<KeyShelf, Event> eventHandler() {
    return (shelf, event) -> {
      if (event instanceof KeyPackagePublished published) {
        shelf.published(published.keyPackage(), published.replaces());
      } else if (event instanceof KeyPackageLogged logged) {
        shelf.logged(logged.reference(), logged.index());
      } else if (event instanceof KeyPackagesClaimed claimed) {
        shelf.claimed(claimed.references());
      } else if (event instanceof KeyPackagesWithdrawn withdrawn) {
        shelf.withdrawn(withdrawn.references());
      }
      return shelf;
    };
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(snapshotEvery, 2).withDeleteEventsOnSnapshot();
  }

  @Override
  public SnapshotAdapter<KeyShelf> snapshotAdapter() {
    return snapshots;
  }
}
