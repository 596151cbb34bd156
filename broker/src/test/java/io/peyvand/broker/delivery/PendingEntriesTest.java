package io.peyvand.broker.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.peyvand.broker.calls.Call;
import io.peyvand.broker.calls.CallKey;
import io.peyvand.broker.group.Group;
import io.peyvand.broker.model.Address;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The keys groups and calls write in the pending index are stored in Cassandra and read back by the
 * sweep of any later version: their form must not change.
 */
class PendingEntriesTest {

  private static <K> String indexKey(PendingEntries.Kind<K> kind, K entity) {
    return kind.prefix() + kind.key().apply(entity);
  }

  @Test
  void aGroupIsKeyedGroupSlashItsAddressAndReadBack() {
    Address family = new Address("bale", "family");
    assertEquals("group/bale:family", indexKey(Group.PENDING_ROWS, family));
    assertEquals(Optional.of(family), Group.PENDING_ROWS.named("group/bale:family"));
  }

  @Test
  void aCallIsKeyedCallSlashItsEntityIdAndReadBack() {
    CallKey call = new CallKey(new Address("bale", "ali"), "c-1");
    assertEquals("call/bale:ali#c-1", indexKey(Call.PENDING_ROWS, call));
    assertEquals(Optional.of(call), Call.PENDING_ROWS.named("call/bale:ali#c-1"));
  }

  @Test
  void aUsersKeyIsNeitherKind() {
    assertEquals(Optional.empty(), Group.PENDING_ROWS.named("bale:ali"));
    assertEquals(Optional.empty(), Call.PENDING_ROWS.named("bale:ali"));
    assertEquals(Optional.empty(), Call.PENDING_ROWS.named("group/bale:family"));
  }
}
