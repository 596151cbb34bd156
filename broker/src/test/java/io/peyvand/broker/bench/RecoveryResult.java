package io.peyvand.broker.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.peyvand.loadtests.bench.harness.CpuSplit;
import io.peyvand.loadtests.bench.harness.Json;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What the recovery scenario measured: for each variant (without snapshots, with), the mailbox's
 * events then, how long writing them took, and how long each recovery took in a fresh node.
 */
record RecoveryResult(long targetEvents, List<Variant> variants, long setupNanos) {
  RecoveryResult {
    variants = List.copyOf(variants);
  }

  /**
   * One variant.
   *
   * @param snapshotEvery peyvand.mailbox.snapshot-every of the nodes (a huge value: never)
   * @param events events the mailbox wrote (the journal's highest sequence number)
   * @param messages messages it accepted
   * @param written events written by this variant's writing phase (all of them for the first; those
   *     up to the snapshot for the variant with snapshots)
   * @param buildNanos how long that writing took (a recovery included for the second)
   * @param recoveryNanos each recovery: from the first command to a fresh node until its answer
   * @param buildCpu the CPU split while building
   * @param recoveryCpu the CPU split of the last recovery
   */
  record Variant(
      String name,
      int snapshotEvery,
      long events,
      long messages,
      long written,
      long buildNanos,
      List<Long> recoveryNanos,
      CpuSplit.Result buildCpu,
      CpuSplit.Result recoveryCpu) {
    Variant {
      recoveryNanos = List.copyOf(recoveryNanos);
    }

    /** The median recovery (the lower middle one for an even count); -1 without any. */
    long medianNanos() {
      if (recoveryNanos.isEmpty()) {
        return -1;
      }
      long[] sorted = recoveryNanos.stream().mapToLong(Long::longValue).sorted().toArray();
      return sorted[(sorted.length - 1) / 2];
    }

    double eventsPerSecond() {
      return buildNanos <= 0 ? 0 : written * 1e9 / buildNanos;
    }
  }

  /**
   * {@code recovery: events=100000 with-snapshots=85 ms without-snapshots=4210 ms setup=260 s}:
   * median recovery per variant.
   */
  String summary() {
    String each =
        variants.stream()
            .map(v -> v.name() + "=" + ms(v.medianNanos()) + " ms")
            .collect(Collectors.joining(" "));
    return String.format(
        Locale.ROOT, "recovery: events=%d %s setup=%.0f s", targetEvents, each, setupNanos / 1e9);
  }

  /** The summary, then one line per variant and its CPU splits. */
  String text() {
    StringBuilder out = new StringBuilder(summary());
    for (Variant v : variants) {
      out.append('\n')
          .append(
              String.format(
                  Locale.ROOT,
                  "  %s (snapshot-every=%d): %d events (%d messages, with their acknowledgements and"
                      + " status confirmations); writing %d of them took %.1f s (%.0f events/s);"
                      + " recoveries %s ms",
                  v.name(),
                  v.snapshotEvery(),
                  v.events(),
                  v.messages(),
                  v.written(),
                  v.buildNanos() / 1e9,
                  v.eventsPerSecond(),
                  v.recoveryNanos().stream()
                      .map(RecoveryResult::ms)
                      .collect(Collectors.joining(", "))));
      if (v.buildCpu() != null) {
        out.append("\n    building ").append(v.buildCpu().line());
      }
      if (v.recoveryCpu() != null) {
        out.append("\n    last recovery ").append(v.recoveryCpu().line());
      }
    }
    return out.toString();
  }

  String json() {
    ObjectNode o = Json.object();
    o.put("scenario", "recovery");
    o.put("targetEvents", targetEvents);
    o.put("setupSec", Json.fixed(setupNanos / 1e9, 1));
    ArrayNode all = o.putArray("variants");
    for (Variant v : variants) {
      ObjectNode n = all.addObject();
      n.put("name", v.name());
      n.put("snapshotEvery", v.snapshotEvery());
      n.put("events", v.events());
      n.put("messages", v.messages());
      n.put("written", v.written());
      n.put("buildSec", Json.fixed(v.buildNanos() / 1e9, 1));
      n.put("eventsPerSec", Json.fixed(v.eventsPerSecond(), 0));
      ArrayNode recoveries = n.putArray("recoveryMs");
      v.recoveryNanos().forEach(r -> recoveries.add(Json.fixed(r / 1e6, 0)));
      if (v.medianNanos() < 0) {
        n.putNull("medianMs");
      } else {
        n.put("medianMs", Json.fixed(v.medianNanos() / 1e6, 0));
      }
      n.set("buildCpu", v.buildCpu() == null ? null : v.buildCpu().json());
      n.set("recoveryCpu", v.recoveryCpu() == null ? null : v.recoveryCpu().json());
    }
    return Json.text(o);
  }

  static String ms(long nanos) {
    return nanos < 0 ? "?" : String.format(Locale.ROOT, "%.0f", nanos / 1e6);
  }

  /** For tests: a variant without CPU figures. */
  static Variant variant(
      String name,
      int every,
      long events,
      long messages,
      long written,
      long buildNanos,
      long... recoveries) {
    return new Variant(
        name,
        every,
        events,
        messages,
        written,
        buildNanos,
        Arrays.stream(recoveries).boxed().toList(),
        null,
        null);
  }
}
