package io.peyvand.broker.service.limits;

import com.typesafe.config.Config;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.peyvand.broker.config.ConfigRecords;
import io.peyvand.broker.model.Quota;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * Token buckets for submissions: one per platform (so one platform's flood cannot take the broker
 * from the others) and one per sending user (so one account cannot take its platform's share). A
 * refusal says how long until a token is available.
 *
 * <p>A platform's rate and burst are for the whole cluster: each node admits its share, the rate
 * divided by the number of nodes Up ({@code nodes}), which is exact when a platform spreads its
 * sessions over the nodes (as a load balancer does) and never lets a cluster admit more than the
 * rate. A sending user's limits are per node: a user's submissions travel one session, so a share
 * would starve it. The operator's {@link Quota} of a platform, when set, replaces the defaults; a
 * changed quota or node count reshapes the buckets, keeping the tokens' proportion.
 */
public final class SubmitLimits {

  /** Rates and bursts; see peyvand.limits in reference.conf. */
  public record Settings(RateLimit submitPerPlatform, RateLimit submitPerUser, int trackedUsers) {
    public static Settings fromConfig(Config config) {
      return ConfigRecords.read(config.getConfig("peyvand.limits"), Settings.class);
    }

    /** These limits as a quota (sessions left to the session settings: 0). */
    public Quota defaults() {
      return new Quota(
          Math.toIntExact(submitPerPlatform.rate),
          Math.toIntExact(submitPerPlatform.burst),
          Math.toIntExact(submitPerUser.rate),
          Math.toIntExact(submitPerUser.burst),
          0);
    }
  }

  /** Tokens a second, and how many may be taken at once. */
  public record RateLimit(long rate, long burst) {}

  /** A bucket and the shape it was last given. */
  private record Shaped(Bucket bucket, long rate, long burst) {
    Shaped reshaped(long newRate, long newBurst) {
      if (newRate == rate && newBurst == burst) {
        return this;
      }
      bucket.replaceConfiguration(
          configuration(newRate, newBurst), TokensInheritanceStrategy.PROPORTIONALLY);
      return new Shaped(bucket, newRate, newBurst);
    }

    static Shaped of(long rate, long burst) {
      return new Shaped(
          Bucket.builder()
              .addLimit(limit -> limit.capacity(burst).refillGreedy(rate, Duration.ofSeconds(1)))
              .build(),
          rate,
          burst);
    }
  }

  private final Quota defaults;
  private final IntSupplier nodes;
  private final Map<String, Shaped> platforms = new ConcurrentHashMap<>();
  private final Map<String, Shaped> users;

  /** Limits for a broker of {@code nodes} nodes Up (read on every submission: keep it cheap). */
  public SubmitLimits(Settings settings, IntSupplier nodes) {
    this.defaults = settings.defaults();
    this.nodes = nodes;
    this.users =
        new LinkedHashMap<>(1024, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Shaped> eldest) {
            return size() > settings.trackedUsers();
          }
        };
  }

  /** Limits for a single node. */
  public SubmitLimits(Settings settings) {
    this(settings, () -> 1);
  }

  /** {@link #tryAcquire(String, String, Quota)} on the default limits. */
  public OptionalLong tryAcquire(String platformId, String user) {
    return tryAcquire(platformId, user, Quota.DEFAULTS);
  }

  /**
   * Takes a token for one submission by {@code user} of {@code platformId}, whose operator quota is
   * {@code quota} (0 fields: defaults); empty when taken, otherwise the milliseconds to wait before
   * retrying.
   */
  public OptionalLong tryAcquire(String platformId, String user, Quota quota) {
    Quota limits = quota.over(defaults);
    int share = Math.max(1, nodes.getAsInt());
    long rate = share(limits.submitsPerSecond(), share);
    long burst = share(limits.submitBurst(), share);
    Bucket platform =
        platforms
            .compute(
                platformId,
                (id, shaped) ->
                    shaped == null ? Shaped.of(rate, burst) : shaped.reshaped(rate, burst))
            .bucket();
    ConsumptionProbe byPlatform = platform.tryConsumeAndReturnRemaining(1);
    if (!byPlatform.isConsumed()) {
      return OptionalLong.of(millis(byPlatform));
    }
    Bucket byUserBucket;
    synchronized (users) {
      byUserBucket =
          users
              .compute(
                  platformId + ":" + user,
                  (u, shaped) ->
                      shaped == null
                          ? Shaped.of(limits.userSubmitsPerSecond(), limits.userSubmitBurst())
                          : shaped.reshaped(
                              limits.userSubmitsPerSecond(), limits.userSubmitBurst()))
              .bucket();
    }
    ConsumptionProbe byUser = byUserBucket.tryConsumeAndReturnRemaining(1);
    if (!byUser.isConsumed()) {
      platform.addTokens(1); // the platform's token was not used
      return OptionalLong.of(millis(byUser));
    }
    return OptionalLong.empty();
  }

  /** This node's part of a cluster-wide figure: never 0, never less than an even split. */
  static long share(long clusterWide, int nodes) {
    return Math.max(1, (clusterWide + nodes - 1) / nodes);
  }

  private static long millis(ConsumptionProbe probe) {
    return Math.max(1, Duration.ofNanos(probe.getNanosToWaitForRefill()).toMillis());
  }

  private static BucketConfiguration configuration(long ratePerSecond, long burst) {
    return BucketConfiguration.builder()
        .addLimit(limit -> limit.capacity(burst).refillGreedy(ratePerSecond, Duration.ofSeconds(1)))
        .build();
  }
}
