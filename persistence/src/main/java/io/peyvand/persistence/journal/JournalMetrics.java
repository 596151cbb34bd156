package io.peyvand.persistence.journal;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;

/**
 * How the journal's Cassandra write requests went on this node: their latency (from the request
 * leaving to Cassandra's acknowledgement at the write profile's consistency, one observation per
 * request, which may carry the writes of many entities: see {@link GroupCommitWriter}), the
 * requests that failed, and the atomic writes carried. The broker renders them in its {@code
 * /metrics}: unlike the time an entity waits for its persist, this one is Cassandra alone, so when
 * both rise Cassandra is slow, when only the entity's rises the node is (queueing, CPU).
 *
 * <p>A node-local extension of lock-free counters, so that the journal (an actor Pekko Persistence
 * creates) and the broker meet without either knowing the other: the persistence module knows
 * nothing of Prometheus, the broker nothing of the journal's internals. Buckets are kept per bucket
 * (not cumulative); {@link #bucketCounts} hands them out in bound order.
 */
public final class JournalMetrics implements Extension {

  /** The extension's id. */
  public static final class Id extends AbstractExtensionId<JournalMetrics>
      implements ExtensionIdProvider {
    @Override
    public JournalMetrics createExtension(ExtendedActorSystem system) {
      return new JournalMetrics();
    }

    @Override
    public Id lookup() {
      return ID;
    }
  }

  public static final Id ID = new Id();

  public static JournalMetrics get(ActorSystem system) {
    return ID.get(system);
  }

  /** Upper bounds of the latency buckets, in seconds (+Inf follows). */
  private static final double[] BOUNDS = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  private static final long[] BOUNDS_NANOS = new long[BOUNDS.length];

  static {
    for (int i = 0; i < BOUNDS.length; i++) {
      BOUNDS_NANOS[i] = Math.round(BOUNDS[i] * 1e9);
    }
  }

  private final LongAdder[] buckets = new LongAdder[BOUNDS.length + 1];
  private final LongAdder sumNanos = new LongAdder();
  private final LongAdder failedRequests = new LongAdder();
  private final LongAdder writes = new LongAdder();
  // The latest outcome of a write request (System.nanoTime()), for readiness: 0 when none yet.
  private volatile long lastFailureNanos;
  private volatile long lastSuccessNanos;
  private volatile String lastFailure = "";

  JournalMetrics() {
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] = new LongAdder();
    }
  }

  /** A write request took {@code nanos} and succeeded, or failed with {@code error}. */
  void request(long nanos, Throwable error) {
    request(nanos, error != null);
    if (error == null) {
      lastSuccessNanos = System.nanoTime();
    } else {
      failed(error);
    }
  }

  /** A write failed without a request (it waited past its deadline): as a failed request. */
  void failed(Throwable error) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    lastFailure = cause.toString();
    lastFailureNanos = System.nanoTime();
  }

  /**
   * What failed, when the journal's latest write request failed less than {@code window} ago and
   * none succeeded since; empty otherwise (none failed, one succeeded since, or the failure is
   * older: an idle node's last failure does not keep it failing). While it is present, entities on
   * this node cannot persist: Cassandra is away or the journal's circuit breaker still refuses
   * every write.
   */
  public Optional<String> failingFor(Duration window) {
    long failure = lastFailureNanos;
    long now = System.nanoTime();
    if (failure == 0 || failure - lastSuccessNanos <= 0 || now - failure > window.toNanos()) {
      return Optional.empty();
    }
    return Optional.of(
        String.format(
            Locale.ROOT,
            "the latest journal write failed %.1f s ago and none succeeded since: %s",
            (now - failure) / 1e9,
            lastFailure));
  }

  /** A write request took {@code nanos} and succeeded or failed. */
  void request(long nanos, boolean failed) {
    long d = Math.max(0, nanos);
    int i = 0;
    while (i < BOUNDS_NANOS.length && d > BOUNDS_NANOS[i]) {
      i++;
    }
    buckets[i].increment();
    sumNanos.add(d);
    if (failed) {
      failedRequests.increment();
    }
  }

  /** {@code count} atomic writes were completed (durable or failed). */
  void writes(int count) {
    writes.add(count);
  }

  /** The bucket bounds in seconds, without +Inf. */
  public double[] bounds() {
    return BOUNDS.clone();
  }

  /** Requests per bucket (not cumulative), one more than {@link #bounds}: the last is +Inf. */
  public long[] bucketCounts() {
    long[] counts = new long[buckets.length];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = buckets[i].sum();
    }
    return counts;
  }

  /** The requests' latencies summed, in seconds. */
  public double sumSeconds() {
    return sumNanos.sum() / 1e9;
  }

  /** Write requests Cassandra failed or that timed out. */
  public long failedRequests() {
    return failedRequests.sum();
  }

  /** Atomic writes (one entity's persist each) completed, durable or failed. */
  public long writes() {
    return writes.sum();
  }
}
