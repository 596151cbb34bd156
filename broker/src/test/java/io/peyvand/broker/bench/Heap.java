package io.peyvand.broker.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * The heap the JVM keeps after a full collection: what the live objects take, the figure that grows
 * with the mailboxes a node holds. {@link #usedAfterGc} asks for a collection a few times and waits
 * for the used heap to stop shrinking (System.gc() is only a request, and reference processing and
 * finalizers may free more on the next cycle); the smallest reading counts.
 */
final class Heap {
  private Heap() {}

  /** Bytes of heap in use after forcing garbage collection. */
  static long usedAfterGc() throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long smallest = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      memory.gc();
      Thread.sleep(200);
      long used = memory.getHeapMemoryUsage().getUsed();
      if (used >= smallest - smallest / 200) {
        return Math.min(used, smallest); // stable within 0.5%
      }
      smallest = Math.min(smallest, used);
    }
    return smallest;
  }

  /** The heap's maximum (-Xmx), for the report. */
  static long max() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
  }

  /** Heap growth per item, in bytes (0 for no items). */
  static double perItem(long before, long after, long items) {
    return items <= 0 ? 0 : (double) (after - before) / items;
  }
}
