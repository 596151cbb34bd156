package io.peyvand.broker.entity;

import java.time.Duration;
import org.apache.pekko.actor.typed.BackoffSupervisorStrategy;
import org.apache.pekko.actor.typed.SupervisorStrategy;

/**
 * How an entity restarts when its journal fails (a write or a recovery): with backoff, so a
 * Cassandra outage is not met by a storm of recoveries.
 */
public final class JournalFailures {

  /** The one-of-a-kind entities: platforms, groups, calls, directories, revocations. */
  public static final BackoffSupervisorStrategy RESTART =
      SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1);

  /**
   * The entities of which a node holds many thousands at once (mailboxes, channel subscriber
   * buckets): an outage fails them together, so their restarts are spread over a longer, more
   * random backoff.
   */
  public static final BackoffSupervisorStrategy RESTART_MANY =
      SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2);

  private JournalFailures() {}
}
