package io.peyvand.broker.group;

import io.peyvand.broker.delivery.PendingEntries;
import io.peyvand.broker.model.Address;
import io.peyvand.persistence.pending.PendingMailboxStore;
import java.util.Optional;

/**
 * Where a group records that it owes items to a platform, so that it is woken (by the sweep of that
 * platform, like a mailbox) when it has stopped: the same pending index as mailboxes, one row per
 * (platform, group) under the key {@code group/home:group-id}. A user's key never starts that way
 * ('/' is not allowed in a platform id), so the sweep tells the two apart.
 */
public final class GroupPending {
  public static final String PREFIX = "group/";

  private GroupPending() {}

  /** The pending index in Cassandra. */
  public static PendingEntries<Address> of(PendingMailboxStore store) {
    return PendingEntries.of(store, PREFIX, Address::toString);
  }

  /** The group a pending-index key names, if it names one. */
  public static Optional<Address> group(String key) {
    return PendingEntries.named(key, PREFIX, Address::parse);
  }
}
