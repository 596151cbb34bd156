package io.peyvand.loadtests.bench.direct;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.peyvand.loadtests.bench.harness.CassandraCeiling;
import io.peyvand.loadtests.bench.harness.CpuSplit;
import io.peyvand.loadtests.bench.harness.Json;
import io.peyvand.loadtests.bench.harness.PathCost;
import io.peyvand.loadtests.bench.harness.Percentiles;
import io.peyvand.loadtests.bench.ledger.Tally;
import io.peyvand.protocol.v1.ErrorCode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The result of one scenario run: what was run, the account of the measured messages, the machine's
 * ceiling and where the CPU went, and the verdict. Printed as text (a one-line summary, then detail
 * lines) or as one JSON object with every field (written by hand: it is small). Latencies are in
 * milliseconds.
 *
 * @param lost accepted and not delivered within the grace period, warm-up messages included: a
 *     guarantee does not stop applying during warm-up
 * @param ceiling raw Cassandra inserts measured in the same run; null when not measured
 * @param rate messages per second offered in an open loop; 0 for the closed loop of {@code
 *     inFlight}
 * @param cpu the CPU split over the measured phase; null when not measured
 * @param cost what the measured phase cost in persists, asks, actor messages and Cassandra
 *     operations; null when not measured
 */
public record Report(
    String scenario,
    List<String> platforms,
    int users,
    int inFlight,
    int rate,
    int warmup,
    long seed,
    String sizeMix,
    String runId,
    Tally measured,
    int lost,
    CassandraCeiling.Result ceiling,
    CpuSplit.Result cpu,
    PathCost.Result cost) {

  /** Whether a guarantee was broken (or nothing was accepted at all): exit non-zero. */
  boolean failed() {
    return lost > 0 || measured.unflaggedDuplicates() > 0 || measured.accepted() == 0;
  }

  /** Delivered per second as a fraction of the Cassandra ceiling; -1 without a ceiling. */
  double ratio() {
    return ceiling == null
        ? -1
        : CassandraCeiling.ratio(measured.deliveredPerSecond(), ceiling.rowsPerSecond());
  }

  /**
   * The CPU microseconds per measured message of the parts whose name starts with {@code prefix}
   * (every broker node, or cassandra); -1 when unknown.
   */
  double cpuMicrosPerMessage(String prefix) {
    if (cpu == null || measured.messages() == 0) {
      return -1;
    }
    long nanos = 0;
    boolean found = false;
    for (CpuSplit.Share share : cpu.shares()) {
      if (share.name().startsWith(prefix)) {
        if (share.cpuNanos() < 0) {
          return -1;
        }
        nanos += share.cpuNanos();
        found = true;
      }
    }
    return found ? nanos / 1e3 / measured.messages() : -1;
  }

  /**
   * The one-line summary: {@code direct: accepted=N/s delivered=N/s p50=X ms p99=Y ms lost=0
   * unflagged-dups=0 cassandra-ceiling=N/s ratio=0.NN broker-cpu-per-msg=N
   * cassandra-cpu-per-msg=N}; p50 and p99 are submit-to-delivered, CPU in microseconds per measured
   * message (? when unknown).
   */
  String summary() {
    Tally t = measured;
    return String.format(
        Locale.ROOT,
        "%s: %saccepted=%.0f/s delivered=%.0f/s p50=%s ms"
            + " p99=%s ms lost=%d unflagged-dups=%d cassandra-ceiling=%s ratio=%s"
            + " broker-cpu-per-msg=%s cassandra-cpu-per-msg=%s",
        scenario,
        rate > 0 ? "offered=" + rate + "/s " : "",
        t.acceptedPerSecond(),
        t.deliveredPerSecond(),
        ms(t.submitToDelivered().value(0.5)),
        ms(t.submitToDelivered().value(0.99)),
        lost,
        t.unflaggedDuplicates(),
        ceiling == null ? "?" : String.format(Locale.ROOT, "%.0f/s", ceiling.rowsPerSecond()),
        ceiling == null ? "?" : String.format(Locale.ROOT, "%.3f", ratio()),
        micros(cpuMicrosPerMessage("broker")),
        micros(cpuMicrosPerMessage("cassandra")));
  }

  private static String micros(double value) {
    return value < 0 ? "?" : String.format(Locale.ROOT, "%.0fus", value);
  }

  /** The summary, then the details, the ceiling and the CPU splits, one per line. */
  String text() {
    StringBuilder out = new StringBuilder(summary()).append('\n').append("  ").append(line());
    if (ceiling != null) {
      out.append('\n')
          .append(
              String.format(
                  Locale.ROOT,
                  "  ceiling: %d raw inserts of %.0f"
                      + " bytes on average into Cassandra %s at %s, at most %d in flight: %.0f/s in"
                      + " %.1f s, %d failed",
                  ceiling.rows(),
                  ceiling.averageRowBytes(),
                  ceiling.cassandraVersion(),
                  ceiling.contactPoint(),
                  ceiling.inFlight(),
                  ceiling.rowsPerSecond(),
                  ceiling.nanos() / 1e9,
                  ceiling.failed()));
    }
    if (cpu != null) {
      out.append('\n').append("  measured phase ").append(cpu.line());
    }
    if (cost != null) {
      out.append('\n').append("  per message: ").append(cost.perMessage(measured.messages()));
    }
    if (ceiling != null && ceiling.cpu() != null) {
      out.append('\n').append("  ceiling ").append(ceiling.cpu().line());
    }
    return out.toString();
  }

  /** Every count of the measured phase on one line. */
  String line() {
    Tally t = measured;
    return String.format(
        Locale.ROOT,
        "%s: platforms=%d messages=%d accepted=%.0f/s delivered=%.0f/s"
            + " submit-accepted p50=%s ms p99=%s ms p99.9=%s ms max=%s ms"
            + " submit-delivered p50=%s ms p99=%s ms p99.9=%s ms max=%s ms"
            + " lost=%d unflagged-dups=%d redelivered=%d redelivered-unseen=%d refused=%d%s"
            + " unanswered=%d duplicates=%d"
            + " statuses=%d",
        scenario,
        platforms.size(),
        t.messages(),
        t.acceptedPerSecond(),
        t.deliveredPerSecond(),
        ms(t.submitToAccepted().value(0.5)),
        ms(t.submitToAccepted().value(0.99)),
        ms(t.submitToAccepted().value(0.999)),
        ms(t.submitToAccepted().max()),
        ms(t.submitToDelivered().value(0.5)),
        ms(t.submitToDelivered().value(0.99)),
        ms(t.submitToDelivered().value(0.999)),
        ms(t.submitToDelivered().max()),
        lost,
        t.unflaggedDuplicates(),
        t.redelivered(),
        t.redeliveredUnseen(),
        t.refusedTotal(),
        t.refused().isEmpty() ? "" : codes(t.refused()),
        t.unanswered(),
        t.duplicates(),
        t.statuses());
  }

  /** The same as one JSON object. */
  String json() {
    Tally t = measured;
    ObjectNode o = Json.object();
    o.put("scenario", scenario);
    o.put("platforms", platforms.size());
    platforms.forEach(o.putArray("platformIds")::add);
    o.put("users", users);
    o.put("inFlight", inFlight);
    o.put("rate", rate);
    o.put("warmup", warmup);
    o.put("seed", seed);
    o.put("sizeMix", sizeMix);
    o.put("runId", runId);
    o.put("messages", t.messages());
    o.put("accepted", t.accepted());
    o.put("acceptedPerSec", Json.fixed(t.acceptedPerSecond(), 1));
    o.put("delivered", t.delivered());
    o.put("deliveredPerSec", Json.fixed(t.deliveredPerSecond(), 1));
    o.set("submitAcceptedMs", latencies(t.submitToAccepted()));
    o.set("submitDeliveredMs", latencies(t.submitToDelivered()));
    o.put("lost", lost);
    o.put("unflaggedDups", t.unflaggedDuplicates());
    o.put("redelivered", t.redelivered());
    o.put("redeliveredUnseen", t.redeliveredUnseen());
    o.put("refused", t.refusedTotal());
    o.set("refusedByCode", Json.byCode(t.refused()));
    o.put("unanswered", t.unanswered());
    o.put("duplicates", t.duplicates());
    o.put("statuses", t.statuses());
    o.put("foreign", t.foreign());
    if (ceiling == null) {
      o.putNull("cassandraCeilingPerSec");
      o.putNull("ratio");
      o.putNull("ceiling");
    } else {
      o.put("cassandraCeilingPerSec", Json.fixed(ceiling.rowsPerSecond(), 1));
      o.put("ratio", Json.fixed(ratio(), 4));
      ObjectNode c = o.putObject("ceiling");
      c.put("contactPoint", ceiling.contactPoint());
      c.put("cassandraVersion", ceiling.cassandraVersion());
      c.put("rows", ceiling.rows());
      c.put("averageRowBytes", Json.fixed(ceiling.averageRowBytes(), 1));
      c.put("inFlight", ceiling.inFlight());
      c.put("seconds", Json.fixed(ceiling.nanos() / 1e9, 1));
      c.put("failed", ceiling.failed());
    }
    o.set("cpu", cpu == null ? null : cpu.json());
    o.set("ceilingCpu", ceiling == null || ceiling.cpu() == null ? null : ceiling.cpu().json());
    perMessage(o, "brokerCpuMicrosPerMsg", cpuMicrosPerMessage("broker"));
    perMessage(o, "cassandraCpuMicrosPerMsg", cpuMicrosPerMessage("cassandra"));
    o.set("cost", cost == null ? null : cost.json(measured.messages()));
    o.put("ok", !failed());
    return Json.text(o);
  }

  /** p50, p99, p99.9 and max in milliseconds, and the count. */
  static ObjectNode latencies(Percentiles p) {
    ObjectNode o = Json.object();
    o.put("p50", Json.ms(p.value(0.5)));
    o.put("p99", Json.ms(p.value(0.99)));
    o.put("p999", Json.ms(p.value(0.999)));
    o.put("max", Json.ms(p.max()));
    o.put("count", p.count());
    return o;
  }

  private static void perMessage(ObjectNode o, String name, double micros) {
    if (micros < 0) {
      o.putNull(name);
    } else {
      o.put(name, Json.fixed(micros, 1));
    }
  }

  /** Refusals as {@code (CODE=n,...)} for the text line. */
  private static String codes(Map<ErrorCode, Integer> refused) {
    return refused.entrySet().stream()
        .map(e -> e.getKey().name() + "=" + e.getValue())
        .collect(Collectors.joining(",", "(", ")"));
  }

  /** Nanoseconds as milliseconds with one decimal. */
  private static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
  }
}
