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
 * number free) and too short to serve as the directory's key.
 *
 * <p>{@link #decide} only reads; {@link #apply} changes the ledger by what a decision admitted, so
 * that the entity that owns it persists the decision and applies it when stored and on replay.
 */
public final class LookupLedger {
  /**
   * A number looked up again is remembered anew (its memory extended) only once it was last seen
   * this long ago, so that a contact book synced every few minutes is not stored every time.
   */
  static final Duration REFRESH_AFTER = Duration.ofDays(1);

  private final Allowance.Limits limits;
  private final Duration remember;
  private final Map<Long, Instant> seen;
  private Allowance allowance;

  /**
   * What {@link #decide} found for a batch: admitted or not, how many of its numbers were new, when
   * a refused batch would fit, the allowance after it, and whether admitting it changes the ledger
   * (new numbers, or numbers whose memory is due for {@linkplain #REFRESH_AFTER refreshing}).
   */
  public record Admission(
      boolean admitted,
      int newNumbers,
      Duration retryAfter,
      Allowance allowanceAfter,
      boolean changes) {}

  public LookupLedger(Allowance.Limits limits, Duration remember, Instant now) {
    this(limits, remember, new HashMap<>(), Allowance.full(limits, now));
  }

  private LookupLedger(
      Allowance.Limits limits, Duration remember, Map<Long, Instant> seen, Allowance allowance) {
    this.limits = limits;
    this.remember = remember;
    this.seen = seen;
    this.allowance = allowance;
  }

  /** A ledger as stored: the numbers remembered with when they were last looked up. */
  public static LookupLedger restore(
      Allowance.Limits limits, Duration remember, Map<Long, Instant> seen, Allowance allowance) {
    return new LookupLedger(limits, remember, new HashMap<>(seen), allowance);
  }

  /**
   * Whether a lookup of {@code numbers} at {@code now} is admitted: if the user's allowance covers
   * those not looked up within {@code remember}. Refused, the answer says when the batch would fit.
   * Changes nothing.
   */
  public Admission decide(Instant now, Collection<Long> numbers) {
    Instant forgotten = now.minus(remember);
    Instant stale = now.minus(REFRESH_AFTER);
    Set<Long> fresh = new LinkedHashSet<>();
    boolean refresh = false;
    for (Long number : numbers) {
      Instant at = seen.get(number);
      if (at == null || at.isBefore(forgotten)) {
        fresh.add(number);
      } else if (at.isBefore(stale)) {
        refresh = true;
      }
    }
    Allowance.Take take = allowance.take(limits, now, fresh.size());
    if (!take.granted()) {
      return new Admission(false, fresh.size(), take.retryAfter(), allowance, false);
    }
    return new Admission(
        true, fresh.size(), Duration.ZERO, take.after(), !fresh.isEmpty() || refresh);
  }

  /**
   * Records an admitted lookup of {@code numbers} at {@code at}: every one counts as looked up
   * then, and the allowance is what the decision left.
   */
  public void apply(Instant at, Collection<Long> numbers, Allowance after) {
    seen.values().removeIf(when -> when.isBefore(at.minus(remember)));
    for (Long number : numbers) {
      seen.put(number, at);
    }
    allowance = after;
  }

  /** {@link #decide} and, when admitted, {@link #apply}: for callers that persist nothing. */
  public Admission admit(Instant now, Collection<Long> numbers) {
    Admission admission = decide(now, numbers);
    if (admission.admitted()) {
      apply(now, numbers, admission.allowanceAfter());
    }
    return admission;
  }

  /** How many numbers are remembered (at most the burst plus {@code remember} days of refill). */
  public int remembered() {
    return seen.size();
  }

  /** The numbers remembered and when each was last looked up (a copy, for a snapshot). */
  public Map<Long, Instant> seen() {
    return Map.copyOf(seen);
  }

  public Allowance allowance() {
    return allowance;
  }
}
