package io.peyvand.broker.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchResultsTest {
  private static final long MS = 1_000_000;
  private static final long MIB = 1024 * 1024;

  @Test
  void theRecoverySummaryGivesTheMedianRecoveryOfEachVariant() {
    RecoveryResult result =
        new RecoveryResult(
            100_000,
            List.of(
                RecoveryResult.variant(
                    "without-snapshots",
                    RecoveryCommand.NEVER,
                    100_012,
                    90_000,
                    100_012,
                    130_000 * MS,
                    4_300 * MS,
                    4_100 * MS,
                    4_200 * MS),
                RecoveryResult.variant(
                    "with-snapshots", 200, 100_200, 90_150, 188, 2_000 * MS, 90 * MS, 80 * MS)),
            400_000 * MS);
    assertEquals(
        "recovery: events=100000 without-snapshots=4200 ms with-snapshots=80 ms" + " setup=400 s",
        result.summary());
    String[] lines = result.text().split("\n");
    assertEquals(result.summary(), lines[0]);
    assertEquals(
        "  without-snapshots (snapshot-every=1000000000): 100012 events (90000 messages,"
            + " with their acknowledgements and status confirmations); writing 100012 of them took"
            + " 130.0 s (769 events/s); recoveries 4300, 4100, 4200 ms",
        lines[1]);
    assertTrue(
        result
            .json()
            .contains(
                "{\"name\":\"with-snapshots\",\"snapshotEvery\":200,"
                    + "\"events\":100200,\"messages\":90150,\"written\":188,\"buildSec\":2.0,"
                    + "\"eventsPerSec\":94,"
                    + "\"recoveryMs\":[90,80],\"medianMs\":80,\"buildCpu\":null,\"recoveryCpu\":null}"),
        result.json());
  }

  @Test
  void aVariantWithoutRecoveriesHasNoMedian() {
    assertEquals(-1, RecoveryResult.variant("x", 1, 1, 1, 1, 1).medianNanos());
    assertEquals("?", RecoveryResult.ms(-1));
  }

  @Test
  void heapPerActiveMailboxIsTheGrowthOverTheCount() {
    MemoryResult result =
        new MemoryResult(
            100_000,
            200 * MIB,
            700 * MIB,
            150_000 * MS,
            null,
            1_000_000,
            "through the entities",
            60_000 * MS,
            401 * MIB / 2,
            201 * MIB,
            1000,
            1000,
            205 * MIB,
            4096 * MIB,
            300_000 * MS);
    assertEquals(500.0 * MIB / 100_000, result.bytesPerActive(), 1e-9);
    assertEquals(
        "memory: active=100000 heap-per-active-mailbox=5243 B idle-users=1000000"
            + " heap-fresh-node=200.5 MiB heap-with-idle=201.0 MiB setup=300 s",
        result.summary());
    assertFalse(result.failed());
    assertTrue(
        result
            .text()
            .contains(
                "\n  idle: 1000000 users written through the entities in"
                    + " 60.0 s; a fresh node holds 200.5 MiB before, 201.0 MiB after (+0.5 MiB); 1000 of 1000"
                    + " sampled recovered their stored consent (heap 205.0 MiB with the sample awake)"),
        result.text());
    assertTrue(
        result
            .json()
            .startsWith(
                "{\"scenario\":\"memory\",\"active\":100000," + "\"bytesPerActiveMailbox\":5243,"),
        result.json());
    assertTrue(result.json().endsWith("\"ok\":true}"), result.json());
  }

  @Test
  void anIdleUserThatDidNotRecoverWhatWasWrittenFailsTheRun() {
    MemoryResult result = new MemoryResult(1, 0, 0, 0, null, 10, "x", 0, 0, 0, 10, 9, 0, 0, 0);
    assertTrue(result.failed());
    assertTrue(result.json().endsWith("\"ok\":false}"));
  }

  @Test
  void heapPerItemOfNothingIsZero() {
    assertEquals(0, Heap.perItem(10, 20, 0));
    assertEquals(-5, Heap.perItem(20, 10, 2));
  }
}
