package io.peyvand.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.broker.serialization.ChannelSubscriberSnapshots;
import io.peyvand.broker.serialization.StoredEventSerializer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A bucket of 100,000 users stays bounded by its users alone: its snapshot is the ids and little
 * else, and one more subscriber costs one small event whatever the bucket holds. Sizes only, never
 * times; ChannelBucketBench prints heap and times.
 */
class ChannelSubscribersStateTest {
  private static final int USERS = 100_000;
  private static final int BATCH = 156;

  private static List<String> users(int from, int to) {
    List<String> ids = new ArrayList<>();
    for (int n = from; n < to; n++) {
      ids.add("u" + (10_000_000 + n));
    }
    return ids;
  }

  @Test
  void aBucketOfOneHundredThousandUsersIsItsIdsAndOneMoreCostsTheSame() {
    StoredEventSerializer serializer = new StoredEventSerializer(null);
    ChannelSubscribers.State state = new ChannelSubscribers.State();
    byte[] firstEvent =
        serializer.toBinary(
            new ChannelSubscribers.Subscribed(state.absent(users(USERS, USERS + 1))));
    for (int from = 0; from < USERS; from += BATCH) {
      // Each batch overlaps the previous one by half: only the new half is an event.
      List<String> batch = users(Math.max(0, from - BATCH / 2), Math.min(USERS, from + BATCH));
      List<String> fresh = state.absent(batch);
      assertEquals(Math.min(USERS, from + BATCH) - from, fresh.size());
      state.apply(new ChannelSubscribers.Subscribed(fresh));
    }
    assertEquals(USERS, state.size());
    assertTrue(state.absent(users(0, USERS)).isEmpty(), "everyone is in");

    List<String> oneMore = state.absent(users(USERS, USERS + 1));
    assertEquals(1, oneMore.size());
    assertEquals(
        firstEvent.length,
        serializer.toBinary(new ChannelSubscribers.Subscribed(oneMore)).length,
        "the event of one subscriber does not grow with the bucket");

    byte[] snapshot = serializer.toBinary(new ChannelSubscriberSnapshots().toJournal(state));
    long ids = users(0, USERS).stream().mapToLong(String::length).sum();
    assertTrue(
        snapshot.length <= ids + 2L * USERS + 16,
        snapshot.length + " bytes of snapshot for " + ids + " bytes of ids");
  }
}
