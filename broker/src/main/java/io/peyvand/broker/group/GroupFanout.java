package io.peyvand.broker.group;

import io.peyvand.broker.delivery.Deliver;
import io.peyvand.broker.delivery.PushContext;
import io.peyvand.broker.delivery.Pusher;
import java.time.Clock;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A group's push side: one {@link Pusher} per platform owed something, each pushing the owed items
 * in order to one session of its platform, a window at a time, whatever the number of members.
 * Transient: rebuilt after a restart, when anything kept may already have been pushed and is
 * flagged as a redelivery. Runs in the entity's thread; {@code ticking} asks the entity to start
 * its tick while anything is in flight, {@code pushing.whenSessionAppears()} wakes it (from another
 * thread) when a platform it owes items had no session and one appears.
 */
final class GroupFanout {
  private final PushContext pushing;
  private final Deliver.Stream stream;
  private final GroupSettings settings;
  private final Clock clock;
  private final Runnable ticking;
  private final Map<String, Pusher> pushers = new HashMap<>();
  // platform -> its members' ids, for platforms that ask for member lists; dropped on any change
  private final Map<String, List<String>> memberIds = new HashMap<>();
  // Items up to this sequence may have been pushed by an incarnation before a restart.
  private long recoveredUpTo;

  GroupFanout(
      Deliver.Stream stream,
      PushContext pushing,
      GroupSettings settings,
      Clock clock,
      Runnable ticking) {
    this.stream = stream;
    this.pushing = pushing;
    this.settings = settings;
    this.clock = clock;
    this.ticking = ticking;
  }

  /**
   * After recovery: anything up to {@code lastSequence} may have been pushed before; the member
   * lists may have been cached from a change whose write failed.
   */
  void recovered(long lastSequence) {
    pushers.clear();
    memberIds.clear();
    recoveredUpTo = lastSequence;
  }

  /** The entity stopped: it waits for no platform's session any more. */
  void stopped() {
    pushing.stopped();
  }

  /** The membership changed: member lists are computed again. */
  void membersChanged() {
    memberIds.clear();
  }

  void deliverAll(GroupState state) {
    for (String platform : state.feed().platformsOwed()) {
      deliver(state, platform);
    }
  }

  /** Pushes the items owed to the platform within the window that are not in flight, in order. */
  void deliver(GroupState state, String platformId) {
    if (state.feed().owedCount(platformId) == 0) {
      return;
    }
    Pusher pusher =
        pushers.computeIfAbsent(
            platformId,
            platform -> {
              Pusher fresh = new Pusher(stream, platform, pushing);
              fresh.recovered(recoveredUpTo);
              return fresh;
            });
    if (!pusher.ready()) {
      return; // whenSessionAppears runs when a session of the platform appears
    }
    long acknowledged = state.feed().pushCursor(platformId);
    long now = clock.millis();
    for (GroupFeed.Item<GroupItem> item :
        state.feed().owed(platformId, settings.deliveryWindow())) {
      if (!pusher.inFlight(item.sequence())) {
        pusher
            .push(
                item.sequence(),
                item.acceptedAtMs(),
                acknowledged,
                new Group.Push(item.payload(), memberIds(state, platformId)),
                now)
            .ifPresent(Pusher.Push::send);
      }
    }
    ticking.run();
  }

  /** The platform acknowledged up to {@code upTo}: its window moves on. */
  void acknowledged(GroupState state, String platformId, long upTo) {
    Pusher pusher = pushers.get(platformId);
    if (pusher != null) {
      pusher.acknowledged(upTo);
    }
    deliver(state, platformId);
  }

  /** A session refused a push (its buffer was full): when to try again. */
  Pusher.Retry busy(Deliver.Busy busy) {
    Pusher pusher = pushers.get(busy.platformId());
    return pusher == null ? Pusher.Retry.NONE : pusher.busy(busy);
  }

  /**
   * Redelivers what is due, forgets the pushers of platforms owed nothing; true when nothing is
   * owed or in flight any more (the tick may stop).
   */
  boolean tick(GroupState state) {
    long now = clock.millis();
    Set<String> owed = state.feed().platformsOwed();
    for (Iterator<Map.Entry<String, Pusher>> it = pushers.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Pusher> entry = it.next();
      if (entry.getValue().redeliveryDue(now, settings.redeliveryAfter().toMillis())) {
        deliver(state, entry.getKey());
      } else if (!owed.contains(entry.getKey()) && entry.getValue().idle()) {
        it.remove();
      }
    }
    return pushers.isEmpty() && owed.isEmpty();
  }

  /**
   * The platform's members now (groups; a channel's subscribers are never listed), computed once
   * per membership change and shared by every push: the session adds them to the frame only for a
   * platform that asked (Capabilities.group_member_lists).
   */
  private List<String> memberIds(GroupState state, String platformId) {
    if (state.kind() != Group.Kind.GROUP) {
      return List.of();
    }
    return memberIds.computeIfAbsent(platformId, p -> state.members().userIds(p));
  }
}
