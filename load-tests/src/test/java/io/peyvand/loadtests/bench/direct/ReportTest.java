package io.peyvand.loadtests.bench.direct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.loadtests.bench.harness.CassandraCeiling;
import io.peyvand.loadtests.bench.harness.CpuSplit;
import io.peyvand.loadtests.bench.harness.PathCost;
import io.peyvand.loadtests.bench.harness.Percentiles;
import io.peyvand.loadtests.bench.ledger.Tally;
import io.peyvand.protocol.v1.ErrorCode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {
  private static final long MS = 1_000_000;

  @Test
  void theLineHasTheSummaryFieldsInMilliseconds() {
    Report r = report(tally(0, Map.of()), 0);
    assertEquals(
        "direct: platforms=2 messages=2 accepted=4/s delivered=2/s"
            + " submit-accepted p50=200.0 ms p99=400.0 ms p99.9=400.0 ms max=400.0 ms"
            + " submit-delivered p50=300.0 ms p99=900.0 ms p99.9=900.0 ms max=900.0 ms"
            + " lost=0 unflagged-dups=0 redelivered=3 redelivered-unseen=1 refused=0 unanswered=0"
            + " duplicates=0 statuses=2",
        r.line());
    assertFalse(r.failed());
  }

  @Test
  void theJsonHasTheSameFields() {
    String json = report(tally(1, Map.of(ErrorCode.UNAVAILABLE, 2)), 1).json();
    assertTrue(
        json.startsWith(
            "{\"scenario\":\"direct\",\"platforms\":2," + "\"platformIds\":[\"eitaa\",\"bale\"],"),
        json);
    assertTrue(json.contains("\"acceptedPerSec\":4.0,"), json);
    assertTrue(
        json.contains(
            "\"submitAcceptedMs\":{\"p50\":200.0,\"p99\":400.0,"
                + "\"p999\":400.0,\"max\":400.0,\"count\":2}"),
        json);
    assertTrue(json.contains("\"brokerCpuMicrosPerMsg\":null,"), json);
    assertTrue(
        json.contains(
            "\"lost\":1,\"unflaggedDups\":1,\"redelivered\":3,"
                + "\"redeliveredUnseen\":1,\"refused\":2,\"refusedByCode\":{\"UNAVAILABLE\":2},"),
        json);
    assertTrue(json.endsWith("\"ok\":false}"), json);
  }

  @Test
  void aLostMessageAnUnflaggedDuplicateOrNothingAcceptedFailsTheRun() {
    assertTrue(report(tally(0, Map.of()), 1).failed());
    assertTrue(report(tally(1, Map.of()), 0).failed());
    Tally nothing =
        new Tally(
            5,
            0,
            0,
            Map.of(),
            5,
            0,
            0,
            0,
            Percentiles.of(new long[0]),
            Percentiles.of(new long[0]),
            0,
            -1,
            -1,
            0,
            0,
            0,
            0);
    assertTrue(report(nothing, 0).failed());
    assertTrue(
        report(tally(0, Map.of(ErrorCode.UNAVAILABLE, 1)), 0)
            .line()
            .contains(" refused=1(UNAVAILABLE=1) "));
  }

  private static Tally tally(long unflagged, Map<ErrorCode, Integer> refused) {
    return new Tally(
        2,
        2,
        0,
        refused,
        0,
        2,
        0,
        2,
        Percentiles.of(new long[] {200 * MS, 400 * MS}),
        Percentiles.of(new long[] {300 * MS, 900 * MS}),
        1000 * MS,
        1500 * MS,
        2000 * MS,
        3,
        1,
        unflagged,
        0);
  }

  private static Report report(Tally tally, int lost) {
    return report(0, tally, lost, null, null, null);
  }

  /** A direct run of 2 platforms, 100 users, 256 in flight, 1000 warm-up messages, seed 42. */
  private static Report report(
      int rate,
      Tally tally,
      int lost,
      CassandraCeiling.Result ceiling,
      CpuSplit.Result cpu,
      PathCost.Result cost) {
    return new Report(
        "direct",
        List.of("eitaa", "bale"),
        100,
        256,
        rate,
        1000,
        42,
        "realistic",
        "run1",
        tally,
        lost,
        ceiling,
        cpu,
        cost);
  }

  private static Report withCeiling(Tally tally) {
    // 50,000 rows in 2 s: 25,000 rows/s.
    CassandraCeiling.Result ceiling =
        new CassandraCeiling.Result(
            "127.0.0.1:9042", "5.0.4", 50_000, 180.4, 256, 2_000_000_000L, 0, null);
    CpuSplit.Result cpu =
        new CpuSplit.Result(
            List.of(
                new CpuSplit.Share("broker", 10, 1_500_000_000L),
                new CpuSplit.Share("cassandra", 11, 500_000_000L),
                new CpuSplit.Share("bench", 12, -1)),
            2_000_000_000L,
            2,
            2_400_000_000L);
    return report(0, tally, 0, ceiling, cpu, null);
  }

  @Test
  void theSummaryLineHasThroughputLatencyGuaranteesAndTheCeilingRatio() {
    Report r = withCeiling(tally(0, Map.of()));
    // 2 delivered in 1 s (first submit at 1000 ms, last delivery at 2000 ms) of 25,000/s.
    assertEquals(
        "direct: accepted=4/s delivered=2/s p50=300.0 ms p99=900.0 ms lost=0"
            + " unflagged-dups=0 cassandra-ceiling=25000/s ratio=0.000 broker-cpu-per-msg=750000us"
            + " cassandra-cpu-per-msg=250000us",
        r.summary());
    assertEquals(2.0 / 25_000, r.ratio(), 1e-12);
    String[] lines = r.text().split("\n");
    assertEquals(r.summary(), lines[0]);
    assertEquals(
        "  ceiling: 50000 raw inserts of 180 bytes on average into Cassandra 5.0.4 at"
            + " 127.0.0.1:9042, at most 256 in flight: 25000/s in 2.0 s, 0 failed",
        lines[2]);
    assertEquals(
        "  measured phase cpu: broker=1.5s(38%) cassandra=0.5s(13%) bench=?"
            + " other=0.4s(10%) idle=40% wall=2.0s cores=2",
        lines[3]);
  }

  @Test
  void withoutACeilingTheSummarySaysUnknown() {
    Report r = report(tally(0, Map.of()), 0);
    assertTrue(
        r.summary()
            .endsWith(
                " cassandra-ceiling=? ratio=? broker-cpu-per-msg=?" + " cassandra-cpu-per-msg=?"),
        r.summary());
    assertEquals(-1, r.ratio());
    assertTrue(r.json().contains("\"cassandraCeilingPerSec\":null,\"ratio\":null,"), r.json());
  }

  @Test
  void theJsonCarriesTheCeilingAndTheCpuSplit() {
    String json = withCeiling(tally(0, Map.of())).json();
    assertTrue(json.contains("\"cassandraCeilingPerSec\":25000.0,\"ratio\":0.0001,"), json);
    assertTrue(
        json.contains(
            "\"ceiling\":{\"contactPoint\":\"127.0.0.1:9042\","
                + "\"cassandraVersion\":\"5.0.4\",\"rows\":50000,\"averageRowBytes\":180.4,"
                + "\"inFlight\":256,\"seconds\":2.0,\"failed\":0}"),
        json);
    assertTrue(
        json.contains(
            "\"cpu\":{\"broker\":{\"pid\":10,\"cpuSec\":1.50,"
                + "\"percent\":37.5},\"cassandra\":{\"pid\":11,\"cpuSec\":0.50,\"percent\":12.5},"
                + "\"bench\":null,\"otherPercent\":10.0,\"wallSec\":2.00,\"cores\":2},"
                + "\"ceilingCpu\":null,\"brokerCpuMicrosPerMsg\":750000.0,"
                + "\"cassandraCpuMicrosPerMsg\":250000.0,\"cost\":null,"),
        json);
  }

  @Test
  void anOpenLoopSaysTheRateItOffered() {
    Report r = report(1000, tally(0, Map.of()), 0, null, null, null);
    assertTrue(r.summary().startsWith("direct: offered=1000/s accepted=4/s "), r.summary());
    assertTrue(r.json().contains("\"rate\":1000,"), r.json());
  }

  @Test
  void theCostIsPrintedPerMeasuredMessage() {
    PathCost.Result cost =
        new PathCost.Result(
            Map.of(
                "peyvand_journal_writes_total",
                10.0,
                "peyvand_journal_write_seconds_count",
                4.0,
                "peyvand_asks_total",
                2.0,
                "jvm_threads_started_total",
                0.0,
                "peyvand_actor_messages_total{actor=\"UserMailbox\"}",
                12.0,
                "peyvand_actor_messages_total{actor=\"system/session\"}",
                4.0),
            Map.of("peyvand.messages", 6L, "peyvand.pending_mailboxes", 0L),
            Map.of("peyvand.messages", 1L));
    assertEquals(
        "persists=5.00 journal-requests=2.00 asks=1.00 actor-messages=8.00"
            + " (UserMailbox=6.00 system/session=2.00) threads-started=0.00"
            + " cassandra-writes=3.00 (peyvand.messages=3.00) cassandra-reads=0.50"
            + " (peyvand.messages=0.50)",
        cost.perMessage(2));
    Report r = report(0, tally(0, Map.of()), 0, null, null, cost);
    assertTrue(r.text().contains("\n  per message: persists=5.00 "), r.text());
    assertTrue(r.json().contains("\"cassandraWrites\":{\"peyvand.messages\":3.000}"), r.json());
  }
}
