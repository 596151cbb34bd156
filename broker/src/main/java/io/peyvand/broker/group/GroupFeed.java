package io.peyvand.broker.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * A group's log as its platforms receive it: fan-out by platform, not by member. Each item (a post
 * or a membership change) has the group's sequence number and an audience, the platforms that must
 * receive it (those with members when it was accepted, and the platform of a member it removes).
 * Each platform acknowledges cumulatively, once for everything up to a sequence; an item is kept
 * until every platform of its audience has acknowledged it, so a platform that was offline catches
 * up from its own cursor. The work per item is proportional to its platforms, never to the members.
 *
 * <p>Changed only by {@link #append}, {@link #acknowledge} and {@link #expire}, which the group's
 * events drive (so replay rebuilds it), or restored whole from a snapshot ({@link #kept}, {@link
 * #acknowledged()}, {@link #restore}); mutable, owned by its entity alone.
 *
 * @param <T> what an item carries
 */
public final class GroupFeed<T> {

  /** An item and the platforms of its audience that have not acknowledged it yet. */
  public static final class Item<T> {
    private final long sequence;
    private final long acceptedAtMs;
    private final T payload;
    private final Set<String> outstanding;

    Item(long sequence, long acceptedAtMs, T payload, Set<String> audience) {
      this.sequence = sequence;
      this.acceptedAtMs = acceptedAtMs;
      this.payload = payload;
      this.outstanding = new HashSet<>(audience);
    }

    public long sequence() {
      return sequence;
    }

    public long acceptedAtMs() {
      return acceptedAtMs;
    }

    public T payload() {
      return payload;
    }

    /** The platforms of its audience that have not acknowledged it yet (snapshots). */
    Set<String> outstanding() {
      return java.util.Collections.unmodifiableSet(outstanding);
    }
  }

  private final NavigableMap<Long, Item<T>> items = new TreeMap<>();
  private final Map<String, Long> acknowledged = new HashMap<>();
  // platform -> how many kept items it is owed: which platforms are owed anything, without a scan
  private final Map<String, Integer> owedCount = new HashMap<>();
  private long lastSequence;

  public long lastSequence() {
    return lastSequence;
  }

  /** The platform's cursor: it acknowledged (or was never owed) everything up to this. */
  public long acknowledgedUpTo(String platformId) {
    return acknowledged.getOrDefault(platformId, 0L);
  }

  /**
   * What a push to the platform says as its acknowledged_up_to: its cursor, or, when the items just
   * above the cursor were never owed to it (it had no members then: a platform's first item of a
   * group it joined later is not sequence 1), the sequence just below the first item it is owed.
   * Every item at or below it was acknowledged by the platform or never owed to it, so an adapter
   * that waits for each sequence above acknowledged_up_to does not wait for items that never come
   * (found by the conformance kit: the SDK never acknowledged such a group). A gap after an item
   * still unacknowledged is bridged by the next push after that item's acknowledgement.
   */
  public long pushCursor(String platformId) {
    long cursor = acknowledgedUpTo(platformId);
    for (Item<T> item : items.tailMap(cursor, false).values()) {
      if (item.outstanding.contains(platformId)) {
        return item.sequence() - 1;
      }
    }
    return Math.max(cursor, lastSequence);
  }

  /** Items kept (owed to at least one platform). */
  public int size() {
    return items.size();
  }

  /** Adds the next item for {@code audience}; returns its sequence. */
  public long append(long acceptedAtMs, T payload, Set<String> audience) {
    long sequence = ++lastSequence;
    if (!audience.isEmpty()) {
      items.put(sequence, new Item<>(sequence, acceptedAtMs, payload, audience));
      audience.forEach(platform -> owedCount.merge(platform, 1, Integer::sum));
    }
    return sequence;
  }

  /**
   * Up to {@code limit} items owed to the platform above its cursor, in order: what to push to one
   * of its sessions (the window).
   */
  public List<Item<T>> owed(String platformId, int limit) {
    List<Item<T>> owed = new ArrayList<>();
    for (Item<T> item : items.tailMap(acknowledgedUpTo(platformId), false).values()) {
      if (item.outstanding.contains(platformId)) {
        owed.add(item);
        if (owed.size() == limit) {
          break;
        }
      }
    }
    return owed;
  }

  /**
   * How many kept items above the platform's cursor up to {@code upTo} it is owed: what an
   * acknowledgement up to there takes off its account (counted in the metrics).
   */
  public int owedUpTo(String platformId, long upTo) {
    long from = acknowledgedUpTo(platformId);
    if (upTo <= from) {
      return 0;
    }
    int owed = 0;
    for (Item<T> item : items.subMap(from, false, upTo, true).values()) {
      if (item.outstanding.contains(platformId)) {
        owed++;
      }
    }
    return owed;
  }

  /** Whether {@code upTo} is a sequence the platform may acknowledge (it was appended). */
  public boolean mayAcknowledge(long upTo) {
    return upTo >= 1 && upTo <= lastSequence;
  }

  /** The platform received everything owed to it up to {@code upTo}; false if nothing changed. */
  public boolean acknowledge(String platformId, long upTo) {
    long from = acknowledgedUpTo(platformId);
    if (upTo <= from) {
      return false;
    }
    acknowledged.put(platformId, upTo);
    var range = items.subMap(from, false, upTo, true);
    range
        .values()
        .removeIf(
            item -> {
              if (!item.outstanding.remove(platformId)) {
                return false;
              }
              owedCount.computeIfPresent(platformId, (p, n) -> n > 1 ? n - 1 : null);
              return item.outstanding.isEmpty();
            });
    return true;
  }

  /** Gives up every item accepted before {@code cutoffMs} (retention); returns how many. */
  public int expire(long cutoffMs) {
    int before = items.size();
    items
        .values()
        .removeIf(
            item -> {
              if (item.acceptedAtMs >= cutoffMs) {
                return false;
              }
              item.outstanding.forEach(
                  platform -> owedCount.computeIfPresent(platform, (p, n) -> n > 1 ? n - 1 : null));
              return true;
            });
    return before - items.size();
  }

  /** The platforms still owed something, for the sweep that wakes the group. */
  public Set<String> platformsOwed() {
    return Set.copyOf(owedCount.keySet());
  }

  /** How many kept items the platform is owed. */
  public int owedCount(String platformId) {
    return owedCount.getOrDefault(platformId, 0);
  }

  /** Every kept item, by sequence: with {@link #acknowledged()}, what a snapshot stores. */
  java.util.Collection<Item<T>> kept() {
    return java.util.Collections.unmodifiableCollection(items.values());
  }

  /** Every platform's cursor (snapshots). */
  Map<String, Long> acknowledged() {
    return java.util.Collections.unmodifiableMap(acknowledged);
  }

  /**
   * Fills an empty feed with a snapshot's contents: the latest sequence, the cursors, and each kept
   * item with the platforms it is still owed to ({@code kept}: sequence, accepted-at, payload,
   * outstanding). The owed counts are derived from the items, as {@link #append} does.
   */
  void restore(long lastSequence, Map<String, Long> cursors, List<Item<T>> kept) {
    if (this.lastSequence != 0 || !items.isEmpty()) {
      throw new IllegalStateException("a feed is restored only when empty");
    }
    this.lastSequence = lastSequence;
    acknowledged.putAll(cursors);
    for (Item<T> item : kept) {
      if (!item.outstanding.isEmpty()) {
        items.put(item.sequence, item);
        item.outstanding.forEach(platform -> owedCount.merge(platform, 1, Integer::sum));
      }
    }
  }

  /** The oldest kept item's acceptance time, if any is kept (for expiry). */
  public java.util.OptionalLong oldestAcceptedAtMs() {
    return items.isEmpty()
        ? java.util.OptionalLong.empty()
        : java.util.OptionalLong.of(items.firstEntry().getValue().acceptedAtMs);
  }
}
