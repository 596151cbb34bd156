package io.peyvand.broker.directory;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One user's lookups: the numbers they looked up within {@code remember} (a contact book synced
 * again costs nothing) and their {@link Allowance} of new ones. A number is known by a 64-bit
 * prefix of its keyed hash, enough to tell a user's contacts apart (a collision only makes one
 * number free) and too short to serve as the directory's key. Pure: the entity that owns it
 * persists what {@link #admit} returns.
 */
public final class LookupLedger {
  private final Allowance.Limits limits;
  private final Duration remember;
  private final Map<Long, Instant> seen = new HashMap<>();
  private Allowance allowance;

  /** What {@link #admit} decided for a batch. */
  public record Admission(boolean admitted, int newNumbers, Duration retryAfter) {}

  public LookupLedger(Allowance.Limits limits, Duration remember, Instant now) {
    this.limits = limits;
    this.remember = remember;
    this.allowance = Allowance.full(limits, now);
  }

  /**
   * Admits a lookup of {@code numbers} at {@code now} if the user's allowance covers those not
   * looked up within {@code remember}; then every number of the batch counts as looked up now.
   * Refused, nothing changes and the answer says when the batch would fit.
   */
  public Admission admit(Instant now, Collection<Long> numbers) {
    forgetBefore(now.minus(remember));
    Set<Long> fresh = new LinkedHashSet<>();
    for (Long number : numbers) {
      if (!seen.containsKey(number)) {
        fresh.add(number);
      }
    }
    Allowance.Take take = allowance.take(limits, now, fresh.size());
    if (!take.granted()) {
      return new Admission(false, fresh.size(), take.retryAfter());
    }
    allowance = take.after();
    for (Long number : numbers) {
      seen.put(number, now);
    }
    return new Admission(true, fresh.size(), Duration.ZERO);
  }

  /** How many numbers are remembered (at most the burst plus {@code remember} days of refill). */
  public int remembered() {
    return seen.size();
  }

  private void forgetBefore(Instant cutoff) {
    seen.values().removeIf(at -> at.isBefore(cutoff));
  }
}
