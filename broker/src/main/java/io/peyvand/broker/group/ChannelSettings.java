package io.peyvand.broker.group;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Settings of channels' subscriptions, read once from {@code peyvand.channels} (reference.conf).
 */
public record ChannelSettings(
    int subscriptionBuckets,
    int maxBulkUsers,
    int snapshotEvery,
    Duration reportRetryAfter,
    Duration bucketAskTimeout,
    Duration countFlushAfter,
    int countFlushMaxBuckets) {

  public ChannelSettings {
    if (subscriptionBuckets < 1
        || maxBulkUsers < 1
        || snapshotEvery < 1
        || countFlushMaxBuckets < 1) {
      throw new IllegalArgumentException(
          "peyvand.channels: subscription-buckets,"
              + " bulk-max-users, snapshot-every and count-flush-max-buckets must be at least 1");
    }
  }

  public static ChannelSettings fromConfig(Config config) {
    Config c = config.getConfig("peyvand.channels");
    return new ChannelSettings(
        c.getInt("subscription-buckets"),
        c.getInt("bulk-max-users"),
        c.getInt("snapshot-every"),
        c.getDuration("report-retry-after"),
        c.getDuration("bucket-ask-timeout"),
        c.getDuration("count-flush-after"),
        c.getInt("count-flush-max-buckets"));
  }
}
