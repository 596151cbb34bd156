package io.peyvand.loadtests.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.protocol.v1.ErrorCode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {
  private static final long MS = 1_000_000;

  @Test
  void theLineHasTheSummaryFieldsInMilliseconds() {
    Report r = report(tally(0, Map.of()), 0);
    assertEquals("direct: platforms=2 messages=2 accepted=4/s delivered=2/s"
        + " submit-accepted p50=200.0 ms p99=400.0 ms max=400.0 ms"
        + " submit-delivered p50=300.0 ms p99=900.0 ms max=900.0 ms"
        + " lost=0 unflagged-dups=0 redelivered=3 redelivered-unseen=1 refused=0 unanswered=0"
        + " duplicates=0 statuses=2",
        r.line());
    assertFalse(r.failed());
  }

  @Test
  void theJsonHasTheSameFields() {
    String json = report(tally(1, Map.of(ErrorCode.UNAVAILABLE, 2)), 1).json();
    assertTrue(json.startsWith("{\"scenario\":\"direct\",\"platforms\":2,"
        + "\"platformIds\":[\"eitaa\",\"bale\"],"), json);
    assertTrue(json.contains("\"acceptedPerSec\":4.0,"), json);
    assertTrue(json.contains("\"submitAcceptedMs\":{\"p50\":200.0,\"p99\":400.0,\"max\":400.0,"
        + "\"count\":2}"), json);
    assertTrue(json.contains("\"lost\":1,\"unflaggedDups\":1,\"redelivered\":3,"
        + "\"redeliveredUnseen\":1,\"refused\":2,\"refusedByCode\":{\"UNAVAILABLE\":2},"), json);
    assertTrue(json.endsWith("\"ok\":false}"), json);
  }

  @Test
  void aLostMessageAnUnflaggedDuplicateOrNothingAcceptedFailsTheRun() {
    assertTrue(report(tally(0, Map.of()), 1).failed());
    assertTrue(report(tally(1, Map.of()), 0).failed());
    Tally nothing = new Tally(5, 0, 0, Map.of(), 5, 0, 0, 0, Percentiles.of(new long[0]),
        Percentiles.of(new long[0]), 0, -1, -1, 0, 0, 0, 0);
    assertTrue(report(nothing, 0).failed());
    assertTrue(report(tally(0, Map.of(ErrorCode.UNAVAILABLE, 1)), 0).line()
        .contains(" refused=1(UNAVAILABLE=1) "));
  }

  private static Tally tally(long unflagged, Map<ErrorCode, Integer> refused) {
    return new Tally(2, 2, 0, refused, 0, 2, 0, 2,
        Percentiles.of(new long[] {200 * MS, 400 * MS}),
        Percentiles.of(new long[] {300 * MS, 900 * MS}),
        1000 * MS, 1500 * MS, 2000 * MS, 3, 1, unflagged, 0);
  }

  private static Report report(Tally tally, int lost) {
    return new Report("direct", List.of("eitaa", "bale"), 100, 256, 1000, 42, "realistic",
        "run1", tally, lost);
  }
}
