package io.peyvand.broker.delivery;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Where an entity stands in the pending index, as a state machine without I/O: a mailbox has one
 * key (its own row), a group one per platform it owes items. A key is not registered, being
 * registered (a write in flight), or registered. Replies that promise delivery ("accepted") wait
 * until every key they need is registered, so that a stopped entity is woken by the sweep.
 *
 * <p>Each method returns what the entity must do (the keys to register or unregister, the replies
 * now due); the entity does the writes (pipeToSelf), the timers and the tells. Used from the
 * entity's thread only.
 *
 * @param <K> what names a row of the entity in the index (a platform for a group)
 */
public final class PendingRegistration<K> {
  private final Set<K> registered = new HashSet<>();
  private final Set<K> registering = new HashSet<>();
  private final List<Waiting<K>> waiting = new ArrayList<>();

  private record Waiting<K>(Set<K> keys, Runnable reply) {}

  /**
   * The keys of {@code keys} that need a write now: neither registered nor being registered. They
   * count as being registered from now on; report each write with {@link #written}.
   */
  public Set<K> toRegister(Set<K> keys) {
    Set<K> now = new HashSet<>();
    for (K key : keys) {
      if (!registered.contains(key) && registering.add(key)) {
        now.add(key);
      }
    }
    return now;
  }

  /**
   * Runs {@code reply} at once when every key of {@code keys} is registered (at once for none);
   * otherwise keeps it until they are. Returns the keys to write now (see {@link #toRegister}).
   */
  public Set<K> whenRegistered(Set<K> keys, Runnable reply) {
    if (registered.containsAll(keys)) {
      reply.run();
      return Set.of();
    }
    waiting.add(new Waiting<>(Set.copyOf(keys), reply));
    return toRegister(keys);
  }

  /**
   * A write for {@code key} ended. On success the key is registered, and the replies that waited
   * only for registered keys are returned, to run now. On failure the key is not registered and
   * nothing is due: the replies keep waiting and the entity tries again later.
   */
  public List<Runnable> written(K key, boolean ok) {
    registering.remove(key);
    if (!ok) {
      return List.of();
    }
    registered.add(key);
    List<Runnable> due = new ArrayList<>();
    for (Iterator<Waiting<K>> it = waiting.iterator(); it.hasNext(); ) {
      Waiting<K> w = it.next();
      if (registered.containsAll(w.keys())) {
        due.add(w.reply());
        it.remove();
      }
    }
    return due;
  }

  /**
   * The registered keys not in {@code stillOwed}: the entity owes nothing there any more, so it
   * unregisters them (they count as not registered from now on). Keys being written stay.
   */
  public Set<K> toUnregister(Set<K> stillOwed) {
    Set<K> drained = new HashSet<>();
    for (Iterator<K> it = registered.iterator(); it.hasNext(); ) {
      K key = it.next();
      if (!stillOwed.contains(key)) {
        drained.add(key);
        it.remove();
      }
    }
    return drained;
  }

  /** Whether {@code key} is registered (its write succeeded and it was not unregistered). */
  public boolean isRegistered(K key) {
    return registered.contains(key);
  }
}
