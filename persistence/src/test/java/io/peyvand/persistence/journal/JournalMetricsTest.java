package io.peyvand.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

  @Test
  void theJournalIsFailingFromAFailedWriteUntilOneSucceedsOrTheWindowPasses() throws Exception {
    JournalMetrics metrics = new JournalMetrics();
    java.time.Duration window = java.time.Duration.ofSeconds(10);
    assertTrue(metrics.failingFor(window).isEmpty(), "nothing written yet");
    metrics.request(1_000_000, (Throwable) null);
    assertTrue(metrics.failingFor(window).isEmpty(), "the latest write succeeded");
    metrics.request(
        2_000_000,
        new java.util.concurrent.CompletionException(
            new IllegalStateException("No node was available")));
    String failing = metrics.failingFor(window).orElseThrow();
    assertTrue(failing.contains("IllegalStateException: No node was available"), failing);
    assertTrue(
        metrics.failingFor(java.time.Duration.ZERO).isEmpty(),
        "a failure older than the window is forgotten");
    metrics.failed(new GroupCommitWriter.WriteExpiredException());
    assertTrue(metrics.failingFor(window).orElseThrow().contains("call-timeout"));
    Thread.sleep(1); // a later instant on any clock
    metrics.request(1_000_000, (Throwable) null);
    assertTrue(metrics.failingFor(window).isEmpty(), "a write succeeded since");
  }
}
