package io.peyvand.broker.directory;

import java.time.Duration;
import java.time.Instant;

/**
 * A budget of distinct new numbers to look up: up to {@code burst} at once (a first contact sync),
 * refilled at {@code perDay} a day (the trickle of new contacts), as a token bucket whose whole
 * state is two values, so that an entity can persist it. Immutable: {@link #take} returns the
 * bucket after a take, or says when to retry.
 */
public record Allowance(double tokens, Instant updated) {
  /** The size of the bucket and its refill rate. */
  public record Limits(int burst, int perDay) {
    public Limits {
      if (burst < 1 || perDay < 1) {
        throw new IllegalArgumentException(
            "a lookup allowance needs burst and per-day of at least 1, not "
                + burst
                + " and "
                + perDay);
      }
    }
  }

  /** What a take decided: the bucket after it, or how long until {@code wanted} would fit. */
  public record Take(boolean granted, Allowance after, Duration retryAfter) {}

  /** A full bucket at {@code now}. */
  public static Allowance full(Limits limits, Instant now) {
    return new Allowance(limits.burst(), now);
  }

  /** The bucket at {@code now}, refilled since it was last updated, up to the burst. */
  public Allowance at(Limits limits, Instant now) {
    if (!now.isAfter(updated)) {
      return this;
    }
    double refill = limits.perDay() * (Duration.between(updated, now).toMillis() / 86_400_000.0);
    return new Allowance(Math.min(limits.burst(), tokens + refill), now);
  }

  /**
   * Takes {@code wanted} tokens at {@code now}, all or none. Asking for more than the burst is
   * refused with the time a full bucket takes, so a caller splits its batch.
   */
  public Take take(Limits limits, Instant now, int wanted) {
    Allowance current = at(limits, now);
    if (wanted <= current.tokens) {
      return new Take(true, new Allowance(current.tokens - wanted, now), Duration.ZERO);
    }
    double missing = Math.min(wanted, limits.burst()) - current.tokens;
    long millis = (long) Math.ceil(missing * 86_400_000.0 / limits.perDay());
    return new Take(false, current, Duration.ofMillis(Math.max(1_000, millis)));
  }
}
