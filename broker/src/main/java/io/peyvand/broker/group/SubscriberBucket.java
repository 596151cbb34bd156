package io.peyvand.broker.group;

import io.peyvand.broker.model.Address;
import java.nio.charset.StandardCharsets;

/**
 * One subscription bucket: the subscribers of {@code channel} on one platform whose user id hashes
 * to {@code bucket}. Its entity id in Cluster Sharding is {@code home:channel-id|platform|bucket}
 * (e.g. {@code eitaa:news|bale|17}); a platform id never holds '|', a channel id may, so the id is
 * read from its end.
 *
 * <p>{@link #bucketOf} is part of the stored data: a user is found in the bucket it hashes to, so
 * the function and the number of buckets must never change for a channel once it has subscribers.
 * It is written out here (FNV-1a 64 over the UTF-8 bytes, then MurmurHash3's 64-bit finalizer)
 * rather than taken from {@code String.hashCode} or a library, whose spreading we do not control;
 * {@code SubscriberBucketTest} pins its values.
 */
public record SubscriberBucket(Address channel, String platformId, int bucket) {
  public SubscriberBucket {
    if (platformId == null || platformId.isEmpty() || platformId.indexOf('|') >= 0 || bucket < 0) {
      throw new IllegalArgumentException(
          "not a subscription bucket: " + channel + " " + platformId + " " + bucket);
    }
  }

  /** The bucket of {@code userId} among {@code buckets}. */
  public static int bucketOf(String userId, int buckets) {
    if (buckets < 1) {
      throw new IllegalArgumentException("buckets must be at least 1, not " + buckets);
    }
    long h = 0xcbf29ce484222325L;
    for (byte b : userId.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return (int) Long.remainderUnsigned(h, buckets);
  }

  /** The bucket holding {@code userId} of {@code platformId} in {@code channel}. */
  public static SubscriberBucket of(
      Address channel, String platformId, String userId, int buckets) {
    return new SubscriberBucket(channel, platformId, bucketOf(userId, buckets));
  }

  public String entityId() {
    return channel + "|" + platformId + "|" + bucket;
  }

  /** Reads the text of {@link #entityId()}. */
  public static SubscriberBucket parse(String entityId) {
    int last = entityId.lastIndexOf('|');
    int middle = last <= 0 ? -1 : entityId.lastIndexOf('|', last - 1);
    if (middle <= 0) {
      throw new IllegalArgumentException(
          "'"
              + entityId
              + "' is not a subscription bucket:"
              + " use home:channel-id|platform|bucket");
    }
    try {
      return new SubscriberBucket(
          Address.parse(entityId.substring(0, middle)),
          entityId.substring(middle + 1, last),
          Integer.parseInt(entityId.substring(last + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + entityId + "' has no bucket number", e);
    }
  }

  public BucketCount count(long sequence, long total) {
    return new BucketCount(platformId, bucket, sequence, total);
  }
}
