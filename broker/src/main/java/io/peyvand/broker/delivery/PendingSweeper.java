package io.peyvand.broker.delivery;

import io.peyvand.persistence.pending.PendingMailboxStore;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes the mailboxes that hold work for a platform: those listed in the pending index. Run when a
 * session of the platform appears and periodically for the platforms with sessions, so that a
 * mailbox that stopped (passivated, or lost with its node) delivers what it holds. Waking a mailbox
 * with nothing to do costs one recovery and is otherwise harmless.
 */
public final class PendingSweeper {
  private static final Logger log = LoggerFactory.getLogger(PendingSweeper.class);

  private final PendingMailboxStore store;
  private final Consumer<String> wake;
  private final Set<String> running = ConcurrentHashMap.newKeySet();

  /**
   * @param wake wakes one mailbox, given its address text
   */
  public PendingSweeper(PendingMailboxStore store, Consumer<String> wake) {
    this.store = store;
    this.wake = wake;
  }

  /** Wakes every listed mailbox of the platform; a sweep already running for it is not doubled. */
  public void sweep(String platformId) {
    if (!running.add(platformId)) {
      return;
    }
    store
        .list(platformId)
        .whenComplete(
            (mailboxes, error) -> {
              running.remove(platformId);
              if (error != null) {
                log.warn(
                    "Sweep of platform {} failed (the next one retries): {}",
                    platformId,
                    error.toString());
                return;
              }
              if (!mailboxes.isEmpty()) {
                log.debug("Waking {} mailboxes of platform {}", mailboxes.size(), platformId);
              }
              mailboxes.forEach(wake);
            });
  }
}
