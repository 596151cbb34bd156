package io.peyvand.broker.mailbox;

import com.typesafe.config.Config;
import io.peyvand.broker.config.ConfigRecords;
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
    Duration dedupWindow,
    int dedupMaxEntries) {

  public MailboxSettings {
    if (deliveryWindow < 1) {
      throw new IllegalArgumentException("peyvand.mailbox.delivery-window must be at least 1");
    }
  }

  public static MailboxSettings fromConfig(Config config) {
    return ConfigRecords.read(config.getConfig("peyvand.mailbox"), MailboxSettings.class);
  }

  /** What a mailbox's state keeps of accepted message ids. */
  public MailboxState.Limits limits() {
    return new MailboxState.Limits(dedupWindow, dedupMaxEntries);
  }
}
