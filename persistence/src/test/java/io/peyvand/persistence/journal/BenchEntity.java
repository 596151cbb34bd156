package io.peyvand.persistence.journal;

import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;

/**
 * The benchmark's entity: one event (a String of a message's typical size) per command, answered
 * after it is stored, like UserMailbox accepting a message; the state only counts events.
 */
final class BenchEntity extends ChosenJournalEntity<BenchEntity.Command, Long> {
  sealed interface Command {}

  /** Persists one event, then answers. */
  record Persist(String event, ActorRef<Done> replyTo) implements Command {}

  /** Answers at once (after recovery): how first contact is measured. */
  record Ping(ActorRef<Done> replyTo) implements Command {}

  /** Answers, then stops. */
  record Stop(ActorRef<Done> replyTo) implements Command {}

  private BenchEntity(String persistenceId, String journal) {
    super(persistenceId, journal);
  }

  static Behavior<Command> create(String persistenceId, String journal) {
    return new BenchEntity(persistenceId, journal);
  }

  @Override
  public Long emptyState() {
    return 0L;
  }

  @Override
  public CommandHandler<Command, String, Long> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(
            Persist.class,
            (state, c) ->
                Effect().persist(c.event()).thenRun(s -> c.replyTo().tell(Done.getInstance())))
        .onCommand(
            Ping.class,
            (state, c) -> Effect().none().thenRun(s -> c.replyTo().tell(Done.getInstance())))
        .onCommand(
            Stop.class,
            (state, c) -> Effect().stop().thenRun(s -> c.replyTo().tell(Done.getInstance())))
        .build();
  }

  @Override
  public EventHandler<Long, String> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent((state, event) -> state + 1);
  }
}
