package io.peyvand.loadtests.bench.harness;

import java.io.IOException;
import java.net.URI;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * The broker's heap as its {@code GET /metrics} reports it: {@code jvm_heap_after_gc_bytes}, what
 * survived the latest collection (the gauge the Soak simulation watches; see the broker's
 * JvmMetrics), and {@code jvm_heap_used_bytes}. The benchmark sees the broker only from outside, so
 * to make "after GC" mean "after a full collection now" it first asks the broker's JVM for one with
 * {@code jcmd <pid> GC.run} when the broker runs on this machine (its pid known) and jcmd is on the
 * path; otherwise the gauge is whatever the latest collection left, and the reading says so.
 */
public final class BrokerHeap {

  /** One reading; {@code forcedGc} tells whether a full collection was asked for just before. */
  public record Reading(long afterGcBytes, long usedBytes, boolean forcedGc) {
    public String text() {
      return String.format(
          java.util.Locale.ROOT,
          "%.1f MiB%s",
          afterGcBytes / 1048576.0,
          forcedGc ? "" : " (no forced GC)");
    }
  }

  private final MetricsPage metrics;
  private final long brokerPid;

  /**
   * Reads {@code <scheme>://host:port/metrics}: HTTPS with {@code tls} (it trusts the CA), HTTP
   * without; {@code brokerPid} -1 when the broker is not a process of this machine.
   */
  public BrokerHeap(String hostPort, Optional<SSLContext> tls, long brokerPid) {
    this.metrics = new MetricsPage(hostPort, tls);
    this.brokerPid = brokerPid;
  }

  public URI uri() {
    return metrics.uri();
  }

  /** A full collection in the broker (if it can be asked for), then the gauges. */
  public Reading read() throws IOException, InterruptedException {
    boolean forced = forceGc();
    if (forced) {
      // The gauge is set by the collector's notification, on a JMX thread: give it a moment.
      Thread.sleep(500);
    }
    String page = metrics.text();
    OptionalLong afterGc = gauge(page, "jvm_heap_after_gc_bytes");
    OptionalLong used = gauge(page, "jvm_heap_used_bytes");
    if (afterGc.isEmpty() || used.isEmpty()) {
      throw new IOException(
          "GET " + metrics.uri() + " has no jvm_heap_after_gc_bytes or" + " jvm_heap_used_bytes");
    }
    return new Reading(afterGc.getAsLong(), used.getAsLong(), forced);
  }

  /** {@code jcmd <pid> GC.run}; false when there is no pid or it did not work. */
  private boolean forceGc() throws InterruptedException {
    if (brokerPid < 0) {
      return false;
    }
    try {
      Process jcmd =
          new ProcessBuilder("jcmd", Long.toString(brokerPid), "GC.run")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!jcmd.waitFor(60, TimeUnit.SECONDS)) {
        jcmd.destroyForcibly();
        return false;
      }
      return jcmd.exitValue() == 0;
    } catch (IOException noJcmd) {
      return false;
    }
  }

  /**
   * The value of an unlabelled gauge in the Prometheus text format ({@code name value} at the start
   * of a line; comments and other series ignored), or empty.
   */
  static OptionalLong gauge(String text, String name) {
    Matcher m =
        Pattern.compile(
                "(?m)^" + Pattern.quote(name) + "[ \\t]+([0-9.eE+-]+)[ \\t]*(?:[0-9]+)?[ \\t]*$")
            .matcher(text);
    if (!m.find()) {
      return OptionalLong.empty();
    }
    return OptionalLong.of((long) Double.parseDouble(m.group(1)));
  }
}
