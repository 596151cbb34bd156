package io.peyvand.broker.group;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.peyvand.broker.config.ConfigRecords;
import java.time.Duration;

/**
 * A group's limits and delivery timing, read from {@code peyvand.groups} (reference.conf holds
 * every default and says what each one does).
 */
public record GroupSettings(
    int maxMembers,
    int dedupMaxEntries,
    Duration retention,
    int deliveryWindow,
    Duration redeliveryAfter,
    Duration tickInterval,
    Duration busyRetryAfter,
    double postsPerSecond,
    int postBurst,
    Duration reactionCountsEvery,
    int snapshotEvery) {

  public GroupSettings {
    if (snapshotEvery < 1) {
      throw new IllegalArgumentException("peyvand.groups.snapshot-every must be at least 1");
    }
  }

  public static GroupSettings fromConfig(Config config) {
    return ConfigRecords.read(config.getConfig("peyvand.groups"), GroupSettings.class);
  }

  /** The defaults of reference.conf alone, whatever an application.conf says (tests). */
  public static GroupSettings reference() {
    return fromConfig(ConfigFactory.defaultReference());
  }

  /** With another snapshot interval (tests). */
  public GroupSettings withSnapshotEvery(int events) {
    return new GroupSettings(
        maxMembers,
        dedupMaxEntries,
        retention,
        deliveryWindow,
        redeliveryAfter,
        tickInterval,
        busyRetryAfter,
        postsPerSecond,
        postBurst,
        reactionCountsEvery,
        events);
  }
}
