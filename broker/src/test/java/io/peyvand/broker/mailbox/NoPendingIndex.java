package io.peyvand.broker.mailbox;

import io.peyvand.broker.group.GroupPending;
import io.peyvand.broker.model.Address;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A pending index that records nothing, for tests whose mailboxes and groups never stop with work:
 * every registration succeeds at once.
 */
public final class NoPendingIndex implements PendingRegistry, GroupPending {
  public static final NoPendingIndex INSTANCE = new NoPendingIndex();

  private NoPendingIndex() {}

  @Override
  public CompletionStage<Void> register(Address mailbox) {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> unregister(Address mailbox) {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> register(String platformId, Address group) {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> unregister(String platformId, Address group) {
    return CompletableFuture.completedFuture(null);
  }
}
