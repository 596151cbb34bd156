package io.peyvand.broker.observability;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.Consumer;

/** The metrics tests' view of /metrics: what a set of collectors renders on its own. */
final class Rendered {
  private Rendered() {}

  /** The Prometheus text of a fresh registry into which {@code register} put its collectors. */
  static String text(Consumer<PrometheusRegistry> register) {
    PrometheusRegistry registry = new PrometheusRegistry();
    register.accept(registry);
    return Prometheus.text(registry);
  }
}
