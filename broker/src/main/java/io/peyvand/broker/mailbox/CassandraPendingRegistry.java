package io.peyvand.broker.mailbox;

import io.peyvand.broker.model.Address;
import io.peyvand.persistence.pending.PendingMailboxStore;
import java.time.Instant;
import java.util.concurrent.CompletionStage;

/** The pending index in Cassandra ({@link PendingMailboxStore}), one row per mailbox with work. */
public final class CassandraPendingRegistry implements PendingRegistry {
  private final PendingMailboxStore store;

  public CassandraPendingRegistry(PendingMailboxStore store) {
    this.store = store;
  }

  @Override
  public CompletionStage<Void> register(Address mailbox) {
    return store.register(mailbox.platformId(), mailbox.toString(), Instant.now());
  }

  @Override
  public CompletionStage<Void> unregister(Address mailbox) {
    return store.unregister(mailbox.platformId(), mailbox.toString());
  }
}
