package io.peyvand.broker.group;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A channel's subscriber count per platform, exact without ever scanning the subscribers: the
 * channel side of the subscription buckets ({@link ChannelSubscribers}). It keeps the latest {@link
 * BucketCount} of every bucket that reported, and per platform the sum of their totals, updated by
 * difference on each report. A report no newer than what is known for its bucket (same or lower
 * bucket sequence: a retry, a duplicate, a late arrival) is ignored, so at-least-once reports yield
 * exact counts. Memory and work are O(platforms x buckets), whatever the number of subscribers.
 *
 * <p>Mutable and owned by its entity alone, like {@link Membership}. Its stored form is the list of
 * {@link #buckets()}.
 */
public final class SubscriberCounts {

  private record Key(String platformId, int bucket) {}

  private final Map<Key, BucketCount> buckets = new HashMap<>();
  private final Map<String, Long> perPlatform = new TreeMap<>();
  private long total;

  /** The counts as stored ({@link #buckets()}), each applied in turn. */
  public static SubscriberCounts of(Collection<BucketCount> stored) {
    SubscriberCounts counts = new SubscriberCounts();
    stored.forEach(counts::apply);
    return counts;
  }

  /** True when {@code count} is newer than what is known of its bucket: it would change state. */
  public boolean isNewer(BucketCount count) {
    BucketCount known = buckets.get(new Key(count.platformId(), count.bucket()));
    return known == null || count.bucketSequence() > known.bucketSequence();
  }

  /** Takes {@code count} unless stale; true if it was taken. */
  public boolean apply(BucketCount count) {
    if (!isNewer(count)) {
      return false;
    }
    BucketCount earlier = buckets.put(new Key(count.platformId(), count.bucket()), count);
    long delta = count.total() - (earlier == null ? 0 : earlier.total());
    total += delta;
    long sum = perPlatform.getOrDefault(count.platformId(), 0L) + delta;
    if (sum == 0) {
      perPlatform.remove(count.platformId());
    } else {
      perPlatform.put(count.platformId(), sum);
    }
    return true;
  }

  /** Applies each count of the event; replaying it gives the same counts. */
  public SubscriberCounts apply(SubscribersCounted event) {
    event.counts().forEach(this::apply);
    return this;
  }

  /** Subscribers per platform, platforms with none left out, by platform id. */
  public Map<String, Long> perPlatform() {
    return Collections.unmodifiableMap(perPlatform);
  }

  public long count(String platformId) {
    return perPlatform.getOrDefault(platformId, 0L);
  }

  public long total() {
    return total;
  }

  /** The latest count of every bucket heard of, by platform then bucket: the stored form. */
  public List<BucketCount> buckets() {
    List<BucketCount> all = new ArrayList<>(buckets.values());
    all.sort(Comparator.comparing(BucketCount::platformId).thenComparingInt(BucketCount::bucket));
    return all;
  }
}
