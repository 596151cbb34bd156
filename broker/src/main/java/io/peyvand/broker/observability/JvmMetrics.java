package io.peyvand.broker.observability;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;

/**
 * The JVM's memory, threads and garbage collection in the Prometheus text format, read from the
 * platform MXBeans on every scrape (no state, no registration).
 *
 * <p>Heap in use ({@code jvm_heap_used_bytes}) is a sawtooth: it climbs with every allocation and
 * drops at each collection, so it cannot tell a leak from a busy node. What a leak shows in is
 * what survives collections: {@code jvm_heap_after_gc_bytes} adds up, over the heap's pools, the
 * use each pool had right after its latest collection (with G1, Eden is empty then and the sum is
 * the survivors plus the old generation). A soak test watches that value stay flat under steady
 * load; the per-pool gauges and the collection counters say where a change came from.
 */
final class JvmMetrics {
  private JvmMetrics() {
  }

  /** Appends the JVM's gauges and counters to {@code out}. */
  static void render(StringBuilder out) {
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    Prometheus.gauge(out, "jvm_heap_used_bytes", "heap in use", heap.getUsed());
    Prometheus.gauge(out, "jvm_heap_committed_bytes", "heap committed by the JVM",
        heap.getCommitted());
    Prometheus.gauge(out, "jvm_heap_max_bytes", "maximum heap", heap.getMax());
    List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP && p.isValid()).toList();
    long afterGc = 0;
    for (MemoryPoolMXBean pool : pools) {
      MemoryUsage collected = pool.getCollectionUsage();
      afterGc += collected == null ? 0 : collected.getUsed();
    }
    Prometheus.gauge(out, "jvm_heap_after_gc_bytes", "heap in use right after the latest"
        + " collection of each heap pool, summed over the pools: the live set, flat unless"
        + " memory leaks", afterGc);
    Prometheus.header(out, "jvm_memory_pool_used_bytes", "gauge", "heap pool in use, by pool");
    for (MemoryPoolMXBean pool : pools) {
      Prometheus.sample(out, "jvm_memory_pool_used_bytes", "pool", pool.getName(),
          pool.getUsage().getUsed());
    }
    Prometheus.header(out, "jvm_memory_pool_after_gc_bytes", "gauge",
        "heap pool in use right after its latest collection, by pool");
    for (MemoryPoolMXBean pool : pools) {
      MemoryUsage collected = pool.getCollectionUsage();
      Prometheus.sample(out, "jvm_memory_pool_after_gc_bytes", "pool", pool.getName(),
          collected == null ? 0 : collected.getUsed());
    }
    List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
    Prometheus.header(out, "jvm_gc_collections_total", "counter", "collections, by collector");
    for (GarbageCollectorMXBean gc : collectors) {
      Prometheus.sample(out, "jvm_gc_collections_total", "collector", gc.getName(),
          Math.max(0, gc.getCollectionCount()));
    }
    Prometheus.header(out, "jvm_gc_collection_seconds_total", "counter",
        "time spent collecting (accumulated elapsed time), by collector");
    for (GarbageCollectorMXBean gc : collectors) {
      Prometheus.sample(out, "jvm_gc_collection_seconds_total", "collector", gc.getName(),
          Math.max(0, gc.getCollectionTime()) / 1000.0);
    }
    Prometheus.gauge(out, "jvm_threads_live", "live threads",
        ManagementFactory.getThreadMXBean().getThreadCount());
  }
}
