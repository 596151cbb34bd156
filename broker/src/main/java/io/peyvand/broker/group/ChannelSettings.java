package io.peyvand.broker.group;

import com.typesafe.config.Config;
import io.peyvand.broker.config.ConfigRecords;
import java.time.Duration;

/**
 * Settings of channels' subscriptions, read once from {@code peyvand.channels} (reference.conf).
 */
public record ChannelSettings(
    int subscriptionBuckets,
    int bulkMaxUsers,
    int snapshotEvery,
    Duration reportRetryAfter,
    Duration bucketAskTimeout,
    Duration countFlushAfter,
    int countFlushMaxBuckets) {

  public ChannelSettings {
    if (subscriptionBuckets < 1
        || bulkMaxUsers < 1
        || snapshotEvery < 1
        || countFlushMaxBuckets < 1) {
      throw new IllegalArgumentException(
          "peyvand.channels: subscription-buckets,"
              + " bulk-max-users, snapshot-every and count-flush-max-buckets must be at least 1");
    }
  }

  public static ChannelSettings fromConfig(Config config) {
    return ConfigRecords.read(config.getConfig("peyvand.channels"), ChannelSettings.class);
  }
}
