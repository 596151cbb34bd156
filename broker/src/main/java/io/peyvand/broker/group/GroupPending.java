package io.peyvand.broker.group;

import io.peyvand.broker.model.Address;
import io.peyvand.persistence.pending.PendingMailboxStore;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Where a group records that it owes items to a platform, so that it is woken (by the sweep of that
 * platform, like a mailbox) when it has stopped: the same pending index as mailboxes, one row per
 * (platform, group) under the key {@code group/home:group-id}. A user's key never starts that way
 * ('/' is not allowed in a platform id), so the sweep tells the two apart.
 */
public interface GroupPending {
  String PREFIX = "group/";

  CompletionStage<Void> register(String platformId, Address group);

  CompletionStage<Void> unregister(String platformId, Address group);

  /** The group a pending-index key names, if it names one. */
  static Optional<Address> group(String key) {
    return key.startsWith(PREFIX)
        ? Optional.of(Address.parse(key.substring(PREFIX.length())))
        : Optional.empty();
  }

  /** The pending index in Cassandra. */
  static GroupPending of(PendingMailboxStore store) {
    return new GroupPending() {
      @Override
      public CompletionStage<Void> register(String platformId, Address group) {
        return store.register(platformId, PREFIX + group, Instant.now());
      }

      @Override
      public CompletionStage<Void> unregister(String platformId, Address group) {
        return store.unregister(platformId, PREFIX + group);
      }
    };
  }
}
