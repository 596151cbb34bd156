package io.peyvand.broker.group;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.SynchronizationStrategy;
import java.time.Clock;
import java.time.Duration;

/**
 * A group's post rate: a token bucket of {@code burst} tokens refilled at {@code perSecond}, on the
 * entity's clock (so tests can move time). Off when {@code perSecond} is 0 or less.
 */
final class PostRate {
  private final Bucket bucket;

  PostRate(double perSecond, int burst, Clock clock) {
    this.bucket =
        perSecond <= 0
            ? null
            : Bucket.builder()
                .withSynchronizationStrategy(SynchronizationStrategy.NONE)
                .addLimit(
                    limit ->
                        limit
                            .capacity(burst)
                            .refillGreedy(
                                burst, Duration.ofNanos(Math.round(burst * 1e9 / perSecond))))
                .withCustomTimePrecision(
                    new TimeMeter() {
                      @Override
                      public long currentTimeNanos() {
                        return clock.millis() * 1_000_000L;
                      }

                      @Override
                      public boolean isWallClockBased() {
                        return true;
                      }
                    })
                .build();
  }

  /** Takes one token: 0 if there was one, else the milliseconds until there is. */
  long take() {
    if (bucket == null) {
      return 0;
    }
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    return probe.isConsumed()
        ? 0
        : Math.max(1, (probe.getNanosToWaitForRefill() + 999_999) / 1_000_000);
  }
}
