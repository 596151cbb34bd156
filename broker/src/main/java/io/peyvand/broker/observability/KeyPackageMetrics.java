package io.peyvand.broker.observability;

import io.peyvand.broker.entity.Extensions;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * What the MLS key-package directory did on this node, for {@code /metrics} (PROTOCOL.md §18):
 * KeyPackages published, refused, withdrawn and handed out, by the platform of the user they are
 * for, and claims by the claiming platform, by whether they found any. Counts only, never whose.
 * The platforms are registered ones (the calls are refused before for any other), so the series
 * stay bounded.
 */
public final class KeyPackageMetrics implements Extension {

  public static final ExtensionId<KeyPackageMetrics> ID =
      Extensions.id(system -> new KeyPackageMetrics());

  public static KeyPackageMetrics get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  private final Counter keyPackages =
      Counter.builder()
          .name("peyvand_key_packages_total")
          .help(
              "MLS KeyPackages by the platform of their user and change (published, refused,"
                  + " withdrawn, claimed: handed out)")
          .labelNames("platform", "change")
          .withoutExemplars()
          .build();
  private final Counter claims =
      Counter.builder()
          .name("peyvand_key_package_claims_total")
          .help(
              "claims of MLS KeyPackages by the claiming platform and result (found: at least one"
                  + " handed out; none: the target had none for the claimer)")
          .labelNames("platform", "result")
          .withoutExemplars()
          .build();

  /** {@code count} KeyPackages of users of {@code platform} changed so. */
  public void keyPackages(String platform, String change, long count) {
    if (count > 0) {
      keyPackages.labelValues(platform, change).inc(count);
    }
  }

  /** A claim by {@code platform} handed out {@code handedOut} KeyPackages. */
  public void claimed(String platform, int handedOut) {
    claims.labelValues(platform, handedOut > 0 ? "found" : "none").inc();
  }

  /** Adds these metrics to a node's registry. */
  void registerIn(PrometheusRegistry registry) {
    registry.register(keyPackages);
    registry.register(claims);
  }
}
