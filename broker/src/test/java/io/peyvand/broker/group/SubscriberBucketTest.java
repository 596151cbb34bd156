package io.peyvand.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.broker.model.Address;
import org.junit.jupiter.api.Test;

class SubscriberBucketTest {

  @Test
  void theBucketOfAUserNeverChanges() {
    // Stored data depends on these: a changed hash loses every channel's subscribers.
    assertEquals(32, SubscriberBucket.bucketOf("bob", 64));
    assertEquals(52, SubscriberBucket.bucketOf("alice", 64));
    assertEquals(31, SubscriberBucket.bucketOf("u-1", 64));
    assertEquals(50, SubscriberBucket.bucketOf("\u0645\u0631\u06cc\u0645", 64));
    assertEquals(224, SubscriberBucket.bucketOf("bob", 256));
    assertEquals(0, SubscriberBucket.bucketOf("anyone", 1));
  }

  @Test
  void usersSpreadEvenlyOverTheBuckets() {
    int buckets = 64;
    int users = 640_000;
    int[] counts = new int[buckets];
    for (int i = 0; i < users; i++) {
      counts[SubscriberBucket.bucketOf("user-" + i, buckets)]++;
    }
    int mean = users / buckets;
    for (int bucket = 0; bucket < buckets; bucket++) {
      assertTrue(
          Math.abs(counts[bucket] - mean) < mean / 20,
          "bucket " + bucket + " holds " + counts[bucket] + ", the mean is " + mean);
    }
  }

  @Test
  void theEntityIdReadsBackEvenWhenTheChannelIdHoldsABar() {
    SubscriberBucket bucket = new SubscriberBucket(new Address("eitaa", "news|daily"), "bale", 17);
    assertEquals("eitaa:news|daily|bale|17", bucket.entityId());
    assertEquals(bucket, SubscriberBucket.parse(bucket.entityId()));
    assertThrows(IllegalArgumentException.class, () -> SubscriberBucket.parse("eitaa:news|17"));
    assertThrows(IllegalArgumentException.class, () -> SubscriberBucket.parse("eitaa:news|bale|x"));
  }
}
