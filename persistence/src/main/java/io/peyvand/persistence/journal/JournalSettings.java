package io.peyvand.persistence.journal;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Settings of {@link CassandraJournal} and {@link CassandraSnapshotStore}, read once from the
 * plugin's configuration block ({@code peyvand.journal} / {@code peyvand.snapshot-store} in
 * reference.conf, which explains every key). The keyspace names and the partition size are the
 * Cassandra plugin's own keys, so that both journals always address the same rows.
 *
 * @param keyspace keyspace of the messages, metadata and all_persistence_ids tables
 * @param targetPartitionSize events per Cassandra partition of one persistence id; must equal the
 *     value every writer of these tables ever used
 * @param sessionConfigPath configuration path of the shared driver session
 * @param writeProfile driver execution profile of writes (its consistency makes a write durable)
 * @param readProfile driver execution profile of reads
 * @param maxBatchRows most rows in one Cassandra request
 * @param maxBatchBytes most bytes of rows (estimated) in one Cassandra request; kept below
 *     Cassandra's batch_size_fail_threshold (a larger single write goes alone, unbatched)
 * @param maxInFlight most write requests outstanding at once
 * @param timeBucketMillis length of the plugin's time buckets (the timebucket column)
 * @param allPersistenceIds whether a new persistence id is recorded in all_persistence_ids
 * @param replayPageSize rows fetched per page when replaying
 * @param factShards partitions per day of the event_facts table
 * @param factTtlSeconds how long an event fact is kept
 */
public record JournalSettings(
    String keyspace,
    long targetPartitionSize,
    String sessionConfigPath,
    String writeProfile,
    String readProfile,
    int maxBatchRows,
    int maxBatchBytes,
    int maxInFlight,
    long timeBucketMillis,
    boolean allPersistenceIds,
    int replayPageSize,
    int factShards,
    int factTtlSeconds) {

  public JournalSettings {
    if (targetPartitionSize < 1) {
      throw new IllegalArgumentException("target-partition-size must be at least 1");
    }
    if (factShards < 1 || factTtlSeconds < 1) {
      throw new IllegalArgumentException("fact-shards and fact-ttl must be positive");
    }
    if (maxBatchRows < 1 || maxBatchBytes < 1 || maxInFlight < 1 || replayPageSize < 1) {
      throw new IllegalArgumentException(
          "max-batch-rows, max-batch-bytes, max-in-flight and replay-page-size must be positive");
    }
  }

  /**
   * Reads the settings of the journal plugin block {@code plugin} (e.g. {@code peyvand.journal})
   * from the whole configuration {@code root}.
   */
  public static JournalSettings fromConfig(Config root, Config plugin) {
    return new JournalSettings(
        root.getString("pekko.persistence.cassandra.journal.keyspace"),
        root.getLong("pekko.persistence.cassandra.journal.target-partition-size"),
        plugin.getString("session-config-path"),
        plugin.getString("write-profile"),
        plugin.getString("read-profile"),
        plugin.getInt("max-batch-rows"),
        (int) plugin.getBytes("max-batch-bytes").longValue(),
        plugin.getInt("max-in-flight"),
        bucketMillis(root.getString("pekko.persistence.cassandra.events-by-tag.bucket-size")),
        root.getBoolean("pekko.persistence.cassandra.journal.support-all-persistence-ids"),
        plugin.getInt("replay-page-size"),
        plugin.getInt("fact-shards"),
        (int) plugin.getDuration("fact-ttl").toSeconds());
  }

  /** The partition an event of {@code sequenceNr} belongs to (before atomic-write placement). */
  public long partitionNr(long sequenceNr) {
    return (sequenceNr - 1L) / targetPartitionSize;
  }

  /** The plugin's BucketSize names: Day, Hour, Minute, Second. */
  static long bucketMillis(String name) {
    return switch (name) {
      case "Day" -> Duration.ofDays(1).toMillis();
      case "Hour" -> Duration.ofHours(1).toMillis();
      case "Minute" -> Duration.ofMinutes(1).toMillis();
      case "Second" -> Duration.ofSeconds(1).toMillis();
      default -> throw new IllegalArgumentException("unknown events-by-tag.bucket-size " + name);
    };
  }
}
