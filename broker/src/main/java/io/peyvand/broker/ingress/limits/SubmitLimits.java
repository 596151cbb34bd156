package io.peyvand.broker.ingress.limits;

import com.typesafe.config.Config;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets for submissions on this node: one per platform (so one platform's flood cannot
 * take the node from the others) and one per sending user (so one account cannot take its
 * platform's share). A refusal says how long until a token is available. Limits are per node: a
 * cluster of N nodes admits up to N times the rates, and platforms spread their sessions.
 */
public final class SubmitLimits {

  /** Rates and bursts; see peyvand.limits in reference.conf. */
  public record Settings(long platformRate, long platformBurst, long userRate, long userBurst,
      int trackedUsers) {
    public static Settings fromConfig(Config config) {
      Config c = config.getConfig("peyvand.limits");
      return new Settings(c.getLong("submit-per-platform.rate"),
          c.getLong("submit-per-platform.burst"), c.getLong("submit-per-user.rate"),
          c.getLong("submit-per-user.burst"), c.getInt("tracked-users"));
    }
  }

  private final Settings settings;
  private final Map<String, Bucket> platforms = new ConcurrentHashMap<>();
  private final Map<String, Bucket> users;

  public SubmitLimits(Settings settings) {
    this.settings = settings;
    this.users = new LinkedHashMap<>(1024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
        return size() > settings.trackedUsers();
      }
    };
  }

  /**
   * Takes a token for one submission by {@code user} of {@code platformId}; empty when taken,
   * otherwise the milliseconds to wait before retrying.
   */
  public OptionalLong tryAcquire(String platformId, String user) {
    Bucket platform = platforms.computeIfAbsent(platformId,
        p -> bucket(settings.platformRate(), settings.platformBurst()));
    ConsumptionProbe byPlatform = platform.tryConsumeAndReturnRemaining(1);
    if (!byPlatform.isConsumed()) {
      return OptionalLong.of(millis(byPlatform));
    }
    Bucket byUserBucket;
    synchronized (users) {
      byUserBucket = users.computeIfAbsent(platformId + ":" + user,
          u -> bucket(settings.userRate(), settings.userBurst()));
    }
    ConsumptionProbe byUser = byUserBucket.tryConsumeAndReturnRemaining(1);
    if (!byUser.isConsumed()) {
      platform.addTokens(1); // the platform's token was not used
      return OptionalLong.of(millis(byUser));
    }
    return OptionalLong.empty();
  }

  private static long millis(ConsumptionProbe probe) {
    return Math.max(1, Duration.ofNanos(probe.getNanosToWaitForRefill()).toMillis());
  }

  private static Bucket bucket(long ratePerSecond, long burst) {
    return Bucket.builder()
        .addLimit(limit -> limit.capacity(burst).refillGreedy(ratePerSecond, Duration.ofSeconds(1)))
        .build();
  }
}
