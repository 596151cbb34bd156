package io.peyvand.broker.mailbox;

import com.typesafe.config.Config;
import java.time.Duration;

/** Settings of user mailboxes, read once from {@code peyvand.mailbox} (see reference.conf). */
public record MailboxSettings(
    int deliveryWindow,
    Duration redeliveryAfter,
    Duration retention,
    Duration tickInterval,
    Duration busyRetryAfter,
    Duration notifyRetryAfter,
    int maxNotificationsInFlight,
    Duration statusFlushAfter,
    int snapshotEvery,
    int pendingIndexBuckets,
    Duration sweepInterval,
    Duration expirySweepInterval,
    Duration platformsRefreshInterval,
    MailboxState.Limits limits) {

  public MailboxSettings {
    if (deliveryWindow < 1) {
      throw new IllegalArgumentException("peyvand.mailbox.delivery-window must be at least 1");
    }
  }

  public static MailboxSettings fromConfig(Config config) {
    Config c = config.getConfig("peyvand.mailbox");
    return new MailboxSettings(
        c.getInt("delivery-window"),
        c.getDuration("redelivery-after"),
        c.getDuration("retention"),
        c.getDuration("tick-interval"),
        c.getDuration("busy-retry-after"),
        c.getDuration("notify-retry-after"),
        c.getInt("max-notifications-in-flight"),
        c.getDuration("status-flush-after"),
        c.getInt("snapshot-every"),
        c.getInt("pending-index-buckets"),
        c.getDuration("sweep-interval"),
        c.getDuration("expiry-sweep-interval"),
        c.getDuration("platforms-refresh-interval"),
        new MailboxState.Limits(c.getDuration("dedup-window"), c.getInt("dedup-max-entries")));
  }
}
