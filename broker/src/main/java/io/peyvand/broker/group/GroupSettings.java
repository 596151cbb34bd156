package io.peyvand.broker.group;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;

/**
 * A group's limits and delivery timing, read from {@code peyvand.groups} (reference.conf holds
 * every default and says what each one does).
 */
public record GroupSettings(
    int maxMembers,
    int dedupEntries,
    Duration retention,
    int deliveryWindow,
    Duration redeliveryAfter,
    Duration tickInterval,
    Duration busyRetryAfter,
    double postsPerSecond,
    int postBurst,
    Duration countsEvery,
    int snapshotEvery) {

  public GroupSettings {
    if (snapshotEvery < 1) {
      throw new IllegalArgumentException("peyvand.groups.snapshot-every must be at least 1");
    }
  }

  public static GroupSettings fromConfig(Config config) {
    Config c = config.getConfig("peyvand.groups");
    return new GroupSettings(
        c.getInt("max-members"),
        c.getInt("dedup-max-entries"),
        c.getDuration("retention"),
        c.getInt("delivery-window"),
        c.getDuration("redelivery-after"),
        c.getDuration("tick-interval"),
        c.getDuration("busy-retry-after"),
        c.getDouble("posts-per-second"),
        c.getInt("post-burst"),
        c.getDuration("reaction-counts-every"),
        c.getInt("snapshot-every"));
  }

  /** The defaults of reference.conf alone, whatever an application.conf says (tests). */
  public static GroupSettings reference() {
    return fromConfig(ConfigFactory.defaultReference());
  }

  /** With another snapshot interval (tests). */
  public GroupSettings withSnapshotEvery(int events) {
    return new GroupSettings(
        maxMembers,
        dedupEntries,
        retention,
        deliveryWindow,
        redeliveryAfter,
        tickInterval,
        busyRetryAfter,
        postsPerSecond,
        postBurst,
        countsEvery,
        events);
  }
}
