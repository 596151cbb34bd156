package io.peyvand.broker.delivery;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Which sessions of each platform are connected anywhere in the cluster, as this node sees them
 * through the Receptionist (one service key per platform). Mailboxes ask it for the session to
 * push to; sessions register themselves under their platform's key. A mailbox is always given the
 * same session while the set of sessions is unchanged (chosen by its address), so that its items
 * stay in order on one stream.
 *
 * <p>Node-local extension: reads are lock-free map lookups on the mailbox's hot path, updates come
 * from one subscriber actor.
 */
public final class SessionDirectory implements Extension {

  public static final ExtensionId<SessionDirectory> ID = new ExtensionId<>() {
    @Override
    public SessionDirectory createExtension(ActorSystem<?> system) {
      return new SessionDirectory(system);
    }
  };

  public static SessionDirectory get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** The Receptionist key sessions of a platform register under. */
  public static ServiceKey<Deliver> keyFor(String platformId) {
    return ServiceKey.create(Deliver.class, "peyvand-sessions-" + platformId);
  }

  private final ActorSystem<?> system;
  private final Map<String, List<ActorRef<Deliver>>> sessions = new ConcurrentHashMap<>();
  private final Set<String> watched = ConcurrentHashMap.newKeySet();
  private final List<BiConsumer<String, Integer>> listeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  private SessionDirectory(ActorSystem<?> system) {
    this.system = system;
  }

  /**
   * The session to push a mailbox's items to, if its platform has any. Starts watching the
   * platform on first use (then sessions appear within moments).
   */
  public Optional<ActorRef<Deliver>> sessionFor(String platformId, String mailbox) {
    return sessionFor(platformId, mailbox, 0);
  }

  /**
   * The session for a mailbox's {@code turn}-th choice: turn 0 is its usual session, each next
   * turn the following one of the platform's sessions. A mailbox whose pushes go unacknowledged
   * takes its next turn, so one adapter session that loses frames cannot hold its items while
   * the platform has another session.
   */
  public Optional<ActorRef<Deliver>> sessionFor(String platformId, String mailbox, int turn) {
    watch(platformId);
    List<ActorRef<Deliver>> list = sessions.getOrDefault(platformId, List.of());
    if (list.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(list.get(Math.floorMod(mailbox.hashCode() + turn, list.size())));
  }

  /** Every platform this node watches, with sessions or not. */
  public List<String> watchedPlatforms() {
    return watched.stream().sorted().toList();
  }

  /** The watched platforms that have at least one session. */
  public List<String> platformsWithSessions() {
    return sessions.entrySet().stream().filter(e -> !e.getValue().isEmpty())
        .map(Map.Entry::getKey).sorted().toList();
  }

  /** How many sessions of the platform this node knows of. */
  public int sessionCount(String platformId) {
    return sessions.getOrDefault(platformId, List.of()).size();
  }

  /**
   * Called with (platform, session count) whenever a session of a watched platform appears, e.g.
   * to wake the mailboxes waiting for that platform.
   */
  public void onChange(BiConsumer<String, Integer> listener) {
    listeners.add(listener);
  }

  /** Keeps this node's view of the platform's sessions current from now on. */
  public void watch(String platformId) {
    if (watched.add(platformId)) {
      system.systemActorOf(subscriber(platformId), "session-directory-" + platformId,
          org.apache.pekko.actor.typed.Props.empty());
    }
  }

  private Behavior<Receptionist.Listing> subscriber(String platformId) {
    ServiceKey<Deliver> key = keyFor(platformId);
    return Behaviors.setup(context -> {
      context.getSystem().receptionist().tell(Receptionist.subscribe(key, context.getSelf()));
      return Behaviors.receiveMessage(listing -> {
        List<ActorRef<Deliver>> current = listing.getServiceInstances(key).stream()
            .sorted(Comparator.comparing(ref -> ref.path().toString()))
            .toList();
        List<ActorRef<Deliver>> before = sessions.getOrDefault(platformId, List.of());
        sessions.put(platformId, current);
        if (!before.containsAll(current)) { // a session appeared
          listeners.forEach(l -> l.accept(platformId, current.size()));
        }
        return Behaviors.same();
      });
    });
  }
}
