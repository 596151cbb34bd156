package io.peyvand.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class JournalMetricsTest {

  @Test
  void requestsFallInTheirBucketAndFailuresAndWritesAreCounted() {
    JournalMetrics metrics = new JournalMetrics();
    metrics.request(400_000, false); // 0.4 ms: le 0.0005
    metrics.request(1_000_000, false); // 1 ms exactly: le 0.001
    metrics.request(7_000_000, true); // 7 ms: le 0.01, failed
    metrics.request(11_000_000_000L, false); // 11 s: +Inf only
    metrics.writes(12);
    metrics.writes(1);
    long[] counts = metrics.bucketCounts();
    assertEquals(metrics.bounds().length + 1, counts.length);
    long[] expected = new long[counts.length];
    expected[0] = 1;
    expected[1] = 1;
    expected[4] = 1;
    expected[counts.length - 1] = 1;
    assertArrayEquals(expected, counts);
    assertEquals(0.005, metrics.bounds()[3]);
    assertEquals(11.0084, metrics.sumSeconds(), 1e-9);
    assertEquals(1, metrics.failedRequests());
    assertEquals(13, metrics.writes());
  }
}
