package io.peyvand.persistence.journal;

import java.util.List;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * A test entity whose state is every event it ever persisted, in order ("a,b,c"), on a journal and
 * snapshot store chosen per instance: recovering it shows exactly what a journal replayed. Events
 * and snapshots are Strings (Pekko's own serializer), so either journal can read them.
 */
final class LogEntity extends ChosenJournalEntity<LogEntity.Command, String> {
  sealed interface Command {}

  /** Persists {@code events} (one persistAll when several), then answers. */
  record Append(List<String> events, ActorRef<Done> replyTo) implements Command {}

  /** Answers the state: every event so far, comma-separated. */
  record Get(ActorRef<String> replyTo) implements Command {}

  private final int snapshotEvery;

  private LogEntity(String persistenceId, String journal, int snapshotEvery) {
    super(persistenceId, journal);
    this.snapshotEvery = snapshotEvery;
  }

  /** {@code snapshotEvery} 0: no snapshots; otherwise snapshots that delete older events. */
  static Behavior<Command> create(String persistenceId, String journal, int snapshotEvery) {
    return new LogEntity(persistenceId, journal, snapshotEvery);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return snapshotEvery == 0
        ? RetentionCriteria.disabled()
        : RetentionCriteria.snapshotEvery(snapshotEvery, 1).withDeleteEventsOnSnapshot();
  }

  @Override
  public String emptyState() {
    return "";
  }

  @Override
  public CommandHandler<Command, String, String> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(
            Append.class,
            (state, c) ->
                Effect().persist(c.events()).thenRun(s -> c.replyTo().tell(Done.getInstance())))
        .onCommand(Get.class, (state, c) -> Effect().none().thenRun(s -> c.replyTo().tell(s)))
        .build();
  }

  @Override
  public EventHandler<String, String> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onAnyEvent((state, event) -> state.isEmpty() ? event : state + "," + event);
  }
}
