package io.peyvand.broker.session;

import io.peyvand.broker.calls.CallSignal;
import io.peyvand.broker.delivery.Deliver;
import io.peyvand.broker.delivery.SessionDirectory;
import io.peyvand.broker.service.CallMapping;
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

  /** A session whose platform's calls do not ring on it. */
  public static Behavior<Command> create(
      String platformId,
      boolean memberLists,
      BoundedSourceQueue<ServerFrame> out,
      Duration linger,
      CompletableFuture<ActorRef<CallSignal>> registered) {
    return create(platformId, memberLists, false, out, linger, registered);
  }

  /**
   * A session of the platform; {@code memberLists}: the platform asked for the member ids in group
   * deliveries (its capabilities when the session opened); {@code ringCalls}: invites to the
   * platform's users ring on it (Hello.ring_calls); {@code registered} completes, with the address
   * calls reach the session at, once every mailbox of this node can find the session.
   */
  public static Behavior<Command> create(
      String platformId,
      boolean memberLists,
      boolean ringCalls,
      BoundedSourceQueue<ServerFrame> out,
      Duration linger,
      CompletableFuture<ActorRef<CallSignal>> registered) {
    return Behaviors.setup(
        context -> {
          ActorRef<Deliver> inbox = context.messageAdapter(Deliver.class, Incoming::new);
          // A child of its own, stopped the moment the stream ends: a call watching it learns at
          // once that this side went away, not after the linger.
          ActorRef<CallSignal> calls = context.spawn(callInbox(platformId, out), "calls");
          SessionDirectory directory = SessionDirectory.get(context.getSystem());
          directory.connected(platformId, inbox);
          context
              .getSystem()
              .receptionist()
              .tell(Receptionist.register(SessionDirectory.keyFor(platformId), inbox));
          if (ringCalls) {
            context
                .getSystem()
                .receptionist()
                .tell(Receptionist.register(CallSignal.ringingKey(platformId), calls));
          }
          registered.complete(calls);
          Set<Deliver.Stream> refusedStreams = new HashSet<>();
          Departure departure =
              new Departure(context, directory, platformId, inbox, calls, ringCalls, linger);
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

  /**
   * Writes the call signals for this session to its stream. Signalling is never repeated: a frame
   * that finds the buffer full is lost, and the call's next state supersedes it (PROTOCOL.md
   * §16.4).
   */
  private static Behavior<CallSignal> callInbox(
      String platformId, BoundedSourceQueue<ServerFrame> out) {
    return Behaviors.receive(
        (context, signal) -> {
          QueueOfferResult result = out.offer(CallMapping.frame(signal));
          if (result != QueueOfferResult.enqueued()) {
            context
                .getLog()
                .warn(
                    "Session of {} dropped a {} of call {}: {}",
                    platformId,
                    signal.kind(),
                    signal.call(),
                    result);
          }
          return Behaviors.same();
        });
  }

  /** Leaving: out of the directory and the Receptionist, then lingering to answer "gone". */
  private record Departure(
      ActorContext<Command> context,
      SessionDirectory directory,
      String platformId,
      ActorRef<Deliver> inbox,
      ActorRef<CallSignal> calls,
      boolean ringCalls,
      Duration linger) {
    Behavior<Command> leave() {
      directory.disconnected(platformId, inbox);
      context
          .getSystem()
          .receptionist()
          .tell(Receptionist.deregister(SessionDirectory.keyFor(platformId), inbox));
      if (ringCalls) {
        context
            .getSystem()
            .receptionist()
            .tell(Receptionist.deregister(CallSignal.ringingKey(platformId), calls));
      }
      context.stop(calls);
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
