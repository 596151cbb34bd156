package io.peyvand.loadtests.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsPageTest {
  @Test
  void everySampleLineIsASeriesWithItsLabels() {
    Map<String, Double> series =
        MetricsPage.parse(
            """
        # HELP peyvand_asks_total asks
        # TYPE peyvand_asks_total counter
        peyvand_asks_total 37
        peyvand_actor_messages_total{actor="UserMailbox"} 8
        peyvand_journal_write_seconds_bucket{le="+Inf"} 1.5e3
        not a sample
        """);
    assertEquals(
        Map.of(
            "peyvand_asks_total",
            37.0,
            "peyvand_actor_messages_total{actor=\"UserMailbox\"}",
            8.0,
            "peyvand_journal_write_seconds_bucket{le=\"+Inf\"}",
            1500.0),
        series);
  }
}
