package io.peyvand.clusterconfig;

import com.typesafe.config.ConfigFactory;
import io.peyvand.broker.observability.Metrics;
import io.peyvand.broker.observability.SecurityEvents;
import io.peyvand.broker.observability.ShardingStats;
import io.peyvand.broker.tls.RevocationList;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The metric names a broker node's {@code /metrics} renders, from the broker's own {@link Metrics}
 * in a cluster node started by the test: its {@code # TYPE} lines, written even before the first
 * sample, so that what the dashboard and the alerting rules read is checked against what the broker
 * really writes (DashboardTest, AlertRulesTest).
 */
final class RenderedMetrics {
  /** A broker metric's name where an expression reads it (recorded rules' names contain it). */
  static final Pattern METRIC = Pattern.compile("\\b((?:peyvand|jvm)_[a-z0-9_]+)");

  private static final Pattern TYPE = Pattern.compile("(?m)^# TYPE ([a-z0-9_]+) ([a-z]+)$");

  private RenderedMetrics() {}

  /** A one-node cluster actor system for rendering, without a shutdown hook; terminate it. */
  static ActorSystem<Void> node(String name) {
    return ActorSystem.create(
        Behaviors.empty(),
        name,
        ConfigFactory.parseString(
                """
        pekko.actor.provider = cluster
        pekko.remote.artery.canonical.hostname = 127.0.0.1
        pekko.remote.artery.canonical.port = 0
        pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
        """)
            .withFallback(ConfigFactory.load()));
  }

  /** The sample names a node renders: histograms as their _bucket, _sum and _count. */
  static Set<String> names(ActorSystem<?> system) {
    Metrics metrics = new Metrics(system, new SecurityEvents(), RevocationList.none());
    metrics.sharding(new ShardingStats(system, Map.of(), Duration.ofMinutes(1)));
    String text = metrics.render(true);
    Set<String> names = new TreeSet<>();
    Matcher m = TYPE.matcher(text);
    while (m.find()) {
      if (m.group(2).equals("histogram")) {
        names.add(m.group(1) + "_bucket");
        names.add(m.group(1) + "_sum");
        names.add(m.group(1) + "_count");
      } else {
        names.add(m.group(1));
      }
    }
    return names;
  }
}
