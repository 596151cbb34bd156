package io.peyvand.broker.calls;

import io.peyvand.broker.entity.ClusterMessage;
import io.peyvand.broker.entity.Sharded;
import io.peyvand.broker.model.Address;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * The unanswered calls between two users (entity id: the two addresses in order, a space between),
 * to resolve glare: when each calls the other at once, the call whose caller's address sorts first
 * (by code point, {@code platform:user}) is kept and the other ends REPLACED, the same rule on
 * every node and in both apps. Passivated by sharding when idle. In memory only: a pair lost with
 * its node forgets its open calls, and glare during that moment goes unresolved (the two calls ring
 * as two; PROTOCOL.md §16.5).
 */
public final class CallPair {
  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "CallPair");

  public sealed interface Command {}

  /** A call between the pair is being placed; answered {@link Opened}. */
  public record Open(CallKey call, Address callee, ActorRef<Opened> replyTo)
      implements Command, ClusterMessage {}

  /**
   * Go on ({@code replacedBy} empty; if an open call of the other user gave way, it was told), or
   * give way to the other user's call {@code replacedBy}.
   */
  public record Opened(Optional<CallKey> replacedBy) implements ClusterMessage {}

  /** The call was answered or ended: no glare with it any more. */
  public record Close(CallKey call) implements Command, ClusterMessage {}

  private CallPair() {}

  public static void init(ActorSystem<?> system) {
    Sharded.start(system, ENTITY_KEY, entityId -> create(ClusterSharding.get(system)));
  }

  /** The pair's entity of the call between {@code caller} and {@code callee}. */
  public static EntityRef<Command> of(ClusterSharding sharding, Address caller, Address callee) {
    return sharding.entityRefFor(ENTITY_KEY, id(caller, callee));
  }

  static String id(Address a, Address b) {
    String x = a.toString();
    String y = b.toString();
    return x.compareTo(y) <= 0 ? x + " " + y : y + " " + x;
  }

  static Behavior<Command> create(ClusterSharding sharding) {
    return Behaviors.setup(
        context -> {
          Set<CallKey> open = new LinkedHashSet<>();
          return Behaviors.receive(Command.class)
              .onMessage(
                  Open.class,
                  o -> {
                    Optional<CallKey> other =
                        open.stream()
                            .filter(c -> !c.caller().equals(o.call().caller()))
                            .findFirst();
                    if (other.isEmpty() || open.contains(o.call())) {
                      open.add(o.call());
                      o.replyTo().tell(new Opened(Optional.empty()));
                      return Behaviors.same();
                    }
                    CallKey existing = other.get();
                    if (kept(o.call(), existing).equals(o.call())) {
                      open.remove(existing);
                      open.add(o.call());
                      sharding
                          .entityRefFor(Call.ENTITY_KEY, existing.entityId())
                          .tell(new Call.Replace(o.call()));
                      o.replyTo().tell(new Opened(Optional.empty()));
                    } else {
                      o.replyTo().tell(new Opened(Optional.of(existing)));
                    }
                    return Behaviors.same();
                  })
              .onMessage(
                  Close.class,
                  c -> {
                    open.remove(c.call());
                    return Behaviors.same();
                  })
              .build();
        });
  }

  /** Of two calls in glare, the one kept: its caller's address sorts first. */
  public static CallKey kept(CallKey a, CallKey b) {
    return a.caller().toString().compareTo(b.caller().toString()) <= 0 ? a : b;
  }
}
