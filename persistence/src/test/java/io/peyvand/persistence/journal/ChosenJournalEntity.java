package io.peyvand.persistence.journal;

import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;

/**
 * A test entity of String events (Pekko's own serializer, so either journal can read them) on a
 * journal plugin chosen per instance, with the Cassandra plugin's snapshot store: what {@link
 * BenchEntity} and {@link LogEntity} share.
 */
abstract class ChosenJournalEntity<C, S> extends EventSourcedBehavior<C, String, S> {
  private final String journal;

  ChosenJournalEntity(String persistenceId, String journal) {
    super(PersistenceId.ofUniqueId(persistenceId));
    this.journal = journal;
  }

  @Override
  public String journalPluginId() {
    return journal;
  }

  @Override
  public String snapshotPluginId() {
    return "pekko.persistence.cassandra.snapshot";
  }
}
