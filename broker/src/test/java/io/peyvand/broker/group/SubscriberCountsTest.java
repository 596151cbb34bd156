package io.peyvand.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SubscriberCountsTest {

  @Test
  void eachBucketCountsOnceWithItsLatestTotal() {
    SubscriberCounts counts = new SubscriberCounts();
    assertTrue(counts.apply(new BucketCount("bale", 3, 1, 10)));
    assertTrue(counts.apply(new BucketCount("bale", 4, 1, 5)));
    assertTrue(counts.apply(new BucketCount("bale", 3, 2, 12)));
    assertTrue(counts.apply(new BucketCount("rubika", 3, 7, 1)));
    assertEquals(Map.of("bale", 17L, "rubika", 1L), counts.perPlatform());
    assertEquals(18, counts.total());
  }

  @Test
  void aRepeatedOrLateReportChangesNothing() {
    SubscriberCounts counts = new SubscriberCounts();
    counts.apply(new BucketCount("bale", 3, 5, 50));
    assertFalse(counts.apply(new BucketCount("bale", 3, 5, 50)), "the same report again");
    assertFalse(counts.apply(new BucketCount("bale", 3, 4, 49)), "an older report, late");
    assertFalse(counts.isNewer(new BucketCount("bale", 3, 2, 0)));
    assertEquals(50, counts.count("bale"));
  }

  @Test
  void aPlatformWhoseBucketsEmptiedHasNoCount() {
    SubscriberCounts counts = new SubscriberCounts();
    counts.apply(new BucketCount("soroush", 0, 1, 2));
    counts.apply(new BucketCount("soroush", 1, 1, 1));
    counts.apply(new BucketCount("soroush", 0, 2, 0));
    assertEquals(Map.of("soroush", 1L), counts.perPlatform());
    counts.apply(new BucketCount("soroush", 1, 2, 0));
    assertEquals(Map.of(), counts.perPlatform(), "no subscribers: the platform gets no posts");
    assertEquals(0, counts.total());
  }

  @Test
  void reportsInAnyOrderWithDuplicatesGiveTheExactCounts() {
    // Every report each bucket ever sent, each up to three times, shuffled: the result is the
    // latest of each bucket, as if received once and in order.
    Random random = new Random(6);
    List<BucketCount> reports = new ArrayList<>();
    long expected = 0;
    for (int bucket = 0; bucket < 64; bucket++) {
      long total = 0;
      int changes = 1 + random.nextInt(20);
      for (int sequence = 1; sequence <= changes; sequence++) {
        total = Math.max(0, total + random.nextInt(200) - 60);
        for (int copies = 1 + random.nextInt(3); copies > 0; copies--) {
          reports.add(new BucketCount("eitaa", bucket, sequence, total));
        }
      }
      expected += total;
    }
    Collections.shuffle(reports, random);
    SubscriberCounts counts = new SubscriberCounts();
    reports.forEach(counts::apply);
    assertEquals(expected, counts.count("eitaa"));
    assertEquals(
        expected,
        SubscriberCounts.of(counts.buckets()).count("eitaa"),
        "the stored form gives the same counts");
  }

  @Test
  void anEventOfCountsAppliesLikeItsReports() {
    SubscriberCounts counts = new SubscriberCounts();
    counts.apply(
        new SubscribersCounted(
            List.of(
                new BucketCount("bale", 1, 3, 30),
                new BucketCount("bale", 2, 1, 7),
                new BucketCount("bale", 1, 2, 20))));
    assertEquals(37, counts.count("bale"));
    assertEquals(
        List.of(new BucketCount("bale", 1, 3, 30), new BucketCount("bale", 2, 1, 7)),
        counts.buckets());
  }
}
