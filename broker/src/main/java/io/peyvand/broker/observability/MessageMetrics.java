package io.peyvand.broker.observability;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * What messages did on this node, for {@code /metrics}: per platform, submits answered accepted or
 * duplicate (counted at the ingress that answered, by the sender's platform), items pushed to a
 * session of the recipient platform and pushed again flagged redelivery, items the platform
 * acknowledged (counted where the mailbox or group runs), by kind; the sessions open on this node
 * by platform and transport; the time from a command reaching a mailbox or group to its event
 * being persisted, and from a submit reaching the ingress to its answer.
 *
 * <p>Node-local extension, like {@code delivery.SessionDirectory}: each node
 * counts what it did and Prometheus sums over nodes. Counting is lock-free ({@link LongAdder}s
 * found by platform in a {@link ConcurrentHashMap}; a {@code delivery.Pusher}
 * keeps its platform's counters and only increments). Platform labels come from registered
 * platforms only (a submit is counted once the platform was found, a push is to a registered
 * recipient), so the series stay bounded. Counters start at zero with the process, as Prometheus
 * counters do.
 */
public final class MessageMetrics implements Extension {

  public static final ExtensionId<MessageMetrics> ID = new ExtensionId<>() {
    @Override
    public MessageMetrics createExtension(ActorSystem<?> system) {
      return new MessageMetrics();
    }
  };

  public static MessageMetrics get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** What an item is: a 1:1 message, a status sent back to its sender, a group's item. */
  public enum Kind {
    DIRECT, STATUS, GROUP;

    final String label = name().toLowerCase();
  }

  /** The entities whose persist latency is measured. */
  public enum Entity {
    MAILBOX, GROUP;

    final String label = name().toLowerCase();
  }

  /** How a submit was answered. */
  public enum Result {
    ACCEPTED, DUPLICATE, REFUSED;

    final String label = name().toLowerCase();
  }

  /** Every metric name this class renders (histograms by their base name). */
  public static final List<String> NAMES = List.of(
      "peyvand_messages_accepted_total", "peyvand_messages_duplicate_total",
      "peyvand_items_delivered_total", "peyvand_items_redelivered_total",
      "peyvand_items_acknowledged_total", "peyvand_sessions", "peyvand_persist_seconds",
      "peyvand_submit_seconds");

  private static final List<Kind> SUBMITTED = List.of(Kind.DIRECT, Kind.GROUP);
  private static final List<Kind> PUSHED = List.of(Kind.values());

  /** One platform's counters, by kind. */
  public static final class PlatformCounters {
    private final LongAdder[] accepted = adders();
    private final LongAdder[] duplicates = adders();
    private final LongAdder[] delivered = adders();
    private final LongAdder[] redelivered = adders();
    private final LongAdder[] acknowledged = adders();

    private static LongAdder[] adders() {
      LongAdder[] adders = new LongAdder[Kind.values().length];
      for (int i = 0; i < adders.length; i++) {
        adders[i] = new LongAdder();
      }
      return adders;
    }

    /** A submit of this platform was answered accepted. */
    public void accepted(Kind kind) {
      accepted[kind.ordinal()].increment();
    }

    /** A submit of this platform was answered duplicate. */
    public void duplicate(Kind kind) {
      duplicates[kind.ordinal()].increment();
    }

    /** An item was pushed to a session of this platform, flagged redelivery or not. */
    public void pushed(Kind kind, boolean redelivery) {
      (redelivery ? redelivered : delivered)[kind.ordinal()].increment();
    }

    /** This platform acknowledged {@code items} items. */
    public void acknowledged(Kind kind, long items) {
      if (items > 0) {
        acknowledged[kind.ordinal()].add(items);
      }
    }
  }

  private record SessionKey(String platform, String transport) {}

  private final Map<String, PlatformCounters> platforms = new ConcurrentHashMap<>();
  private final Map<SessionKey, AtomicInteger> sessions = new ConcurrentHashMap<>();
  private final LatencyHistogram[] persist = new LatencyHistogram[Entity.values().length];
  private final LatencyHistogram[] submit =
      new LatencyHistogram[Kind.values().length * Result.values().length];

  /** A fresh set; the node's own is {@link #get}. */
  public MessageMetrics() {
    for (int i = 0; i < persist.length; i++) {
      persist[i] = new LatencyHistogram();
    }
    for (int i = 0; i < submit.length; i++) {
      submit[i] = new LatencyHistogram();
    }
  }

  /** The counters of a platform; keep them rather than asking again per message. */
  public PlatformCounters platform(String platformId) {
    PlatformCounters counters = platforms.get(platformId);
    return counters != null ? counters
        : platforms.computeIfAbsent(platformId, p -> new PlatformCounters());
  }

  /**
   * A session of {@code platformId} opened on this node over {@code transport} (grpc,
   * websocket); the returned action, run when it ends, takes it off the gauge (once, however
   * often it is run).
   */
  public Runnable sessionOpened(String platformId, String transport) {
    AtomicInteger open = sessions.computeIfAbsent(new SessionKey(platformId, transport),
        k -> new AtomicInteger());
    open.incrementAndGet();
    AtomicBoolean closed = new AtomicBoolean();
    return () -> {
      if (!closed.getAndSet(true)) {
        open.decrementAndGet();
      }
    };
  }

  /** Sessions of the platform open on this node over the transport. */
  public int sessions(String platformId, String transport) {
    AtomicInteger open = sessions.get(new SessionKey(platformId, transport));
    return open == null ? 0 : open.get();
  }

  /** A command that reached {@code entity} at {@code startNanos} has had its event persisted. */
  public void persisted(Entity entity, long startNanos) {
    persist[entity.ordinal()].observeSince(startNanos);
  }

  /** A submit that reached the ingress at {@code startNanos} was answered. */
  public void answered(Kind kind, Result result, long startNanos) {
    submitLatency(kind, result).observeSince(startNanos);
  }

  public LatencyHistogram submitLatency(Kind kind, Result result) {
    return submit[kind.ordinal() * Result.values().length + result.ordinal()];
  }

  /** The metrics in the Prometheus text format. */
  void render(StringBuilder out) {
    Map<String, PlatformCounters> byPlatform = new TreeMap<>(platforms);
    counter(out, byPlatform, "peyvand_messages_accepted_total",
        "submits answered accepted, by the sender's platform and kind (direct: 1:1, group: posts"
            + " to groups and channels)", SUBMITTED, c -> c.accepted);
    counter(out, byPlatform, "peyvand_messages_duplicate_total",
        "submits answered duplicate (the message id was accepted before), by the sender's"
            + " platform and kind", SUBMITTED, c -> c.duplicates);
    counter(out, byPlatform, "peyvand_items_delivered_total",
        "items pushed to a session of the recipient platform for the first time, by kind"
            + " (direct messages, statuses to senders, group items)", PUSHED, c -> c.delivered);
    counter(out, byPlatform, "peyvand_items_redelivered_total",
        "items pushed again, flagged redelivery (unacknowledged in time, a session changed, a"
            + " restart, a busy session), by the recipient platform and kind", PUSHED,
        c -> c.redelivered);
    counter(out, byPlatform, "peyvand_items_acknowledged_total",
        "items the recipient platform acknowledged, by platform and kind", PUSHED,
        c -> c.acknowledged);

    Prometheus.header(out, "peyvand_sessions", "gauge",
        "adapter sessions open on this node, by platform and transport");
    new TreeMap<String, Integer>(sessionCounts()).forEach((key, open) -> {
      int space = key.indexOf(' ');
      out.append("peyvand_sessions{platform=\"").append(Prometheus.escape(key.substring(0, space)))
          .append("\",transport=\"").append(key.substring(space + 1)).append("\"} ")
          .append(open).append('\n');
    });

    Prometheus.header(out, "peyvand_persist_seconds", "histogram",
        "time from a command reaching a mailbox or group on this node to its event being"
            + " persisted (the journal's write, queueing included)");
    for (Entity entity : Entity.values()) {
      persist[entity.ordinal()].render(out, "peyvand_persist_seconds",
          "entity=\"" + entity.label + "\"");
    }
    Prometheus.header(out, "peyvand_submit_seconds", "histogram",
        "time from a submit reaching this node's ingress to its answer, by kind and result");
    for (Kind kind : SUBMITTED) {
      for (Result result : Result.values()) {
        submitLatency(kind, result).render(out, "peyvand_submit_seconds",
            "kind=\"" + kind.label + "\",result=\"" + result.label + "\"");
      }
    }
  }

  /** Open sessions by "platform transport". */
  private Map<String, Integer> sessionCounts() {
    Map<String, Integer> counts = new TreeMap<>();
    sessions.forEach((k, v) -> counts.put(k.platform() + " " + k.transport(), v.get()));
    return counts;
  }

  private static void counter(StringBuilder out, Map<String, PlatformCounters> platforms,
      String name, String help, List<Kind> kinds,
      java.util.function.Function<PlatformCounters, LongAdder[]> adders) {
    Prometheus.header(out, name, "counter", help);
    platforms.forEach((platform, counters) -> {
      LongAdder[] values = adders.apply(counters);
      for (Kind kind : kinds) {
        out.append(name).append("{platform=\"").append(Prometheus.escape(platform))
            .append("\",kind=\"").append(kind.label).append("\"} ")
            .append(values[kind.ordinal()].sum()).append('\n');
      }
    });
  }
}
