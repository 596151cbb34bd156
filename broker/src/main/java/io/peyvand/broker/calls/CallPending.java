package io.peyvand.broker.calls;

import io.peyvand.persistence.pending.PendingMailboxStore;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where an open call records that it must be woken if it stops (its node dies while it rings): the
 * pending index of mailboxes and groups, one row under its caller's platform with the key {@code
 * call/<entity id>} ('/' is in no user or group key), so the sweep of that platform wakes it.
 */
public interface CallPending {
  String PREFIX = "call/";

  CompletionStage<Void> register(String platformId, CallKey call);

  CompletionStage<Void> unregister(String platformId, CallKey call);

  /** The call a pending-index key names, if it names one. */
  static Optional<CallKey> call(String key) {
    return key.startsWith(PREFIX)
        ? Optional.of(CallKey.parse(key.substring(PREFIX.length())))
        : Optional.empty();
  }

  /** The pending index in Cassandra. */
  static CallPending of(PendingMailboxStore store) {
    return new CallPending() {
      @Override
      public CompletionStage<Void> register(String platformId, CallKey call) {
        return store.register(platformId, PREFIX + call.entityId(), Instant.now());
      }

      @Override
      public CompletionStage<Void> unregister(String platformId, CallKey call) {
        return store.unregister(platformId, PREFIX + call.entityId());
      }
    };
  }

  /** No index (unit tests): nothing is woken. */
  static CallPending none() {
    return new CallPending() {
      @Override
      public CompletionStage<Void> register(String platformId, CallKey call) {
        return CompletableFuture.completedFuture(null);
      }

      @Override
      public CompletionStage<Void> unregister(String platformId, CallKey call) {
        return CompletableFuture.completedFuture(null);
      }
    };
  }
}
