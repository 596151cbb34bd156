package io.peyvand.broker.session;

import io.peyvand.broker.delivery.Deliver;
import io.peyvand.broker.delivery.SessionDirectory;
import io.peyvand.broker.ingress.WireMapping;
import io.peyvand.protocol.v1.ServerFrame;
import java.util.HashSet;
import java.util.Set;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;

/**
 * One connected adapter stream of a platform (gRPC or WebSocket). Registered with the Receptionist
 * under its platform's key, it takes items from mailboxes anywhere in the cluster and writes them
 * to its stream's bounded outgoing queue. When the queue is full it answers {@link Deliver.Busy}
 * (the mailbox retries later) and refuses that mailbox's later items until the mailbox resumes
 * (see {@link Deliver#resume()}), so that a mailbox's items never overtake each other. Stops when
 * its stream ends.
 */
public final class Session {

  public sealed interface Command {}

  /**
   * The stream ended: deregister and stop. Sent by the session's own stream on this node, never
   * across nodes, so not a ClusterMessage.
   */
  public enum Stop implements Command, NoSerializationVerificationNeeded { INSTANCE }

  private record Incoming(Deliver deliver) implements Command {}

  private Session() {}

  public static Behavior<Command> create(String platformId, BoundedSourceQueue<ServerFrame> out) {
    return create(platformId, false, out);
  }

  /**
   * A session of the platform; {@code memberLists}: the platform asked for the member ids in
   * group deliveries (its capabilities when the session opened).
   */
  public static Behavior<Command> create(String platformId, boolean memberLists,
      BoundedSourceQueue<ServerFrame> out) {
    return Behaviors.setup(context -> {
      ActorRef<Deliver> inbox = context.messageAdapter(Deliver.class, Incoming::new);
      SessionDirectory.get(context.getSystem()).watch(platformId);
      context.getSystem().receptionist().tell(
          Receptionist.register(SessionDirectory.keyFor(platformId), inbox));
      Set<Deliver.Stream> refusedStreams = new HashSet<>();
      return Behaviors.receive(Command.class)
          .onMessage(Incoming.class, incoming -> {
            Deliver d = incoming.deliver();
            if (d.resume()) {
              refusedStreams.remove(d.stream());
            } else if (refusedStreams.contains(d.stream())) {
              d.busyReplyTo().tell(new Deliver.Busy(platformId, d.sequence()));
              return Behaviors.same();
            }
            ServerFrame frame = WireMapping.frame(d, memberLists);
            QueueOfferResult result = out.offer(frame);
            if (result == QueueOfferResult.enqueued()) {
              return Behaviors.same();
            }
            if (result == QueueOfferResult.dropped()) {
              refusedStreams.add(d.stream());
              d.busyReplyTo().tell(new Deliver.Busy(platformId, d.sequence()));
              return Behaviors.same();
            }
            context.getLog().info("Session of {} stops: its stream is closed ({})", platformId,
                result);
            return stop(context.getSystem(), platformId, inbox);
          })
          .onMessage(Stop.class, stop -> stop(context.getSystem(), platformId, inbox))
          .build();
    });
  }

  private static Behavior<Command> stop(
      org.apache.pekko.actor.typed.ActorSystem<?> system, String platformId,
      ActorRef<Deliver> inbox) {
    system.receptionist().tell(Receptionist.deregister(SessionDirectory.keyFor(platformId), inbox));
    return Behaviors.stopped();
  }
}
