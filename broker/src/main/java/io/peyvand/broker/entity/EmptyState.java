package io.peyvand.broker.entity;

import java.util.function.Supplier;

/**
 * The empty state of an event-sourced entity whose state is mutable (applied in place, for speed).
 *
 * <p>Pekko asks an {@code EventSourcedBehavior} for its {@code emptyState()} once per actor, not
 * once per incarnation, and recovers every incarnation from that object when there is no snapshot.
 * After a journal failure the entity restarts inside the same actor ({@code onPersistFailure}), so
 * an entity that applied its events to the object {@code emptyState()} returned would recover from
 * a state already holding every event applied before, including the one whose write failed (Pekko
 * applies an event before it writes it). A mailbox recovered that way pushed a message that was
 * never stored, under the sequence number the next stored message then took; the platform's
 * acknowledgement of the first covered the second, which was never delivered
 * (cluster-config/FAULTS.md, finding 8).
 *
 * <p>So such an entity hands Pekko the {@link #pristine} instance, which nothing changes, and its
 * event handler applies each event to {@link #writable}: a fresh state in place of the pristine
 * one, the state itself otherwise.
 */
public final class EmptyState<S> {
  private final Supplier<S> fresh;
  private final S pristine;

  /**
   * @param fresh makes a new empty state: now for the pristine one, then once per incarnation that
   *     recovers without a snapshot
   */
  public EmptyState(Supplier<S> fresh) {
    this.fresh = fresh;
    this.pristine = fresh.get();
  }

  /** What {@code emptyState()} returns: never changed. */
  public S pristine() {
    return pristine;
  }

  /** The state an event may be applied to: a fresh one in place of the pristine one. */
  public S writable(S state) {
    return state == pristine ? fresh.get() : state;
  }
}
