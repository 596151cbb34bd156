package io.peyvand.loadtests;

import io.peyvand.protocol.sdk.AckTracker;
import java.util.SplittableRandom;

/**
 * What one virtual user (one platform session) keeps between its Gatling actions, stored in its
 * Gatling session under {@link #KEY}: its platform, its part of the arrival schedule, its random
 * and which deliveries it has to acknowledge. Used by one virtual user at a time.
 */
final class PlatformSession {
  static final String KEY = "platformSession";

  final String platform;

  /** This session's part of all traffic: its platform's share over its platform's sessions. */
  final double fraction;

  final SplittableRandom random;

  /** Automatic acknowledgement, no deduplication: every delivery goes to the ledger. */
  final AckTracker acks = new AckTracker(true, false, 100_000);

  private long correlation;

  /** The next arrival, seconds from the run's start; infinity when there is none. */
  double nextDue;

  /** Whether this session has dropped and reconnected (ReconnectStorm). */
  boolean stormDone;

  PlatformSession(String platform, double fraction, long seed) {
    this.platform = platform;
    this.fraction = fraction;
    this.random = new SplittableRandom(seed);
  }

  long nextCorrelation() {
    return ++correlation;
  }
}
