package io.peyvand.broker.observability;

import io.peyvand.broker.entity.Extensions;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * What messages did on this node, for {@code /metrics}: per platform, submits answered accepted or
 * duplicate (counted at the ingress that answered, by the sender's platform), items pushed to a
 * session of the recipient platform and pushed again flagged redelivery, items the platform
 * acknowledged (counted where the mailbox or group runs), by kind; the sessions open on this node
 * by platform and transport; the time from a command reaching a mailbox or group to its event being
 * persisted, and from a submit reaching the ingress to its answer.
 *
 * <p>Node-local extension, like {@code delivery.SessionDirectory}: each node counts what it did and
 * Prometheus sums over nodes. The meters are the Prometheus Java client's (lock-free adders); each
 * platform's series are looked up once ({@link PlatformCounters}, which a {@code delivery.Pusher}
 * keeps and only increments), never per message. Platform labels come from registered platforms
 * only (a submit is counted once the platform was found, a push is to a registered recipient), so
 * the series stay bounded. Counters start at zero with the process, as Prometheus counters do.
 */
public final class MessageMetrics implements Extension {

  public static final ExtensionId<MessageMetrics> ID =
      Extensions.id(system -> new MessageMetrics());

  public static MessageMetrics get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** What an item is: a 1:1 message, a status sent back to its sender, a group's item. */
  public enum Kind {
    DIRECT,
    STATUS,
    GROUP;

    final String label = name().toLowerCase();
  }

  /** The entities whose persist latency is measured. */
  public enum Entity {
    MAILBOX,
    GROUP;

    final String label = name().toLowerCase();
  }

  /** How a submit was answered. */
  public enum Result {
    ACCEPTED,
    DUPLICATE,
    REFUSED;

    final String label = name().toLowerCase();
  }

  /** Every metric name this class renders (histograms by their base name). */
  public static final List<String> NAMES =
      List.of(
          "peyvand_messages_accepted_total",
          "peyvand_messages_duplicate_total",
          "peyvand_items_delivered_total",
          "peyvand_items_redelivered_total",
          "peyvand_items_acknowledged_total",
          "peyvand_sessions",
          "peyvand_persist_seconds",
          "peyvand_submit_seconds");

  private static final List<Kind> SUBMITTED = List.of(Kind.DIRECT, Kind.GROUP);
  private static final List<Kind> PUSHED = List.of(Kind.values());

  private final Counter accepted =
      counter(
          "peyvand_messages_accepted_total",
          "submits answered accepted, by the sender's platform and kind (direct: 1:1, group: posts"
              + " to groups and channels)");
  private final Counter duplicates =
      counter(
          "peyvand_messages_duplicate_total",
          "submits answered duplicate (the message id was accepted before), by the sender's"
              + " platform and kind");
  private final Counter delivered =
      counter(
          "peyvand_items_delivered_total",
          "items pushed to a session of the recipient platform for the first time, by kind"
              + " (direct messages, statuses to senders, group items)");
  private final Counter redelivered =
      counter(
          "peyvand_items_redelivered_total",
          "items pushed again, flagged redelivery (unacknowledged in time, a session changed, a"
              + " restart, a busy session), by the recipient platform and kind");
  private final Counter acknowledged =
      counter(
          "peyvand_items_acknowledged_total",
          "items the recipient platform acknowledged, by platform and kind");
  private final Gauge sessions =
      Gauge.builder()
          .name("peyvand_sessions")
          .help("adapter sessions open on this node, by platform and transport")
          .labelNames("platform", "transport")
          .withoutExemplars()
          .build();
  private final Histogram persist =
      latency(
          "peyvand_persist_seconds",
          "time from a command reaching a mailbox or group on this node to its event being"
              + " persisted (the journal's write, queueing included)",
          "entity");
  private final Histogram submit =
      latency(
          "peyvand_submit_seconds",
          "time from a submit reaching this node's ingress to its answer, by kind and result",
          "kind",
          "result");
  private final DistributionDataPoint[] persistBy =
      new DistributionDataPoint[Entity.values().length];
  private final DistributionDataPoint[] submitBy =
      new DistributionDataPoint[Kind.values().length * Result.values().length];
  private final Map<String, PlatformCounters> platforms = new ConcurrentHashMap<>();

  /** A fresh set; the node's own is {@link #get}. */
  public MessageMetrics() {
    for (Entity entity : Entity.values()) {
      persistBy[entity.ordinal()] = persist.labelValues(entity.label);
    }
    for (Kind kind : SUBMITTED) {
      for (Result result : Result.values()) {
        submitBy[kind.ordinal() * Result.values().length + result.ordinal()] =
            submit.labelValues(kind.label, result.label);
      }
    }
  }

  private static Counter counter(String name, String help) {
    return Counter.builder()
        .name(name)
        .help(help)
        .labelNames("platform", "kind")
        .withoutExemplars()
        .build();
  }

  private static Histogram latency(String name, String help, String... labels) {
    return Histogram.builder()
        .name(name)
        .help(help)
        .labelNames(labels)
        .classicOnly()
        .classicUpperBounds(Prometheus.LATENCY_BOUNDS)
        .withoutExemplars()
        .build();
  }

  /** Adds these metrics to a node's registry. */
  void registerIn(PrometheusRegistry registry) {
    for (var metric :
        List.of(
            accepted,
            duplicates,
            delivered,
            redelivered,
            acknowledged,
            sessions,
            persist,
            submit)) {
      registry.register(metric);
    }
  }

  /** One platform's series, by kind (null where a kind is not counted for that metric). */
  public final class PlatformCounters {
    private final CounterDataPoint[] accepted;
    private final CounterDataPoint[] duplicates;
    private final CounterDataPoint[] delivered;
    private final CounterDataPoint[] redelivered;
    private final CounterDataPoint[] acknowledged;

    private PlatformCounters(String platform) {
      MessageMetrics m = MessageMetrics.this;
      this.accepted = series(m.accepted, platform, SUBMITTED);
      this.duplicates = series(m.duplicates, platform, SUBMITTED);
      this.delivered = series(m.delivered, platform, PUSHED);
      this.redelivered = series(m.redelivered, platform, PUSHED);
      this.acknowledged = series(m.acknowledged, platform, PUSHED);
    }

    private static CounterDataPoint[] series(Counter counter, String platform, List<Kind> kinds) {
      CounterDataPoint[] series = new CounterDataPoint[Kind.values().length];
      for (Kind kind : kinds) {
        series[kind.ordinal()] = counter.labelValues(platform, kind.label);
      }
      return series;
    }

    private static void add(CounterDataPoint[] series, Kind kind, long n) {
      CounterDataPoint point = series[kind.ordinal()];
      if (point != null) {
        point.inc(n);
      }
    }

    /** A submit of this platform was answered accepted. */
    public void accepted(Kind kind) {
      add(accepted, kind, 1);
    }

    /** A submit of this platform was answered duplicate. */
    public void duplicate(Kind kind) {
      add(duplicates, kind, 1);
    }

    /** An item was pushed to a session of this platform, flagged redelivery or not. */
    public void pushed(Kind kind, boolean redelivery) {
      add(redelivery ? redelivered : delivered, kind, 1);
    }

    /** This platform acknowledged {@code items} items. */
    public void acknowledged(Kind kind, long items) {
      if (items > 0) {
        add(acknowledged, kind, items);
      }
    }
  }

  /** The counters of a platform; keep them rather than asking again per message. */
  public PlatformCounters platform(String platformId) {
    PlatformCounters counters = platforms.get(platformId);
    return counters != null
        ? counters
        : platforms.computeIfAbsent(platformId, PlatformCounters::new);
  }

  /**
   * A session of {@code platformId} opened on this node over {@code transport} (grpc, websocket);
   * the returned action, run when it ends, takes it off the gauge (once, however often it is run).
   */
  public Runnable sessionOpened(String platformId, String transport) {
    GaugeDataPoint open = sessions.labelValues(platformId, transport);
    open.inc();
    AtomicBoolean closed = new AtomicBoolean();
    return () -> {
      if (!closed.getAndSet(true)) {
        open.dec();
      }
    };
  }

  /** Sessions of the platform open on this node over the transport. */
  public int sessions(String platformId, String transport) {
    return (int) sessions.labelValues(platformId, transport).get();
  }

  /** A command that reached {@code entity} at {@code startNanos} has had its event persisted. */
  public void persisted(Entity entity, long startNanos) {
    observeSince(persistBy[entity.ordinal()], startNanos);
  }

  /** A submit that reached the ingress at {@code startNanos} was answered. */
  public void answered(Kind kind, Result result, long startNanos) {
    DistributionDataPoint latency =
        submitBy[kind.ordinal() * Result.values().length + result.ordinal()];
    if (latency != null) {
      observeSince(latency, startNanos);
    }
  }

  private static void observeSince(DistributionDataPoint latency, long startNanos) {
    latency.observe(Math.max(0, System.nanoTime() - startNanos) / 1e9);
  }
}
