package io.peyvand.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CountBufferTest {
  private final SubscriberCounts counts = new SubscriberCounts();
  private final CountBuffer<String> buffer = new CountBuffer<>(3);

  @Test
  void reportsOfAnIntervalBecomeOneEventWithTheNewestOfEachBucket() {
    assertEquals(
        CountBuffer.Offer.FIRST, buffer.offer(new BucketCount("bale", 1, 1, 10), "a", counts));
    assertEquals(
        CountBuffer.Offer.ADDED, buffer.offer(new BucketCount("bale", 1, 2, 11), "b", counts));
    assertEquals(
        CountBuffer.Offer.ADDED,
        buffer.offer(new BucketCount("bale", 1, 1, 10), "c", counts),
        "a retry of an older report waits with the newer one");
    CountBuffer.Drained<String> drained = buffer.drain();
    assertEquals(
        new SubscribersCounted(List.of(new BucketCount("bale", 1, 2, 11))), drained.event());
    assertEquals(List.of("a", "b", "c"), drained.waiters(), "all confirmed once persisted");
    assertTrue(buffer.isEmpty());
  }

  @Test
  void aReportTheCountsKnowIsConfirmedAtOnce() {
    counts.apply(new BucketCount("bale", 1, 5, 50));
    assertEquals(
        CountBuffer.Offer.STALE, buffer.offer(new BucketCount("bale", 1, 5, 50), "a", counts));
    assertTrue(buffer.isEmpty());
  }

  @Test
  void enoughBucketsWaitingFlushAtOnce() {
    buffer.offer(new BucketCount("bale", 1, 1, 1), "a", counts);
    buffer.offer(new BucketCount("bale", 2, 1, 1), "b", counts);
    assertEquals(
        CountBuffer.Offer.FULL, buffer.offer(new BucketCount("eitaa", 1, 1, 1), "c", counts));
    SubscribersCounted event = buffer.drain().event();
    counts.apply(event);
    assertEquals(3, counts.total());
  }
}
