package io.peyvand.broker.group;

import java.util.List;

/**
 * The channel recorded these buckets' counts, collected over a short interval and persisted as one
 * event ({@link CountBuffer}); applied by {@link SubscriberCounts#apply(SubscribersCounted)}, which
 * ignores the stale ones, so replaying it is exact. An event of the channel entity (stored form
 * "channel-subscribers-counted").
 */
public record SubscribersCounted(List<BucketCount> counts) implements Group.Event {
  public SubscribersCounted {
    counts = List.copyOf(counts);
  }
}
