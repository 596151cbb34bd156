package io.peyvand.broker.group;

import io.peyvand.broker.model.Address;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Who belongs to a group, with what role, and how many members each platform has: the part of a
 * group's state that decides who may post and who may change the membership, and to which
 * platforms the group's items go. Changed only by {@link #apply}; the rules are checked by
 * {@link #check} before the event is persisted, so replaying the events never checks again.
 *
 * <p>Mutable and owned by its entity alone, like the mailbox's state.
 */
public final class Membership {

  /** A member's standing. Ordered: an owner outranks an admin, who outranks a member. */
  public enum Role { MEMBER, ADMIN, OWNER }

  /** A member: role, muted (may not post), and the group sequence at which they joined. */
  public record Member(Role role, boolean muted, long since) {}

  /** One change of membership; the events of the group carry these. */
  public sealed interface Change {
    Address user();
  }

  /** The user was added (by an admin) or joined (an open group) with this role. */
  public record Added(Address user, Role role) implements Change {}

  public record Removed(Address user) implements Change {}

  public record RoleChanged(Address user, Role role) implements Change {}

  public record Muted(Address user, boolean muted) implements Change {}

  private final Map<Address, Member> members = new HashMap<>();
  private final Map<String, Long> perPlatform = new TreeMap<>();
  private final int maxMembers;

  public Membership(int maxMembers) {
    this.maxMembers = maxMembers;
  }

  public Optional<Member> member(Address user) {
    return Optional.ofNullable(members.get(user));
  }

  public int size() {
    return members.size();
  }

  /** Members per platform, platforms with none left out, by platform id. */
  public Map<String, Long> perPlatform() {
    return Collections.unmodifiableMap(perPlatform);
  }

  /** Whether the platform has members now (it receives the group's items). */
  public boolean hasMembersOn(String platformId) {
    return perPlatform.getOrDefault(platformId, 0L) > 0;
  }

  /** Why {@code user} may not post; empty if they may. */
  public Optional<String> mayPost(Address user, boolean channel) {
    Member m = members.get(user);
    if (m == null) {
      return Optional.of(user + " is not a member");
    }
    if (channel && m.role() == Role.MEMBER) {
      return Optional.of("only the owner and admins post in a channel");
    }
    if (m.muted()) {
      return Optional.of(user + " is muted in this group");
    }
    return Optional.empty();
  }

  /**
   * Why {@code actor} may not make {@code change} (a member acting on themselves is a join or a
   * leave, which {@code open} allows); empty if they may.
   */
  public Optional<String> check(Address actor, Change change, boolean open) {
    Member acting = members.get(actor);
    Member target = members.get(change.user());
    boolean self = actor.equals(change.user());
    if (change instanceof Added added) {
      if (target != null) {
        return Optional.empty(); // already a member: nothing to do, not an error
      }
      if (members.size() >= maxMembers) {
        return Optional.of("the group is full (" + maxMembers + " members)");
      }
      if (self) {
        return open && added.role() == Role.MEMBER ? Optional.empty()
            : Optional.of("the group is not open: an admin must add " + actor);
      }
      if (added.role() == Role.OWNER) {
        return Optional.of("a group has one owner");
      }
      return atLeast(acting, Role.ADMIN, actor, "add members");
    }
    if (target == null) {
      return Optional.of(change.user() + " is not a member");
    }
    if (change instanceof Removed) {
      if (self) {
        return target.role() == Role.OWNER
            ? Optional.of("the owner cannot leave; hand ownership over first")
            : Optional.empty();
      }
      return outranks(acting, target, actor, "remove " + change.user());
    }
    if (change instanceof RoleChanged changed) {
      if (changed.role() == Role.OWNER || target.role() == Role.OWNER) {
        return Optional.of("ownership does not change this way");
      }
      return atLeast(acting, Role.OWNER, actor, "promote or demote");
    }
    if (change instanceof Muted) {
      return outranks(acting, target, actor, "mute " + change.user());
    }
    throw new IllegalArgumentException("unknown change " + change);
  }

  /** Applies a change (already checked, or replayed). */
  public void apply(Change change, long sequence) {
    Address user = change.user();
    Member before = members.get(user);
    if (change instanceof Added added) {
      if (before == null) {
        members.put(user, new Member(added.role(), false, sequence));
        perPlatform.merge(user.platformId(), 1L, Long::sum);
      }
    } else if (change instanceof Removed) {
      if (before != null) {
        members.remove(user);
        perPlatform.computeIfPresent(user.platformId(), (p, n) -> n > 1 ? n - 1 : null);
      }
    } else if (change instanceof RoleChanged changed) {
      if (before != null) {
        members.put(user, new Member(changed.role(), before.muted(), before.since()));
      }
    } else if (change instanceof Muted muted) {
      if (before != null) {
        members.put(user, new Member(before.role(), muted.muted(), before.since()));
      }
    }
  }

  private static Optional<String> atLeast(Member acting, Role role, Address actor, String what) {
    if (acting == null || acting.role().compareTo(role) < 0) {
      return Optional.of(actor + " may not " + what + " (needs " + role.name().toLowerCase()
          + ")");
    }
    return Optional.empty();
  }

  private static Optional<String> outranks(Member acting, Member target, Address actor,
      String what) {
    if (acting == null || acting.role().compareTo(Role.ADMIN) < 0
        || acting.role().compareTo(target.role()) <= 0) {
      return Optional.of(actor + " may not " + what + " (an admin acts on members only, the"
          + " owner on admins too)");
    }
    return Optional.empty();
  }
}
