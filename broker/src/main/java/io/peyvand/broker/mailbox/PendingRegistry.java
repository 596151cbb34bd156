package io.peyvand.broker.mailbox;

import io.peyvand.broker.model.Address;
import java.util.concurrent.CompletionStage;

/**
 * Where a mailbox records that it holds work (items to push, statuses to send), so that it is woken
 * when it has stopped. Backed by the pending_mailboxes table; tests may use memory.
 */
public interface PendingRegistry {
  CompletionStage<Void> register(Address mailbox);

  CompletionStage<Void> unregister(Address mailbox);
}
