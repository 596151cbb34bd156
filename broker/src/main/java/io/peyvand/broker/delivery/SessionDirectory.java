package io.peyvand.broker.delivery;

import io.peyvand.broker.entity.Extensions;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.ddata.GSet;
import org.apache.pekko.cluster.ddata.GSetKey;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;

/**
 * Which sessions of each platform are connected anywhere in the cluster, as this node sees them
 * through the Receptionist (one service key per platform). Mailboxes ask it for the session to push
 * to; sessions register themselves under their platform's key. A mailbox is always given the same
 * session while the set of sessions is unchanged (chosen by its address), so that its items stay in
 * order on one stream.
 *
 * <p>Every node watches every platform it hears of, not only those it used: a platform any node
 * watches (registered through the Admin service, a bootstrap platform, one a session or a mailbox
 * used, one the pending index names) is added to a replicated set (Distributed Data, written to all
 * nodes at once), and each node watches every member of that set. So a mailbox on a node that never
 * served the platform finds its sessions at its first push instead of waiting for the next sweep. A
 * node that joins receives the whole set by gossip; after a full cluster restart the set is rebuilt
 * from the bootstrap platforms, the pending index ({@link #watchAll}, at start and periodically)
 * and first use.
 *
 * <p>This node's own sessions are known exactly and at once: a session is added by {@link
 * #connected} before its adapter gets its Welcome, and removed by {@link #disconnected} when its
 * stream ends. The Receptionist tells of the other nodes' sessions; its own notifications come only
 * when Distributed Data next notifies its subscribers (every 500 ms by default, 50 ms as Peyvand
 * configures it), so a mailbox used to find a new session 150-520 ms late and to push to a session
 * that had ended (issue 14). A session of this node that ended, or of another node that answered
 * {@link Deliver.Busy#gone()}, is left out ({@link #departed}) until the Receptionist drops it too.
 *
 * <p>An entity whose pusher finds no session of a platform waits here ({@link #sessionFor(String,
 * String, int, Runnable)}) and is woken the moment one appears, on this node or listed from
 * another. Before, only the pending index's sweep woke it, and a session that connected between the
 * mailbox finding none and its pending-index row being written was missed: the sweep read the index
 * first, and the accepted message waited for the next periodic sweep (30 s). The sweep stays what
 * wakes entities that stopped.
 *
 * <p>Node-local extension: reads are lock-free map lookups on the mailbox's hot path, updates come
 * from one subscriber actor per platform.
 */
public final class SessionDirectory implements Extension {

  public static final ExtensionId<SessionDirectory> ID = Extensions.id(SessionDirectory::new);

  public static SessionDirectory get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** The Receptionist key sessions of a platform register under. */
  public static ServiceKey<Deliver> keyFor(String platformId) {
    return ServiceKey.create(Deliver.class, "peyvand-sessions-" + platformId);
  }

  private final ActorSystem<?> system;

  /** The view mailboxes read: per platform, sorted by path, replaced whole on every change. */
  private final Map<String, List<ActorRef<Deliver>>> sessions = new ConcurrentHashMap<>();

  // guarded by this: the three sources of the view
  private final Map<String, List<ActorRef<Deliver>>> listed = new HashMap<>();
  private final Map<String, Set<ActorRef<Deliver>>> local = new HashMap<>();

  /** Sessions known to have ended, with when: out of the view until the listing drops them. */
  private final Map<String, Map<ActorRef<Deliver>, Long>> departed = new HashMap<>();

  /**
   * Per platform, what to run when one of its sessions appears: the wake-ups of the entities whose
   * pushers found none ({@link #sessionFor(String, String, int, Runnable)}). Taken out and run
   * once.
   */
  private final Map<String, Set<Runnable>> waiting = new HashMap<>();

  /** A departed session no listing names is forgotten after this long. */
  private static final long DEPARTED_KEPT_NANOS = Duration.ofMinutes(1).toNanos();

  private final Set<String> watched = ConcurrentHashMap.newKeySet();
  private final List<BiConsumer<String, Integer>> listeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  /** The replicated set of every platform some node watches. */
  static final Key<GSet<String>> KNOWN_PLATFORMS = GSetKey.create("peyvand-platforms");

  private final ActorRef<Announcer.Message> announcer;

  private SessionDirectory(ActorSystem<?> system) {
    this.system = system;
    // Distributed Data needs the cluster provider; unit tests on a local provider watch alone.
    this.announcer =
        system.settings().config().getString("pekko.actor.provider").equals("cluster")
            ? system.systemActorOf(
                Announcer.create(this),
                "session-directory-announcer",
                org.apache.pekko.actor.typed.Props.empty())
            : null;
  }

  /**
   * The session to push a mailbox's items to, if its platform has any. Starts watching the platform
   * on first use (then sessions appear within moments).
   */
  public Optional<ActorRef<Deliver>> sessionFor(String platformId, String mailbox) {
    return sessionFor(platformId, mailbox, 0);
  }

  /**
   * The session for a mailbox's {@code turn}-th choice: turn 0 is its usual session, each next turn
   * the following one of the platform's sessions. A mailbox whose pushes go unacknowledged takes
   * its next turn, so one adapter session that loses frames cannot hold its items while the
   * platform has another session.
   */
  public Optional<ActorRef<Deliver>> sessionFor(String platformId, String mailbox, int turn) {
    return sessionFor(platformId, mailbox, turn, null);
  }

  /**
   * {@link #sessionFor(String, String, int)}, and when the platform has no session, {@code
   * whenOneAppears} runs once as soon as one does (on this node or, through the Receptionist, on
   * another): the entity pushes then, without waiting for the pending index's sweep. Checking and
   * waiting are one step under the directory's lock, so a session that connects in between is never
   * missed. The pending index stays what wakes an entity that stopped.
   *
   * @param whenOneAppears the entity's wake-up (one object per entity, so it waits once per
   *     platform), or null
   */
  public Optional<ActorRef<Deliver>> sessionFor(
      String platformId, String mailbox, int turn, Runnable whenOneAppears) {
    watch(platformId);
    List<ActorRef<Deliver>> list = sessions.getOrDefault(platformId, List.of());
    if (list.isEmpty() && whenOneAppears != null) {
      synchronized (this) {
        list = sessions.getOrDefault(platformId, List.of());
        if (list.isEmpty()) {
          waiting.computeIfAbsent(platformId, p -> new HashSet<>()).add(whenOneAppears);
        }
      }
    }
    if (list.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(list.get(Math.floorMod(mailbox.hashCode() + turn, list.size())));
  }

  /** The entity of {@code whenOneAppears} stopped: it waits for no platform any more. */
  public synchronized void stopWaiting(Runnable whenOneAppears) {
    waiting.values().removeIf(waiters -> waiters.remove(whenOneAppears) && waiters.isEmpty());
  }

  /** How many entities wait for a session of the platform. */
  public synchronized int waitingFor(String platformId) {
    return waiting.getOrDefault(platformId, Set.of()).size();
  }

  /**
   * A session of this node is ready for its platform's items: every mailbox on this node finds it
   * from now on, and mailboxes waiting for the platform are woken.
   */
  public void connected(String platformId, ActorRef<Deliver> session) {
    watch(platformId);
    Set<Runnable> woken = null;
    synchronized (this) {
      if (local.computeIfAbsent(platformId, p -> new HashSet<>()).add(session)
          && refresh(platformId)) {
        woken = appearedLocked(platformId);
      }
    }
    if (woken != null) {
      notifyAppeared(platformId, woken);
    }
  }

  /** A session of this node ended: no mailbox on this node is given it any more. */
  public void disconnected(String platformId, ActorRef<Deliver> session) {
    synchronized (this) {
      Set<ActorRef<Deliver>> own = local.get(platformId);
      if (own != null) {
        own.remove(session);
      }
      departedLocked(platformId, session);
    }
  }

  /**
   * A session (of any node) answered that its stream has ended: left out of this node's view until
   * the Receptionist no longer lists it.
   */
  public void departed(String platformId, ActorRef<Deliver> session) {
    synchronized (this) {
      departedLocked(platformId, session);
    }
  }

  private void departedLocked(String platformId, ActorRef<Deliver> session) {
    departed
        .computeIfAbsent(platformId, p -> new HashMap<>())
        .putIfAbsent(session, System.nanoTime());
    refresh(platformId);
  }

  /** The Receptionist's listing of the platform changed. */
  private void listed(String platformId, List<ActorRef<Deliver>> instances) {
    Set<Runnable> woken = null;
    synchronized (this) {
      listed.put(platformId, instances);
      Map<ActorRef<Deliver>, Long> gone = departed.get(platformId);
      if (gone != null) {
        gone.keySet().retainAll(instances);
      }
      if (refresh(platformId)) {
        woken = appearedLocked(platformId);
      }
    }
    if (woken != null) {
      notifyAppeared(platformId, woken);
    }
  }

  /** A session of the platform appeared: the entities waiting for one, no longer waiting. */
  private Set<Runnable> appearedLocked(String platformId) {
    Set<Runnable> woken = waiting.remove(platformId);
    return woken == null ? Set.of() : woken;
  }

  /**
   * Rebuilds the platform's view: this node's own sessions as soon as they connect, and the
   * Receptionist's, without the sessions known to have ended. True if a session appeared.
   */
  private boolean refresh(String platformId) {
    Map<ActorRef<Deliver>, Long> gone = departed.getOrDefault(platformId, Map.of());
    long now = System.nanoTime();
    gone.values().removeIf(since -> now - since > DEPARTED_KEPT_NANOS);
    List<ActorRef<Deliver>> current =
        Stream.concat(
                local.getOrDefault(platformId, Set.of()).stream(),
                listed.getOrDefault(platformId, List.of()).stream())
            .filter(ref -> !gone.containsKey(ref))
            .distinct()
            .sorted(Comparator.comparing(ref -> ref.path().toString()))
            .toList();
    List<ActorRef<Deliver>> before = sessions.getOrDefault(platformId, List.of());
    sessions.put(platformId, current);
    return !before.containsAll(current);
  }

  /** Wakes the entities that waited, then tells the listeners (the pending index's sweep). */
  private void notifyAppeared(String platformId, Set<Runnable> woken) {
    woken.forEach(Runnable::run);
    int count = sessionCount(platformId);
    listeners.forEach(l -> l.accept(platformId, count));
  }

  /** Every platform this node watches, with sessions or not. */
  public List<String> watchedPlatforms() {
    return watched.stream().sorted().toList();
  }

  /** The watched platforms that have at least one session. */
  public List<String> platformsWithSessions() {
    return sessions.entrySet().stream()
        .filter(e -> !e.getValue().isEmpty())
        .map(Map.Entry::getKey)
        .sorted()
        .toList();
  }

  /** How many sessions of the platform this node knows of. */
  public int sessionCount(String platformId) {
    return sessions.getOrDefault(platformId, List.of()).size();
  }

  /**
   * Called with (platform, session count) whenever a session of a watched platform appears, e.g. to
   * wake the mailboxes waiting for that platform.
   */
  public void onChange(BiConsumer<String, Integer> listener) {
    listeners.add(listener);
  }

  /**
   * Keeps this node's view of the platform's sessions current from now on, and has every other node
   * of the cluster do the same.
   */
  public void watch(String platformId) {
    if (watchHere(platformId) && announcer != null) {
      announcer.tell(new Announcer.Announce(platformId));
    }
  }

  /** {@link #watch} for each of {@code platformIds}, e.g. those the pending index names. */
  public void watchAll(Collection<String> platformIds) {
    platformIds.forEach(this::watch);
  }

  /** Watches on this node only; true if it was not watched before. */
  private boolean watchHere(String platformId) {
    if (!watched.add(platformId)) {
      return false;
    }
    system.systemActorOf(
        subscriber(platformId),
        "session-directory-" + platformId,
        org.apache.pekko.actor.typed.Props.empty());
    return true;
  }

  /**
   * Adds the platforms this node starts watching to the replicated set, and watches every platform
   * another node added. Its messages never leave the node.
   */
  static final class Announcer {
    sealed interface Message extends NoSerializationVerificationNeeded {}

    /** This node started watching a platform: tell the other nodes. */
    record Announce(String platformId) implements Message {}

    private record Known(Replicator.SubscribeResponse<GSet<String>> response) implements Message {}

    private record Written(String platformId, Replicator.UpdateResponse<GSet<String>> response)
        implements Message {}

    /** Written to every node at once; one that misses it (timeout) gets it by gossip. */
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(3);

    static Behavior<Message> create(SessionDirectory directory) {
      return Behaviors.setup(
          context ->
              DistributedData.<Message, GSet<String>>withReplicatorMessageAdapter(
                  replicator -> {
                    replicator.subscribe(KNOWN_PLATFORMS, Known::new);
                    return Behaviors.receive(Message.class)
                        .onMessage(
                            Announce.class,
                            announce -> {
                              replicator.askUpdate(
                                  replyTo ->
                                      new Replicator.Update<>(
                                          KNOWN_PLATFORMS,
                                          GSet.create(),
                                          new Replicator.WriteAll(WRITE_TIMEOUT),
                                          replyTo,
                                          known -> known.add(announce.platformId())),
                                  response -> new Written(announce.platformId(), response));
                              return Behaviors.same();
                            })
                        .onMessage(
                            Known.class,
                            known -> {
                              if (known.response()
                                  instanceof Replicator.Changed<GSet<String>> changed) {
                                for (String platformId :
                                    changed.get(KNOWN_PLATFORMS).getElements()) {
                                  directory.watchHere(platformId);
                                }
                              }
                              return Behaviors.same();
                            })
                        .onMessage(
                            Written.class,
                            written -> {
                              if (!(written.response() instanceof Replicator.UpdateSuccess)) {
                                context
                                    .getLog()
                                    .debug(
                                        "Platform {} reached not every node at once ({});"
                                            + " gossip spreads it",
                                        written.platformId(),
                                        written.response());
                              }
                              return Behaviors.same();
                            })
                        .build();
                  }));
    }
  }

  private Behavior<Receptionist.Listing> subscriber(String platformId) {
    ServiceKey<Deliver> key = keyFor(platformId);
    return Behaviors.setup(
        context -> {
          context.getSystem().receptionist().tell(Receptionist.subscribe(key, context.getSelf()));
          return Behaviors.receiveMessage(
              listing -> {
                listed(platformId, List.copyOf(listing.getServiceInstances(key)));
                return Behaviors.same();
              });
        });
  }
}
