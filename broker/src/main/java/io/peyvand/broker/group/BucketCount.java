package io.peyvand.broker.group;

/**
 * What one subscription bucket of a channel tells the channel after each change: its ABSOLUTE
 * number of subscribers as of its own sequence, not a delta. Absolute counts make the report
 * idempotent: the channel keeps the latest per bucket (by {@code bucketSequence}) and sums them per
 * platform, so a report sent twice, late or out of order changes nothing ({@link
 * SubscriberCounts}).
 *
 * @param platformId the platform of the bucket's users
 * @param bucket the bucket's index, 0 to buckets - 1 ({@link SubscriberBucket#bucketOf})
 * @param bucketSequence the bucket's sequence (its events so far) when it had {@code total}
 * @param total the bucket's subscribers at that sequence
 */
public record BucketCount(String platformId, int bucket, long bucketSequence, long total) {
  public BucketCount {
    if (platformId == null
        || platformId.isEmpty()
        || bucket < 0
        || bucketSequence < 0
        || total < 0) {
      throw new IllegalArgumentException(
          "not a bucket count: " + platformId + " " + bucket + " " + bucketSequence + " " + total);
    }
  }
}
