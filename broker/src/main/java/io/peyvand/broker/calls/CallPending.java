package io.peyvand.broker.calls;

import io.peyvand.broker.delivery.PendingEntries;
import io.peyvand.persistence.pending.PendingMailboxStore;
import java.util.Optional;

/**
 * Where an open call records that it must be woken if it stops (its node dies while it rings): the
 * pending index of mailboxes and groups, one row under its caller's platform with the key {@code
 * call/<entity id>} ('/' is in no user or group key), so the sweep of that platform wakes it.
 */
public final class CallPending {
  public static final String PREFIX = "call/";

  private CallPending() {}

  /** The pending index in Cassandra. */
  public static PendingEntries<CallKey> of(PendingMailboxStore store) {
    return PendingEntries.of(store, PREFIX, CallKey::entityId);
  }

  /** The call a pending-index key names, if it names one. */
  public static Optional<CallKey> call(String key) {
    return PendingEntries.named(key, PREFIX, CallKey::parse);
  }
}
