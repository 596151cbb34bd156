package io.peyvand.broker.session;

import io.peyvand.broker.delivery.Deliver;
import io.peyvand.broker.delivery.SessionDirectory;
import io.peyvand.broker.service.WireMapping;
import io.peyvand.protocol.v1.ServerFrame;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;

/**
 * One connected adapter stream of a platform (gRPC or WebSocket). Registered with the Receptionist
 * under its platform's key, and with its own node's {@link SessionDirectory} before its adapter is
 * welcomed (so that every mailbox of the node finds it at once), it takes items from mailboxes
 * anywhere in the cluster and writes them to its stream's bounded outgoing queue. When the queue is
 * full it answers {@link Deliver.Busy} (the mailbox retries later) and refuses that mailbox's later
 * items until the mailbox resumes (see {@link Deliver#resume()}), so that a mailbox's items never
 * overtake each other.
 *
 * <p>When its stream ends it leaves the directory and the Receptionist, and lingers for {@code
 * linger}, answering every item still pushed to it with {@link Deliver.Busy#gone()}: a mailbox on a
 * node that has not yet heard of the departure learns at once that nothing reached an adapter,
 * moves to another session and does not flag those items as redeliveries (issue 14: a platform's
 * new sessions received items flagged {@code redelivery} that its old sessions, already gone, never
 * had).
 */
public final class Session {

  public sealed interface Command {}

  /**
   * The stream ended: deregister and stop. Sent by the session's own stream on this node, never
   * across nodes, so not a ClusterMessage.
   */
  public enum Stop implements Command, NoSerializationVerificationNeeded {
    INSTANCE
  }

  private enum Linger implements Command {
    OVER
  }

  private record Incoming(Deliver deliver) implements Command {}

  private Session() {}

  public static Behavior<Command> create(String platformId, BoundedSourceQueue<ServerFrame> out) {
    return create(platformId, false, out, Duration.ZERO, new CompletableFuture<>());
  }

  /**
   * A session of the platform; {@code memberLists}: the platform asked for the member ids in group
   * deliveries (its capabilities when the session opened); {@code registered} completes once every
   * mailbox of this node can find the session.
   */
  public static Behavior<Command> create(
      String platformId,
      boolean memberLists,
      BoundedSourceQueue<ServerFrame> out,
      Duration linger,
      CompletableFuture<Void> registered) {
    return Behaviors.setup(
        context -> {
          ActorRef<Deliver> inbox = context.messageAdapter(Deliver.class, Incoming::new);
          SessionDirectory directory = SessionDirectory.get(context.getSystem());
          directory.connected(platformId, inbox);
          context
              .getSystem()
              .receptionist()
              .tell(Receptionist.register(SessionDirectory.keyFor(platformId), inbox));
          registered.complete(null);
          Set<Deliver.Stream> refusedStreams = new HashSet<>();
          Departure departure = new Departure(context, directory, platformId, inbox, linger);
          return Behaviors.receive(Command.class)
              .onMessage(
                  Incoming.class,
                  incoming -> {
                    Deliver d = incoming.deliver();
                    if (d.resume()) {
                      refusedStreams.remove(d.stream());
                    } else if (refusedStreams.contains(d.stream())) {
                      d.busyReplyTo().tell(Deliver.Busy.full(platformId, d, inbox));
                      return Behaviors.same();
                    }
                    ServerFrame frame = WireMapping.frame(d, memberLists);
                    QueueOfferResult result = out.offer(frame);
                    if (result == QueueOfferResult.enqueued()) {
                      return Behaviors.same();
                    }
                    if (result == QueueOfferResult.dropped()) {
                      refusedStreams.add(d.stream());
                      d.busyReplyTo().tell(Deliver.Busy.full(platformId, d, inbox));
                      return Behaviors.same();
                    }
                    context
                        .getLog()
                        .info("Session of {} stops: its stream is closed ({})", platformId, result);
                    d.busyReplyTo().tell(Deliver.Busy.gone(platformId, d, inbox));
                    return departure.leave();
                  })
              .onMessage(Stop.class, stop -> departure.leave())
              .build();
        });
  }

  /** Leaving: out of the directory and the Receptionist, then lingering to answer "gone". */
  private record Departure(
      ActorContext<Command> context,
      SessionDirectory directory,
      String platformId,
      ActorRef<Deliver> inbox,
      Duration linger) {
    Behavior<Command> leave() {
      directory.disconnected(platformId, inbox);
      context
          .getSystem()
          .receptionist()
          .tell(Receptionist.deregister(SessionDirectory.keyFor(platformId), inbox));
      if (linger.isZero()) {
        return Behaviors.stopped();
      }
      return Behaviors.withTimers(
          timers -> {
            timers.startSingleTimer(Linger.OVER, linger);
            return Behaviors.receive(Command.class)
                .onMessage(
                    Incoming.class,
                    incoming -> {
                      Deliver d = incoming.deliver();
                      d.busyReplyTo().tell(Deliver.Busy.gone(platformId, d, inbox));
                      return Behaviors.same();
                    })
                .onMessageEquals(Linger.OVER, Behaviors::stopped)
                .onMessage(Command.class, other -> Behaviors.same())
                .build();
          });
    }
  }
}
