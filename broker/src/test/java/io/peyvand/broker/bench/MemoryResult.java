package io.peyvand.broker.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.peyvand.loadtests.bench.harness.CpuSplit;
import io.peyvand.loadtests.bench.harness.Json;
import java.util.Locale;

/**
 * What the memory scenario measured: heap after a full collection before and after activating
 * {@code active} mailboxes in one node, and in a fresh node while {@code idle} users exist only in
 * the journal.
 *
 * @param baselineHeap a started node, before the active mailboxes
 * @param activeHeap the same node with {@code active} mailboxes in memory
 * @param idleSeeding how the idle users' events were written
 * @param freshHeap a fresh node before the idle users were written
 * @param idleHeap a fresh node after they were written (none of them in memory)
 * @param sampled idle users woken afterwards to check they were stored as the journal reads them
 * @param sampledOk of those, the ones that recovered the consent their event records
 * @param sampledHeap the fresh node with the sampled users in memory
 */
record MemoryResult(
    long active,
    long baselineHeap,
    long activeHeap,
    long activateNanos,
    CpuSplit.Result activateCpu,
    long idle,
    String idleSeeding,
    long seedNanos,
    long freshHeap,
    long idleHeap,
    int sampled,
    int sampledOk,
    long sampledHeap,
    long maxHeap,
    long setupNanos) {

  double bytesPerActive() {
    return Heap.perItem(baselineHeap, activeHeap, active);
  }

  /** Whether every sampled idle user recovered what was written for it. */
  boolean failed() {
    return sampledOk < sampled;
  }

  /**
   * {@code memory: active=100000 heap-per-active-mailbox=5321 B idle-users=1000000
   * heap-fresh-node=60.2 MiB heap-with-idle=61.0 MiB setup=312 s}: the last two are fresh nodes
   * before and after the idle users were written.
   */
  String summary() {
    return String.format(
        Locale.ROOT,
        "memory: active=%d heap-per-active-mailbox=%.0f B"
            + " idle-users=%d heap-fresh-node=%s heap-with-idle=%s setup=%.0f s",
        active,
        bytesPerActive(),
        idle,
        mib(freshHeap),
        mib(idleHeap),
        setupNanos / 1e9);
  }

  String text() {
    StringBuilder out = new StringBuilder(summary());
    out.append('\n')
        .append(
            String.format(
                Locale.ROOT,
                "  active: heap %s -> %s after %d"
                    + " mailboxes (one accepted message each) activated in %.1f s (%.0f/s); max heap %s",
                mib(baselineHeap),
                mib(activeHeap),
                active,
                activateNanos / 1e9,
                activateNanos <= 0 ? 0 : active * 1e9 / activateNanos,
                mib(maxHeap)));
    if (activateCpu != null) {
      out.append("\n    activating ").append(activateCpu.line());
    }
    out.append('\n')
        .append(
            String.format(
                Locale.ROOT,
                "  idle: %d users written %s in %.1f s;"
                    + " a fresh node holds %s before, %s after (%+.1f MiB); %d of %d sampled recovered"
                    + " their stored consent (heap %s with the sample awake)",
                idle,
                idleSeeding,
                seedNanos / 1e9,
                mib(freshHeap),
                mib(idleHeap),
                (idleHeap - freshHeap) / 1048576.0,
                sampledOk,
                sampled,
                mib(sampledHeap)));
    return out.toString();
  }

  String json() {
    ObjectNode o = Json.object();
    o.put("scenario", "memory");
    o.put("active", active);
    o.put("bytesPerActiveMailbox", Json.fixed(bytesPerActive(), 0));
    o.put("baselineHeapBytes", baselineHeap);
    o.put("activeHeapBytes", activeHeap);
    o.put("activateSec", Json.fixed(activateNanos / 1e9, 1));
    o.set("activateCpu", activateCpu == null ? null : activateCpu.json());
    o.put("idleUsers", idle);
    o.put("idleSeeding", idleSeeding);
    o.put("seedSec", Json.fixed(seedNanos / 1e9, 1));
    o.put("freshHeapBytes", freshHeap);
    o.put("idleHeapBytes", idleHeap);
    o.put("sampled", sampled);
    o.put("sampledOk", sampledOk);
    o.put("sampledHeapBytes", sampledHeap);
    o.put("maxHeapBytes", maxHeap);
    o.put("setupSec", Json.fixed(setupNanos / 1e9, 1));
    o.put("ok", !failed());
    return Json.text(o);
  }

  static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
  }
}
