package io.peyvand.protocol.sdk;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What the SDK's trackers of requests awaiting an answer ({@link SubmitTracker}, {@link
 * CallTracker}) do alike with their table of pending requests; the caller holds the tracker's lock.
 */
final class PendingRequests {
  private PendingRequests() {}

  /**
   * Empties {@code pending}, resolving each request, in the table's order, with {@code resolve}.
   */
  static <P, R> List<R> takeAll(Map<?, P> pending, Function<P, R> resolve) {
    List<R> resolved = new ArrayList<>();
    for (P p : pending.values()) {
      resolved.add(resolve.apply(p));
    }
    pending.clear();
    return resolved;
  }
}
