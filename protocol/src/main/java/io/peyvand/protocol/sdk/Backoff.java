package io.peyvand.protocol.sdk;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: the n-th wait (n from 1) is {@code initial * 2^(n-1)}, capped at
 * {@code max}, then spread uniformly by {@code +-jitter} of itself so that many adapters losing the
 * broker at once do not come back at the same instant.
 */
public record Backoff(Duration initial, Duration max, double jitter) {
  public Backoff {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    if (initial.isNegative() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "backoff needs 0 <= initial <= max, got " + initial + " and " + max);
    }
    if (jitter < 0 || jitter >= 1) {
      throw new IllegalArgumentException("jitter is a fraction in [0, 1), got " + jitter);
    }
  }

  /** The wait before the {@code attempt}-th retry (1 = the first), with a random spread. */
  public Duration delay(int attempt) {
    return delay(attempt, ThreadLocalRandom.current().nextDouble());
  }

  /** The wait before the {@code attempt}-th retry, {@code random} in [0, 1) choosing the spread. */
  public Duration delay(int attempt, double random) {
    double base =
        Math.min(
            max.toMillis(),
            initial.toMillis() * Math.pow(2, Math.min(Math.max(attempt - 1, 0), 30)));
    double spread = base * jitter * (2 * random - 1);
    return Duration.ofMillis(Math.max(0, Math.round(base + spread)));
  }
}
