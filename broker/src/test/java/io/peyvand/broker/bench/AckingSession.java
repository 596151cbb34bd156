package io.peyvand.broker.bench;

import io.peyvand.broker.delivery.Deliver;
import io.peyvand.broker.delivery.SessionDirectory;
import io.peyvand.broker.mailbox.UserMailbox;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * A stand-in for a platform's session inside the node: it registers with the Receptionist as a
 * session of {@code platform}, takes every delivery and acknowledges, per mailbox, the highest
 * sequence received every {@code interval}, as the SDK does (cumulative acknowledgements, batched
 * every 20 ms by default). So a mailbox built for the recovery scenario has the history of a real
 * one: accepted messages, acknowledgements, and the confirmations of the statuses its senders were
 * sent, not a heap of pending items.
 */
final class AckingSession {
  private AckingSession() {}

  /** What the session handles: deliveries (through an adapter) and its flush timer. */
  sealed interface Internal permits Received, Flush {}

  private record Received(Deliver deliver) implements Internal {}

  private enum Flush implements Internal {
    INSTANCE
  }

  static Behavior<Internal> create(String platform, Duration interval) {
    return Behaviors.setup(
        context -> {
          ActorRef<Deliver> self = context.messageAdapter(Deliver.class, Received::new);
          context
              .getSystem()
              .receptionist()
              .tell(Receptionist.register(SessionDirectory.keyFor(platform), self));
          ClusterSharding sharding = ClusterSharding.get(context.getSystem());
          ActorRef<UserMailbox.Outcome> ignore = context.getSystem().ignoreRef();
          Map<String, Long> highest = new HashMap<>();
          return Behaviors.withTimers(
              timers -> {
                timers.startTimerWithFixedDelay(Flush.INSTANCE, interval);
                return Behaviors.receive(Internal.class)
                    .onMessage(
                        Received.class,
                        r -> {
                          highest.merge(
                              r.deliver().stream().address().toString(),
                              r.deliver().sequence(),
                              Math::max);
                          return Behaviors.same();
                        })
                    .onMessage(
                        Flush.class,
                        f -> {
                          highest.forEach(
                              (mailbox, upTo) ->
                                  sharding
                                      .entityRefFor(UserMailbox.ENTITY_KEY, mailbox)
                                      .tell(new UserMailbox.Acknowledge(platform, upTo, ignore)));
                          highest.clear();
                          return Behaviors.same();
                        })
                    .build();
              });
        });
  }
}
