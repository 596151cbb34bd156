package io.peyvand.loadtests.bench.harness;

import java.util.Arrays;

/**
 * Percentiles of a set of samples by the nearest-rank method, from a sorted copy of all of them:
 * exact, and at the sizes of this benchmark (tens of thousands of samples) cheaper than carrying a
 * histogram library. {@code value(0.99)} is the smallest sample that at least 99% of the samples do
 * not exceed.
 */
public final class Percentiles {
  private final long[] sorted;

  private Percentiles(long[] sorted) {
    this.sorted = sorted;
  }

  /** Of {@code samples} (left unchanged). */
  public static Percentiles of(long[] samples) {
    long[] copy = samples.clone();
    Arrays.sort(copy);
    return new Percentiles(copy);
  }

  public int count() {
    return sorted.length;
  }

  /** The {@code quantile} (0 < q <= 1) by nearest rank; 0 when there are no samples. */
  public long value(double quantile) {
    if (!(quantile > 0 && quantile <= 1)) {
      throw new IllegalArgumentException("a quantile is in (0, 1]: " + quantile);
    }
    if (sorted.length == 0) {
      return 0;
    }
    // 1-based; the epsilon keeps 0.07 * 100 = 7.000000000000001 at rank 7.
    int rank = (int) Math.ceil(quantile * sorted.length - 1e-9);
    return sorted[Math.max(rank, 1) - 1];
  }

  /** The largest sample; 0 when there are none. */
  public long max() {
    return sorted.length == 0 ? 0 : sorted[sorted.length - 1];
  }
}
