package io.peyvand.broker.platform;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * A node-local, short-lived cache of platform registrations, read on every submission. A change
 * made through this node is seen at once; one made through another node within {@code ttl}.
 * Each registered platform it learns of is handed to {@code onRegistered} once (the broker has
 * every node watch that platform's sessions).
 */
public final class PlatformCatalog {
  private record Entry(Optional<Platform.Info> info, long fetchedAtNanos) {}

  private final ActorSystem<?> system;
  private final Duration ttl;
  private final Duration askTimeout;
  private final Map<String, Entry> cache = new ConcurrentHashMap<>();
  private final Consumer<String> onRegistered;
  private final Set<String> registered = ConcurrentHashMap.newKeySet();

  public PlatformCatalog(ActorSystem<?> system, Duration ttl, Duration askTimeout) {
    this(system, ttl, askTimeout, platformId -> { });
  }

  /** @param onRegistered called once per registered platform this catalog learns of */
  public PlatformCatalog(ActorSystem<?> system, Duration ttl, Duration askTimeout,
      Consumer<String> onRegistered) {
    this.system = system;
    this.ttl = ttl;
    this.askTimeout = askTimeout;
    this.onRegistered = onRegistered;
  }

  /** The platform's registration, or empty if it is not registered. */
  public CompletionStage<Optional<Platform.Info>> get(String platformId) {
    Entry entry = cache.get(platformId);
    if (entry != null && System.nanoTime() - entry.fetchedAtNanos() < ttl.toNanos()) {
      return CompletableFuture.completedFuture(entry.info());
    }
    return AskPattern.<Platform.Command, Platform.Lookup>ask(
            ClusterSharding.get(system).entityRefFor(Platform.ENTITY_KEY, platformId),
            Platform.Get::new, askTimeout, system.scheduler())
        .thenApply(lookup -> {
          cache.put(platformId, new Entry(lookup.info(), System.nanoTime()));
          lookup.info().ifPresent(info -> learned(info.platformId()));
          return lookup.info();
        });
  }

  /** Replaces what is cached for a platform, after a change made through this node. */
  public void update(Platform.Info info) {
    cache.put(info.platformId(), new Entry(Optional.of(info), System.nanoTime()));
    learned(info.platformId());
  }

  private void learned(String platformId) {
    if (registered.add(platformId)) {
      onRegistered.accept(platformId);
    }
  }
}
