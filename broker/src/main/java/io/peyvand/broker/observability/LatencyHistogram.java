package io.peyvand.broker.observability;

import java.util.concurrent.atomic.LongAdder;

/**
 * A Prometheus histogram of durations, lock-free: one {@link LongAdder} per bucket (each counts
 * the observations that fall in it alone; rendering makes them cumulative, as {@code le} buckets
 * are), the sum in nanoseconds and the count. Observing is a short scan of fixed bounds and two
 * increments, cheap enough for every message. {@code _count} is rendered as the +Inf bucket, so
 * the two always agree within one scrape.
 *
 * <p>The bounds (1 ms to 10 s) cover a journal write on a quiet machine (about a millisecond)
 * up to the ask timeout, beyond which a submit is answered UNAVAILABLE anyway.
 */
public final class LatencyHistogram {
  /** Upper bounds of the buckets, in seconds; +Inf follows. */
  static final double[] BOUNDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
      2.5, 5, 10};
  private static final long[] BOUNDS_NANOS = new long[BOUNDS.length];

  static {
    for (int i = 0; i < BOUNDS.length; i++) {
      BOUNDS_NANOS[i] = Math.round(BOUNDS[i] * 1e9);
    }
  }

  private final LongAdder[] buckets = new LongAdder[BOUNDS.length + 1];
  private final LongAdder sumNanos = new LongAdder();

  public LatencyHistogram() {
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] = new LongAdder();
    }
  }

  /** Records one duration, in nanoseconds (negative ones count as 0). */
  public void observeNanos(long nanos) {
    long d = Math.max(0, nanos);
    int i = 0;
    while (i < BOUNDS_NANOS.length && d > BOUNDS_NANOS[i]) {
      i++;
    }
    buckets[i].increment();
    sumNanos.add(d);
  }

  /** Records the time since {@code startNanos}, a {@link System#nanoTime()} reading. */
  public void observeSince(long startNanos) {
    observeNanos(System.nanoTime() - startNanos);
  }

  /** Observations so far. */
  public long count() {
    long count = 0;
    for (LongAdder bucket : buckets) {
      count += bucket.sum();
    }
    return count;
  }

  /** The samples of this histogram (see {@link Prometheus#histogram}). */
  void render(StringBuilder out, String name, String labels) {
    long[] counts = new long[buckets.length];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = buckets[i].sum();
    }
    Prometheus.histogram(out, name, labels, BOUNDS, counts, sumNanos.sum() / 1e9);
  }
}
