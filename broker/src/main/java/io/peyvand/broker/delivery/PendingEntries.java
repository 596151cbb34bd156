package io.peyvand.broker.delivery;

import io.peyvand.persistence.pending.PendingMailboxStore;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Where an entity other than a mailbox (a group, a call) records that its platform's sweep must
 * wake it if it stops with work: a row of the pending index of mailboxes under the platform, keyed
 * {@code <prefix><the entity's key>}. The prefix ends in '/', which is in no user's key, so the
 * sweep tells the kinds apart ({@link Kind#named}).
 *
 * @param <K> what names the entity (a group's address, a call's key)
 */
public interface PendingEntries<K> {

  CompletionStage<Void> register(String platformId, K entity);

  CompletionStage<Void> unregister(String platformId, K entity);

  /** No index (unit tests): every registration succeeds, nothing is woken. */
  static <K> PendingEntries<K> none() {
    return new PendingEntries<>() {
      @Override
      public CompletionStage<Void> register(String platformId, K entity) {
        return CompletableFuture.completedFuture(null);
      }

      @Override
      public CompletionStage<Void> unregister(String platformId, K entity) {
        return CompletableFuture.completedFuture(null);
      }
    };
  }

  /**
   * A kind of entity in the index: the prefix of its keys (ending in '/'), and how its names are
   * written in a key and read back.
   */
  record Kind<K>(String prefix, Function<K, String> key, Function<String, K> parse) {

    /** The pending index in Cassandra, each entity under {@code prefix + key.apply(entity)}. */
    public PendingEntries<K> in(PendingMailboxStore store) {
      return new PendingEntries<>() {
        @Override
        public CompletionStage<Void> register(String platformId, K entity) {
          return store.register(platformId, prefix + key.apply(entity), Instant.now());
        }

        @Override
        public CompletionStage<Void> unregister(String platformId, K entity) {
          return store.unregister(platformId, prefix + key.apply(entity));
        }
      };
    }

    /** The entity a pending-index key names, if it is of this kind. */
    public Optional<K> named(String indexKey) {
      return indexKey.startsWith(prefix)
          ? Optional.of(parse.apply(indexKey.substring(prefix.length())))
          : Optional.empty();
    }
  }
}
