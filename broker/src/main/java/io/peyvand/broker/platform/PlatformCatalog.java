package io.peyvand.broker.platform;

import io.peyvand.broker.entity.Asks;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * A node-local, short-lived cache of platform registrations, read on every submission. A change
 * made through this node is seen at once; one made through another node within {@code ttl}. Each
 * registered platform it learns of is handed to {@code onRegistered} once (the broker has every
 * node watch that platform's sessions).
 *
 * <p>When a registration cannot be read (its Platform entity is on a node that is unreachable, or
 * moving), the copy already held is used rather than failing every submission to and from the
 * platform for the ask timeout: it is marked stale, served at once, and read again in the
 * background, one read at a time, until a read succeeds (FAULTS.md, finding 10). A platform never
 * read yet cannot be served: its lookup fails.
 */
public final class PlatformCatalog {
  /** {@code stale}: the last read failed; served as is until one succeeds. */
  private record Entry(Optional<Platform.Info> info, long fetchedAtNanos, boolean stale) {}

  private final ActorSystem<?> system;
  private final Duration ttl;
  private final Duration askTimeout;
  private final Map<String, Entry> cache = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Optional<Platform.Info>>> reading =
      new ConcurrentHashMap<>();
  private final Consumer<String> onRegistered;
  private final Set<String> registered = ConcurrentHashMap.newKeySet();

  public PlatformCatalog(ActorSystem<?> system, Duration ttl, Duration askTimeout) {
    this(system, ttl, askTimeout, platformId -> {});
  }

  /**
   * @param onRegistered called once per registered platform this catalog learns of
   */
  public PlatformCatalog(
      ActorSystem<?> system, Duration ttl, Duration askTimeout, Consumer<String> onRegistered) {
    this.system = system;
    this.ttl = ttl;
    this.askTimeout = askTimeout;
    this.onRegistered = onRegistered;
  }

  /** The platform's registration, or empty if it is not registered. */
  public CompletionStage<Optional<Platform.Info>> get(String platformId) {
    Entry entry = cache.get(platformId);
    if (entry != null) {
      boolean fresh = System.nanoTime() - entry.fetchedAtNanos() < ttl.toNanos();
      if (fresh) {
        return CompletableFuture.completedFuture(entry.info());
      }
      if (entry.stale()) {
        read(platformId);
        return CompletableFuture.completedFuture(entry.info());
      }
    }
    return read(platformId);
  }

  /**
   * Reads the registration from its entity, one read per platform at a time; on failure answers the
   * copy held, marked stale, or fails when there is none.
   */
  private CompletionStage<Optional<Platform.Info>> read(String platformId) {
    CompletableFuture<Optional<Platform.Info>> mine = new CompletableFuture<>();
    CompletableFuture<Optional<Platform.Info>> running = reading.putIfAbsent(platformId, mine);
    if (running != null) {
      return running;
    }
    Asks.get(system)
        .<Platform.Command, Platform.Lookup>ask(
            ClusterSharding.get(system).entityRefFor(Platform.ENTITY_KEY, platformId),
            Platform.Get::new,
            askTimeout)
        .whenComplete(
            (lookup, error) -> {
              reading.remove(platformId, mine);
              if (error == null) {
                cache.put(platformId, new Entry(lookup.info(), System.nanoTime(), false));
                lookup.info().ifPresent(info -> learned(info.platformId()));
                mine.complete(lookup.info());
                return;
              }
              Entry held = cache.get(platformId);
              if (held == null) {
                mine.completeExceptionally(error);
                return;
              }
              cache.put(platformId, new Entry(held.info(), held.fetchedAtNanos(), true));
              mine.complete(held.info());
            });
    return mine;
  }

  /** Replaces what is cached for a platform, after a change made through this node. */
  public void update(Platform.Info info) {
    cache.put(info.platformId(), new Entry(Optional.of(info), System.nanoTime(), false));
    learned(info.platformId());
  }

  private void learned(String platformId) {
    if (registered.add(platformId)) {
      onRegistered.accept(platformId);
    }
  }
}
