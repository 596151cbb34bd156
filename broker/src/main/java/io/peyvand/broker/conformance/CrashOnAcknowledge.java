package io.peyvand.broker.conformance;

import java.util.concurrent.atomic.AtomicLong;

/**
 * When acknowledges-after-storing crashes the adapter: at the first Acknowledge of the echo user's
 * mailbox that covers a message the scenario sent. That needs two facts which come from two threads
 * in either order: the first sequence sent (when the broker answers the kit's Submit) and the
 * Acknowledges (as the sandbox's edge sees them; the adapter may acknowledge a push before the
 * kit's Submit is answered). Whichever call brings the second fact crashes, exactly once.
 */
final class CrashOnAcknowledge {
  private static final long NONE = -1;

  private final Runnable crash;
  private final AtomicLong firstSequence = new AtomicLong(Long.MAX_VALUE);
  private final AtomicLong highestAcknowledged = new AtomicLong(NONE);
  private final AtomicLong crashedAt = new AtomicLong(NONE);

  CrashOnAcknowledge(Runnable crash) {
    this.crash = crash;
  }

  /** The broker accepted one of the scenario's messages at {@code sequence}. */
  void sent(long sequence) {
    firstSequence.compareAndSet(Long.MAX_VALUE, sequence);
    crashIfCovered();
  }

  /** The adapter acknowledged the mailbox up to {@code upToSequence}. */
  void acknowledged(long upToSequence) {
    highestAcknowledged.accumulateAndGet(upToSequence, Math::max);
    crashIfCovered();
  }

  boolean crashed() {
    return crashedAt.get() != NONE;
  }

  /**
   * The highest sequence acknowledged when the crash came (everything up to it must have been
   * stored), or -1 before it.
   */
  long crashedAt() {
    return crashedAt.get();
  }

  private void crashIfCovered() {
    long upTo = highestAcknowledged.get();
    if (upTo >= firstSequence.get() && crashedAt.compareAndSet(NONE, upTo)) {
      crash.run();
    }
  }
}
