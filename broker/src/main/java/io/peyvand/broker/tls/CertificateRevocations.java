package io.peyvand.broker.tls;

import io.peyvand.broker.entity.ClusterMessage;
import io.peyvand.broker.entity.JournalFailures;
import io.peyvand.broker.entity.Sharded;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
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
 * The client certificates administrators revoked through the Admin service, for the whole cluster:
 * one entity ({@link #ENTITY_ID}) in Cluster Sharding, event-sourced, so a revocation outlives
 * every node. It complements the CA's revocation list file (which only the CA can sign): every node
 * merges both into its {@link RevocationList}, at once on the node that took the call and within
 * {@code peyvand.tls.crl-reload-interval} on the others. A revocation is permanent; revoking a
 * serial again changes nothing. The list stays small (revocations are rare), so the entity keeps no
 * snapshots.
 */
public final class CertificateRevocations
    extends EventSourcedBehaviorWithEnforcedReplies<
        CertificateRevocations.Command,
        CertificateRevocations.Event,
        CertificateRevocations.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "CertificateRevocations");

  /** The one entity of the type. */
  public static final String ENTITY_ID = "interconnect";

  /** Longest reason kept, in characters. */
  public static final int MAX_REASON = 200;

  /** Starts the sharded entity type on this node. */
  public static void init(ActorSystem<?> system) {
    Sharded.start(system, ENTITY_KEY, entityId -> create(entityId, Clock.systemUTC()));
  }

  /** The cluster's one revocations entity. */
  public static EntityRef<Command> ref(ActorSystem<?> system) {
    return ClusterSharding.get(system).entityRefFor(ENTITY_KEY, ENTITY_ID);
  }

  public static Behavior<Command> create(String entityId, Clock clock) {
    return new CertificateRevocations(entityId, clock);
  }

  // Commands

  public sealed interface Command {}

  /** Revoke the certificate with this serial number, for {@code reason}, by {@code by}. */
  public record Revoke(BigInteger serial, String reason, String by, ActorRef<Listing> replyTo)
      implements Command, ClusterMessage {
    public Revoke {
      if (serial.signum() <= 0) {
        throw new IllegalArgumentException("a certificate serial number is positive");
      }
      if (reason.length() > MAX_REASON) {
        throw new IllegalArgumentException(
            "a revocation reason has at most " + MAX_REASON + " characters");
      }
    }
  }

  /** Tell every revocation. */
  public record Get(ActorRef<Listing> replyTo) implements Command, ClusterMessage {}

  // Replies

  /** One revoked certificate. */
  public record Revoked(BigInteger serial, String reason, Instant at, String by) {}

  /** Every revocation, oldest first. */
  public record Listing(List<Revoked> revoked) implements ClusterMessage {
    public Set<BigInteger> serials() {
      return revoked.stream().map(Revoked::serial).collect(Collectors.toUnmodifiableSet());
    }
  }

  // Events

  /** Persisted; stored as protobuf (peyvand.persistence.v1.CertificateRevoked). */
  public sealed interface Event {}

  public record CertificateRevoked(BigInteger serial, String reason, Instant at, String by)
      implements Event {}

  // State

  /** Revocations by serial, in the order they were made. */
  public record State(Map<BigInteger, Revoked> bySerial) {
    public static final State EMPTY = new State(Map.of());

    public State apply(Event event) {
      CertificateRevoked revoked = (CertificateRevoked) event;
      Map<BigInteger, Revoked> next = new LinkedHashMap<>(bySerial);
      next.putIfAbsent(
          revoked.serial(),
          new Revoked(revoked.serial(), revoked.reason(), revoked.at(), revoked.by()));
      return new State(Collections.unmodifiableMap(next));
    }

    Listing listing() {
      return new Listing(List.copyOf(bySerial.values()));
    }
  }

  private final Clock clock;

  private CertificateRevocations(String entityId, Clock clock) {
    super(PersistenceId.of(ENTITY_KEY.name(), entityId), JournalFailures.RESTART);
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
        .onCommand(Revoke.class, this::onRevoke)
        .onCommand(Get.class, (state, get) -> Effect().reply(get.replyTo(), state.listing()))
        .build();
  }

  private ReplyEffect<Event, State> onRevoke(State state, Revoke revoke) {
    if (state.bySerial().containsKey(revoke.serial())) {
      return Effect().reply(revoke.replyTo(), state.listing());
    }
    return Effect()
        .persist(
            new CertificateRevoked(
                revoke.serial(),
                revoke.reason(),
                clock.instant().truncatedTo(ChronoUnit.MILLIS),
                revoke.by()))
        .thenReply(revoke.replyTo(), State::listing);
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return (state, event) -> state.apply(event);
  }
}
