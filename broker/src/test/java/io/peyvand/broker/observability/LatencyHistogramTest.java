package io.peyvand.broker.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

  @Test
  void bucketsAreCumulativeWithSumAndCountInSeconds() {
    LatencyHistogram h = new LatencyHistogram();
    h.observeNanos(500_000); // 0.5 ms: the first bucket
    h.observeNanos(1_000_000); // exactly 1 ms: still le="0.001"
    h.observeNanos(30_000_000); // 30 ms: le="0.05"
    h.observeNanos(60_000_000_000L); // 60 s: only +Inf
    StringBuilder out = new StringBuilder();
    h.render(out, "x_seconds", "entity=\"mailbox\"");
    String text = out.toString();
    assertTrue(text.contains("x_seconds_bucket{entity=\"mailbox\",le=\"0.001\"} 2\n"), text);
    assertTrue(text.contains("x_seconds_bucket{entity=\"mailbox\",le=\"0.025\"} 2\n"), text);
    assertTrue(text.contains("x_seconds_bucket{entity=\"mailbox\",le=\"0.05\"} 3\n"), text);
    assertTrue(text.contains("x_seconds_bucket{entity=\"mailbox\",le=\"10.0\"} 3\n"), text);
    assertTrue(text.contains("x_seconds_bucket{entity=\"mailbox\",le=\"+Inf\"} 4\n"), text);
    assertTrue(text.contains("x_seconds_sum{entity=\"mailbox\"} 60.0315\n"), text);
    assertTrue(text.contains("x_seconds_count{entity=\"mailbox\"} 4\n"), text);
    assertEquals(4, h.count());
  }

  @Test
  void withoutLabelsTheSamplesHaveOnlyLe() {
    LatencyHistogram h = new LatencyHistogram();
    h.observeNanos(-5); // a clock step back counts as 0
    StringBuilder out = new StringBuilder();
    h.render(out, "y_seconds", "");
    assertTrue(out.toString().contains("y_seconds_bucket{le=\"0.001\"} 1\n"), out.toString());
    assertTrue(out.toString().contains("y_seconds_sum 0.0\ny_seconds_count 1\n"),
        out.toString());
  }
}
