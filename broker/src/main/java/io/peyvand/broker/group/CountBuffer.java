package io.peyvand.broker.group;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The channel's side of the bucket reports, between their arrival and one persisted event: during a
 * bulk subscription every bucket reports after every change, and persisting each report alone would
 * cost the channel one journal write per bucket change. The channel offers each report here,
 * flushes after a short interval (or when {@code maxBuckets} buckets wait), persists the drained
 * {@link SubscribersCounted} as ONE event, and only then confirms every drained waiter.
 *
 * <p>Only the newest report of each bucket is kept (counts are absolute); the waiters of the
 * reports it replaced are confirmed with it. A report the channel's counts already cover is {@link
 * Offer#STALE}: confirm it at once, nothing to persist. Pure and owned by one entity; {@code W} is
 * whatever the channel confirms with (e.g. a reply-to ref).
 */
public final class CountBuffer<W> {

  /** What the channel does after an offer. */
  public enum Offer {
    /** Already covered by the counts: confirm now, persist nothing. */
    STALE,
    /** The first report waiting: start the flush timer. */
    FIRST,
    /** Buffered behind others: the timer is running. */
    ADDED,
    /** {@code maxBuckets} buckets wait: drain and persist now. */
    FULL
  }

  /** One event to persist, and whom to confirm once it is persisted. */
  public record Drained<W>(SubscribersCounted event, List<W> waiters) {}

  private record Key(String platformId, int bucket) {}

  private final int maxBuckets;
  private final Map<Key, BucketCount> latest = new LinkedHashMap<>();
  private final List<W> waiters = new ArrayList<>();

  public CountBuffer(int maxBuckets) {
    if (maxBuckets < 1) {
      throw new IllegalArgumentException("a count buffer holds at least one bucket");
    }
    this.maxBuckets = maxBuckets;
  }

  public Offer offer(BucketCount count, W waiter, SubscriberCounts counts) {
    if (!counts.isNewer(count)) {
      return Offer.STALE;
    }
    boolean first = latest.isEmpty();
    latest.merge(
        new Key(count.platformId(), count.bucket()),
        count,
        (held, offered) -> offered.bucketSequence() > held.bucketSequence() ? offered : held);
    waiters.add(waiter);
    if (latest.size() >= maxBuckets) {
      return Offer.FULL;
    }
    return first ? Offer.FIRST : Offer.ADDED;
  }

  public boolean isEmpty() {
    return latest.isEmpty();
  }

  /** Everything buffered, as one event, and its waiters; the buffer is empty after. */
  public Drained<W> drain() {
    Drained<W> drained =
        new Drained<>(new SubscribersCounted(List.copyOf(latest.values())), List.copyOf(waiters));
    latest.clear();
    waiters.clear();
    return drained;
  }
}
