package io.peyvand.broker.bench;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.persistence.JournalProtocol;
import org.apache.pekko.persistence.Persistence;

/**
 * Asks the configured journal (whichever plugin {@code pekko.persistence.journal.plugin} names) for
 * the highest sequence number of a persistence id: the number of events an entity has written,
 * deleted ones included. It sends the request every journal plugin answers at the start of a
 * recovery ({@code ReplayMessages}) with {@code max = 0}: the journal reads the highest sequence
 * number and replays nothing.
 */
final class JournalProbe {
  private JournalProbe() {}

  static CompletionStage<Long> highestSequenceNr(ActorSystem<?> system, String persistenceId) {
    var journal =
        Persistence.get(system.classicSystem())
            .journalFor("", com.typesafe.config.ConfigFactory.empty());
    return Patterns.askWithReplyTo(
            journal,
            replyTo ->
                new JournalProtocol.ReplayMessages(0, Long.MAX_VALUE, 0, persistenceId, replyTo),
            Duration.ofSeconds(60))
        .thenApply(
            reply -> {
              if (reply instanceof JournalProtocol.RecoverySuccess success) {
                return success.highestSequenceNr();
              }
              if (reply instanceof JournalProtocol.ReplayMessagesFailure failure) {
                throw new IllegalStateException(
                    "the journal could not read " + persistenceId, failure.cause());
              }
              throw new IllegalStateException("unexpected journal reply " + reply);
            });
  }
}
