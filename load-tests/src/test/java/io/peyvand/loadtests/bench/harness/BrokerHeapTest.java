package io.peyvand.loadtests.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class BrokerHeapTest {
  private static final String METRICS =
      """
      # HELP jvm_heap_used_bytes Heap in use.
      # TYPE jvm_heap_used_bytes gauge
      jvm_heap_used_bytes 123456789
      jvm_heap_after_gc_bytes_total_pools{pool="G1 Old Gen"} 5
      # TYPE jvm_heap_after_gc_bytes gauge
      jvm_heap_after_gc_bytes 4.2E7
      peyvand_sessions{platform="bale"} 1
      """;

  @Test
  void anUnlabelledGaugeIsReadFromItsOwnLineOnly() {
    assertEquals(OptionalLong.of(123_456_789), BrokerHeap.gauge(METRICS, "jvm_heap_used_bytes"));
    assertEquals(OptionalLong.of(42_000_000), BrokerHeap.gauge(METRICS, "jvm_heap_after_gc_bytes"));
    assertEquals(OptionalLong.empty(), BrokerHeap.gauge(METRICS, "jvm_heap_max_bytes"));
    assertEquals(
        OptionalLong.empty(),
        BrokerHeap.gauge(METRICS, "peyvand_sessions"),
        "a labelled series is not the unlabelled gauge");
  }
}
