package io.peyvand.broker.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The JVM's gauges in /metrics, read back as a scraper reads them. */
class JvmMetricsTest {
  private static final Pattern SAMPLE =
      Pattern.compile("^([a-z_]+)(\\{[a-z]+=\"([^\"]*)\"\\})? ([0-9.E+-]+)$");

  /** name, or name{label}, to value; fails on a line that is neither a comment nor a sample. */
  private static Map<String, Double> scrape() {
    Map<String, Double> samples = new HashMap<>();
    List<String> declared = new ArrayList<>();
    for (String line : Rendered.text(JvmMetrics::registerIn).split("\n")) {
      if (line.startsWith("# TYPE ")) {
        declared.add(line.split(" ")[2]);
        continue;
      }
      if (line.startsWith("# HELP ")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      assertTrue(m.matches(), "not a Prometheus sample: " + line);
      assertTrue(declared.contains(m.group(1)), "sample before its TYPE line: " + line);
      String key = m.group(3) == null ? m.group(1) : m.group(1) + "{" + m.group(3) + "}";
      assertFalse(samples.containsKey(key), "two samples of " + key);
      samples.put(key, Double.parseDouble(m.group(4)));
    }
    return samples;
  }

  @Test
  void heapGaugesAreConsistentWithEachOther() {
    Map<String, Double> s = scrape();
    double used = s.get("jvm_heap_used_bytes");
    double committed = s.get("jvm_heap_committed_bytes");
    double max = s.get("jvm_heap_max_bytes");
    assertTrue(used > 0 && used <= committed, s.toString());
    assertTrue(max < 0 || committed <= max, s.toString()); // max is -1 when undefined
    assertTrue(s.get("jvm_threads_live") >= 1, s.toString());
  }

  @Test
  void heapAfterCollectionIsWhatTheLatestCollectionLeftOverEveryHeapPool()
      throws InterruptedException {
    long before = JvmMetrics.collectionsReported(); // also registers the listener
    byte[][] kept = new byte[256][]; // 16 MiB that survive the collection
    for (int i = 0; i < kept.length; i++) {
      kept[i] = new byte[64 * 1024];
    }
    System.gc();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (JvmMetrics.collectionsReported() == before && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(JvmMetrics.collectionsReported() > before, "the collection was reported");
    Map<String, Double> s = scrape();
    assertEquals(256, kept.length);
    double afterGc = s.get("jvm_heap_after_gc_bytes");
    assertTrue(afterGc >= 16 * 1024 * 1024, "what survives the collection counts: " + s);
    assertTrue(afterGc <= s.get("jvm_heap_committed_bytes"), s.toString());
    double pools =
        s.entrySet().stream()
            .filter(e -> e.getKey().startsWith("jvm_memory_pool_after_gc_bytes{"))
            .mapToDouble(Map.Entry::getValue)
            .sum();
    assertEquals(afterGc, pools, 0.5, "the collection reported every heap pool: " + s);
    assertTrue(
        s.keySet().stream().anyMatch(k -> k.startsWith("jvm_memory_pool_used_bytes{")),
        s.toString());
  }

  @Test
  void collectionsAreCountedPerCollector() {
    System.gc();
    Map<String, Double> s = scrape();
    double collections =
        s.entrySet().stream()
            .filter(e -> e.getKey().startsWith("jvm_gc_collections_total{"))
            .mapToDouble(Map.Entry::getValue)
            .sum();
    assertTrue(collections >= 1, "System.gc() was counted: " + s);
    assertTrue(
        s.keySet().stream().anyMatch(k -> k.startsWith("jvm_gc_collection_seconds_total{")),
        s.toString());
  }
}
