package io.peyvand.loadtests.bench.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.loadtests.bench.harness.BrokerHeap;
import io.peyvand.loadtests.bench.harness.Percentiles;
import io.peyvand.loadtests.bench.ledger.FanoutLedger.FanoutTally;
import io.peyvand.protocol.v1.ErrorCode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FanoutReportTest {
  private static final long MS = 1_000_000;
  private static final List<String> TWO = List.of("eitaa", "bale");

  @Test
  void theSummaryComparesTheLargeGroupWithTheSmallOneAndSaysTheChannelsWereSkipped() {
    FanoutReport report =
        report(
            2,
            List.of(group(10, 100 * MS, 0), group(10_000, 200 * MS, 0)),
            List.of(),
            List.of(),
            "BulkSubscribe answered INVALID_ARGUMENT");
    assertEquals(
        "fanout: group(10)=20 posts/s 20 deliveries/s p50=100.0 ms p99=100.0 ms"
            + " group(10000)=20 posts/s 10 deliveries/s p50=200.0 ms p99=200.0 ms"
            + " ratio(10000/10) deliveries/s=0.50 p50=2.00 lost=0 unflagged-dups=0 out-of-order=0"
            + " channel=skipped",
        report.summary());
    assertFalse(report.failed());
    assertTrue(
        report
            .text()
            .contains(
                "\n  channel part skipped: BulkSubscribe answered"
                    + " INVALID_ARGUMENT; the group part's results stand"),
        report.text());
  }

  @Test
  void rateLimitedPostsAreCountedWithTheHintToTurnTheLimitsOff() {
    FanoutTally limited =
        new FanoutTally(
            3,
            2,
            1,
            Map.of(ErrorCode.RATE_LIMITED, 1),
            0,
            4,
            4,
            0,
            0,
            0,
            0,
            0,
            100 * MS,
            200 * MS,
            Percentiles.of(new long[] {MS, MS}),
            Percentiles.of(new long[] {MS, MS, MS, MS}),
            Percentiles.of(new long[] {MS, MS}));
    FanoutReport report =
        report(
            3,
            List.of(
                new GroupFanout.Result(
                    "g10", 10, Map.of("eitaa", 10L), 0, 10, limited, 0, true, null)),
            List.of(),
            List.of(),
            null);
    assertFalse(report.failed(), "a refusal is not a broken guarantee");
    assertTrue(report.text().contains(" refused=1(RATE_LIMITED=1) unanswered=0"), report.text());
    assertTrue(
        report
            .text()
            .contains(
                "\n    posts were refused RATE_LIMITED: run the broker"
                    + " with the group and per-user limits off"),
        report.text());
    assertTrue(
        report.json().contains("\"refused\":1,\"refusedByCode\":{\"RATE_LIMITED\":1},"),
        report.json());
  }

  @Test
  void aLossInAnEarlierRoundFailsTheRunAndIsCounted() {
    FanoutReport report =
        report(
            2, List.of(group(10, 100 * MS, 0)), List.of(group(10, 100 * MS, 1)), List.of(), null);
    assertTrue(report.failed());
    assertTrue(report.summary().contains(" lost=1 "), report.summary());
  }

  @Test
  void theChannelsAreComparedLargeOverSmallAndTheJsonCarriesBoth() {
    FanoutReport report =
        report(
            2,
            List.of(),
            List.of(),
            List.of(channel(1_000, 40 * MS, 100L << 20), channel(1_000_000, 44 * MS, 110L << 20)),
            null);
    assertTrue(
        report
            .summary()
            .endsWith(
                "channel(1000) accepted p50=1.0 ms delivered-all"
                    + " p50=40.0 ms p99=40.0 ms heap-growth=+1.0MiB channel(1000000) accepted p50=1.0 ms"
                    + " delivered-all p50=44.0 ms p99=44.0 ms heap-growth=+1.0MiB ratio(1000000/1000)"
                    + " accepted p50=1.00 delivered-all p50=1.10 p99=1.10"),
        report.summary());
    String json = report.json();
    assertTrue(
        json.startsWith("{\"scenario\":\"fanout\",\"platformIds\":[\"eitaa\",\"bale\"],"), json);
    assertTrue(
        json.contains(
            "\"channelSkipped\":null,\"channels\":[{\"channel\":\"c1000\","
                + "\"subscribers\":1000,\"subscribersPerPlatform\":{\"eitaa\":500},"),
        json);
    assertTrue(json.contains("\"heapAfterGcAfterBytes\":116391936,\"heapForcedGc\":true"), json);
    assertTrue(json.endsWith("\"ok\":true}"), json);
  }

  /**
   * Two posts answered within 100 ms, each delivered to both platforms after {@code latency} (but
   * {@code lost} of the four deliveries), the last 200 ms (10 members) or 400 ms after the first
   * submit.
   */
  private static GroupFanout.Result group(int members, long latency, int lost) {
    FanoutTally t =
        new FanoutTally(
            2,
            2,
            0,
            Map.of(),
            0,
            4 - lost,
            4 - lost,
            lost,
            0,
            0,
            0,
            0,
            100 * MS,
            members == 10 ? 200 * MS : 400 * MS,
            Percentiles.of(new long[] {MS, MS}),
            Percentiles.of(new long[] {latency, latency}),
            Percentiles.of(new long[] {latency}));
    return new GroupFanout.Result(
        "g" + members, members, Map.of("eitaa", (long) members), 0, members, t, 0, true, null);
  }

  private static ChannelFanout.Result channel(int subscribers, long latency, long heap) {
    FanoutTally t =
        new FanoutTally(
            1,
            1,
            0,
            Map.of(),
            0,
            2,
            2,
            0,
            0,
            0,
            0,
            0,
            MS,
            latency,
            Percentiles.of(new long[] {MS}),
            Percentiles.of(new long[] {latency, latency}),
            Percentiles.of(new long[] {latency}));
    return new ChannelFanout.Result(
        "c" + subscribers,
        subscribers,
        Map.of("eitaa", (long) subscribers / 2),
        1,
        MS,
        MS,
        t,
        0,
        new BrokerHeap.Reading(heap, heap, true),
        new BrokerHeap.Reading(heap + (1L << 20), heap, true),
        0,
        null);
  }

  /** A fanout run on two platforms, 16 in flight, no warm-up, seed 42, realistic sizes. */
  private static FanoutReport report(
      int posts,
      List<GroupFanout.Result> groups,
      List<GroupFanout.Result> earlier,
      List<ChannelFanout.Result> channels,
      String skipped) {
    return new FanoutReport(
        TWO, posts, 16, 0, 0, 42, "realistic", "r1", groups, earlier, channels, skipped);
  }
}
