package io.peyvand.broker.observability;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A registry's metrics in the Prometheus text format (0.0.4), written by the Prometheus Java
 * client's own writer. One addition: that writer leaves out a family without any series yet
 * (per-platform counters before the first platform's traffic), while dashboards and alert rules are
 * checked against the {@code # TYPE} lines of a fresh node (cluster-config's DashboardTest and
 * AlertRulesTest), so such a family is still announced by its {@code # HELP} and {@code # TYPE}
 * lines.
 */
final class Prometheus {
  /** Latency buckets, in seconds (+Inf follows): 1 ms to 10 s, the ask timeout's order. */
  static final double[] LATENCY_BOUNDS = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.create();

  private Prometheus() {}

  static String text(PrometheusRegistry registry) {
    MetricSnapshots snapshots = registry.scrape();
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
    try {
      WRITER.write(out, snapshots);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    StringBuilder text = new StringBuilder(out.toString(StandardCharsets.UTF_8));
    for (MetricSnapshot snapshot : snapshots) {
      if (snapshot.getDataPoints().isEmpty()) {
        MetricMetadata meta = snapshot.getMetadata();
        String name =
            meta.getPrometheusName() + (snapshot instanceof CounterSnapshot ? "_total" : "");
        text.append("# HELP ")
            .append(name)
            .append(' ')
            .append(meta.getHelp())
            .append('\n')
            .append("# TYPE ")
            .append(name)
            .append(' ')
            .append(type(snapshot))
            .append('\n');
      }
    }
    return text.toString();
  }

  private static String type(MetricSnapshot snapshot) {
    if (snapshot instanceof CounterSnapshot) {
      return "counter";
    }
    if (snapshot instanceof GaugeSnapshot) {
      return "gauge";
    }
    return snapshot instanceof HistogramSnapshot ? "histogram" : "untyped";
  }
}
