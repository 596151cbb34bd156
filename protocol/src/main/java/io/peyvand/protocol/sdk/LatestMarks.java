package io.peyvand.protocol.sdk;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Cumulative marks waiting to be sent (acknowledgements, read receipts): per key only the highest
 * value is kept, so a burst of marks for one mailbox becomes one frame. The sender drains them and
 * raises back what it could not send. Its size is bounded by the keys marked since the last drain.
 */
final class LatestMarks<K> {
  private final Map<K, Long> marks = new LinkedHashMap<>();

  synchronized void raise(K key, long value) {
    marks.merge(key, value, Math::max);
  }

  /** Every mark, emptying this. */
  synchronized Map<K, Long> drain() {
    if (marks.isEmpty()) {
      return Map.of();
    }
    Map<K, Long> drained = new LinkedHashMap<>(marks);
    marks.clear();
    return drained;
  }
}
