package io.peyvand.broker.observability;

import io.peyvand.broker.entity.Extensions;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * What the directory did on this node, for {@code /metrics}, by the acting platform (registered
 * platforms only, so the series stay bounded): lookups answered and refused, the numbers they asked
 * (all, new to the asker, found), entries published and withdrawn. Counts only, never who or which
 * number. The cluster-wide daily figures are in Cassandra ({@code directory_usage}).
 */
public final class DirectoryMetrics implements Extension {

  public static final ExtensionId<DirectoryMetrics> ID =
      Extensions.id(system -> new DirectoryMetrics());

  public static DirectoryMetrics get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  private final Counter lookups =
      counter(
          "peyvand_directory_lookups_total",
          "directory lookups by the asking platform, by result (answered, rate_limited)",
          "result");
  private final Counter numbers =
      counter(
          "peyvand_directory_numbers_total",
          "numbers in answered lookups, by the asking platform and kind (asked: distinct valid"
              + " numbers; new: new to the user who asked; found: with at least one user)",
          "kind");
  private final Counter entries =
      counter(
          "peyvand_directory_entries_total",
          "directory entries published and withdrawn, by the user's platform and change",
          "change");

  private static Counter counter(String name, String help, String label) {
    return Counter.builder()
        .name(name)
        .help(help)
        .labelNames("platform", label)
        .withoutExemplars()
        .build();
  }

  /** A lookup by {@code platform} was answered. */
  public void lookedUp(String platform, long asked, long fresh, long found) {
    lookups.labelValues(platform, "answered").inc();
    numbers.labelValues(platform, "asked").inc(asked);
    numbers.labelValues(platform, "new").inc(fresh);
    numbers.labelValues(platform, "found").inc(found);
  }

  /** A lookup by {@code platform} was refused for its allowance. */
  public void refused(String platform) {
    lookups.labelValues(platform, "rate_limited").inc();
  }

  public void published(String platform) {
    entries.labelValues(platform, "published").inc();
  }

  public void withdrawn(String platform, long count) {
    entries.labelValues(platform, "withdrawn").inc(count);
  }

  /** Adds these metrics to a node's registry. */
  void registerIn(PrometheusRegistry registry) {
    for (var metric : List.of(lookups, numbers, entries)) {
      registry.register(metric);
    }
  }
}
