package io.peyvand.broker.observability;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The JVM's memory, threads and garbage collection in the Prometheus text format, read from the
 * platform MXBeans on every scrape, and from the collectors' notifications.
 *
 * <p>Heap in use ({@code jvm_heap_used_bytes}) is a sawtooth: it climbs with every allocation and
 * drops at each collection, so it cannot tell a leak from a busy node. What a leak shows in is what
 * survives collections: {@code jvm_heap_after_gc_bytes} is the heap in use right after the latest
 * collection, summed over the heap's pools as the collector reported them at its end (with G1, a
 * young collection reports Eden empty, the survivors and the old generation as it is then). A
 * pool's own "collection usage" cannot serve: G1 updates the old generation's only when that
 * generation itself is collected, so the sum would miss the old generation between full
 * collections. The listener is registered once per JVM, when the node's Metrics is made; before the
 * first collection the gauge is the heap in use. A soak test watches it stay flat under steady
 * load; the per-pool gauges and the collection counters say where a change came from.
 */
final class JvmMetrics {
  /** Heap in use after the latest collection, or -1 before the first one. */
  private static final AtomicLong heapAfterGc = new AtomicLong(-1);

  /** Each heap pool's use after the latest collection that reported it. */
  private static final Map<String, Long> poolsAfterGc = new ConcurrentHashMap<>();

  /** Collections reported to the listener so far. */
  private static final AtomicLong reported = new AtomicLong();

  static {
    Set<String> heapPools =
        ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP)
            .map(MemoryPoolMXBean::getName)
            .collect(Collectors.toUnmodifiableSet());
    NotificationListener listener =
        (notification, handback) -> {
          if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
              notification.getType())) {
            return;
          }
          GcInfo info =
              GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData())
                  .getGcInfo();
          long total = 0;
          for (Map.Entry<String, MemoryUsage> pool : info.getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(pool.getKey())) {
              total += pool.getValue().getUsed();
              poolsAfterGc.put(pool.getKey(), pool.getValue().getUsed());
            }
          }
          heapAfterGc.set(total);
          reported.incrementAndGet();
        };
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(listener, null, null);
      }
    }
  }

  private JvmMetrics() {}

  /** How many collections the listener has been told of (notifications come on a JMX thread). */
  static long collectionsReported() {
    return reported.get();
  }

  /** Adds the JVM's gauges and counters to a node's registry, read on each scrape. */
  static void registerIn(PrometheusRegistry registry) {
    gauge(registry, "jvm_heap_used_bytes", "heap in use", () -> heap().getUsed());
    gauge(
        registry,
        "jvm_heap_committed_bytes",
        "heap committed by the JVM",
        () -> heap().getCommitted());
    gauge(registry, "jvm_heap_max_bytes", "maximum heap", () -> heap().getMax());
    gauge(
        registry,
        "jvm_heap_after_gc_bytes",
        "heap in use right after the latest"
            + " collection, over the heap pools (before the first collection: heap in use): the"
            + " live set, flat unless memory leaks",
        () -> {
          long afterGc = heapAfterGc.get();
          return afterGc < 0 ? heap().getUsed() : afterGc;
        });
    registry.register(
        GaugeWithCallback.builder()
            .name("jvm_memory_pool_used_bytes")
            .help("heap pool in use, by pool")
            .labelNames("pool")
            .callback(
                out ->
                    heapPools()
                        .forEach(pool -> out.call(pool.getUsage().getUsed(), pool.getName())))
            .build());
    registry.register(
        GaugeWithCallback.builder()
            .name("jvm_memory_pool_after_gc_bytes")
            .help("heap pool in use right after the latest collection that reported it, by pool")
            .labelNames("pool")
            .callback(
                out ->
                    heapPools()
                        .forEach(
                            pool -> {
                              Long collected = poolsAfterGc.get(pool.getName());
                              out.call(
                                  collected != null ? collected : pool.getUsage().getUsed(),
                                  pool.getName());
                            }))
            .build());
    registry.register(
        CounterWithCallback.builder()
            .name("jvm_gc_collections_total")
            .help("collections, by collector")
            .labelNames("collector")
            .callback(
                out ->
                    ManagementFactory.getGarbageCollectorMXBeans()
                        .forEach(
                            gc -> out.call(Math.max(0, gc.getCollectionCount()), gc.getName())))
            .build());
    registry.register(
        CounterWithCallback.builder()
            .name("jvm_gc_collection_seconds_total")
            .help("time spent collecting (accumulated elapsed time), by collector")
            .labelNames("collector")
            .callback(
                out ->
                    ManagementFactory.getGarbageCollectorMXBeans()
                        .forEach(
                            gc ->
                                out.call(
                                    Math.max(0, gc.getCollectionTime()) / 1000.0, gc.getName())))
            .build());
    gauge(
        registry,
        "jvm_threads_live",
        "live threads",
        () -> ManagementFactory.getThreadMXBean().getThreadCount());
    registry.register(
        CounterWithCallback.builder()
            .name("jvm_threads_started_total")
            .help("threads started since the JVM started (a thread per task shows here)")
            .callback(
                out -> out.call(ManagementFactory.getThreadMXBean().getTotalStartedThreadCount()))
            .build());
  }

  /** A gauge without labels, read from {@code value} on each scrape. */
  static void gauge(PrometheusRegistry registry, String name, String help, DoubleSupplier value) {
    registry.register(
        GaugeWithCallback.builder()
            .name(name)
            .help(help)
            .callback(out -> out.call(value.getAsDouble()))
            .build());
  }

  private static MemoryUsage heap() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
  }

  private static List<MemoryPoolMXBean> heapPools() {
    return ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP && p.isValid())
        .toList();
  }
}
