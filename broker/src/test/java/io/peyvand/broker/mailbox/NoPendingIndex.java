package io.peyvand.broker.mailbox;

import io.peyvand.broker.model.Address;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A pending index that records nothing, for tests whose mailboxes never stop with work. */
public final class NoPendingIndex implements PendingRegistry {
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
}
