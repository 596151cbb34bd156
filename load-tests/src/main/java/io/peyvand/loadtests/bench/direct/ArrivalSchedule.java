package io.peyvand.loadtests.bench.direct;

import java.util.SplittableRandom;

/**
 * An open arrival model: messages arrive as a Poisson process whose rate ramps linearly from {@code
 * startRate} to {@code plateauRate} over {@code rampSeconds}, then stays at the plateau for {@code
 * plateauSeconds}; nothing arrives after that. Arrival times do not depend on how fast the broker
 * answers: a sender that falls behind its schedule sends the overdue messages at once, as a
 * platform's adapter drains its outgoing queue, so a slow broker sees the offered load, not less.
 *
 * <p>A stream of arrivals with a fraction of the rate (one platform session's part of the traffic)
 * is drawn by {@link #next}: with cumulative rate Λ(t) = ∫ rate, successive arrivals are at
 * Λ⁻¹(Λ(t) + E / fraction) for exponential E of mean 1, the exact inversion for a Poisson process
 * of varying rate. Times are seconds from the start.
 */
public record ArrivalSchedule(
    double startRate, double plateauRate, double rampSeconds, double plateauSeconds) {

  public ArrivalSchedule {
    if (startRate < 0 || plateauRate <= 0 || rampSeconds < 0 || plateauSeconds < 0) {
      throw new IllegalArgumentException(
          "rates and durations must be positive: "
              + startRate
              + " -> "
              + plateauRate
              + "/s over "
              + rampSeconds
              + " s, then "
              + plateauSeconds
              + " s");
    }
  }

  /** When arrivals stop, in seconds from the start. */
  public double endSeconds() {
    return rampSeconds + plateauSeconds;
  }

  /** The rate at {@code t} seconds. */
  public double rate(double t) {
    if (t < 0 || t > endSeconds()) {
      return 0;
    }
    return t < rampSeconds ? startRate + (plateauRate - startRate) * t / rampSeconds : plateauRate;
  }

  /** Λ(t): the expected number of arrivals in [0, t]. */
  public double expected(double t) {
    double ramped = Math.min(Math.max(t, 0), rampSeconds);
    double ramp =
        rampSeconds == 0
            ? 0
            : startRate * ramped + (plateauRate - startRate) * ramped * ramped / (2 * rampSeconds);
    return ramp + plateauRate * Math.min(Math.max(t - rampSeconds, 0), plateauSeconds);
  }

  /**
   * The arrival after {@code t} of a stream carrying {@code fraction} (0 < f <= 1) of the rate;
   * {@code Double.POSITIVE_INFINITY} when it falls after the end.
   */
  public double next(double t, double fraction, SplittableRandom random) {
    double target = expected(t) + -Math.log(1 - random.nextDouble()) / fraction;
    return inverse(target);
  }

  /** Λ⁻¹: the time by which {@code count} arrivals are expected; infinity past the end. */
  double inverse(double count) {
    double rampCount = expected(rampSeconds);
    if (count > expected(endSeconds())) {
      return Double.POSITIVE_INFINITY;
    }
    if (count >= rampCount) {
      return rampSeconds + (count - rampCount) / plateauRate;
    }
    // startRate * t + a * t^2 = count with a = (plateau - start) / (2 * ramp).
    double a = (plateauRate - startRate) / (2 * rampSeconds);
    if (Math.abs(a) < 1e-12) {
      return count / startRate;
    }
    return (-startRate + Math.sqrt(startRate * startRate + 4 * a * count)) / (2 * a);
  }
}
