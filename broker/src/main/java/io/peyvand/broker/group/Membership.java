package io.peyvand.broker.group;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.peyvand.broker.model.Address;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Who belongs to a group, with what role, and how many members each platform has: the part of a
 * group's state that decides who may post and who may change the membership, and to which platforms
 * the group's items go. Changed only by {@link #apply}; the rules are checked by {@link #check}
 * before the event is persisted, so replaying the events never checks again.
 *
 * <p>Mutable and owned by its entity alone, like the mailbox's state. A snapshot stores {@link
 * #all()} and puts the members back with {@link #restore}.
 */
public final class Membership {

  /** A member's standing. Ordered: an owner outranks an admin, who outranks a member. */
  public enum Role {
    MEMBER,
    ADMIN,
    OWNER
  }

  /** A member: role, muted (may not post), and the group sequence at which they joined. */
  public record Member(Role role, boolean muted, long since) {}

  /** One change of membership; the events of the group carry these. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = Added.class, name = "added"),
    @JsonSubTypes.Type(value = Removed.class, name = "removed"),
    @JsonSubTypes.Type(value = RoleChanged.class, name = "role"),
    @JsonSubTypes.Type(value = Muted.class, name = "muted")
  })
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

  /** Every member (snapshots). */
  Map<Address, Member> all() {
    return Collections.unmodifiableMap(members);
  }

  /** Puts back a member of a snapshot as it was (no rule is checked), counting its platform. */
  void restore(Address user, Member member) {
    if (members.put(user, member) == null) {
      perPlatform.merge(user.platformId(), 1L, Long::sum);
    }
  }

  /** Members per platform, platforms with none left out, by platform id. */
  public Map<String, Long> perPlatform() {
    return Collections.unmodifiableMap(perPlatform);
  }

  /** The user ids of the platform's members, sorted. O(members): callers cache it. */
  public java.util.List<String> userIds(String platformId) {
    return members.keySet().stream()
        .filter(a -> a.platformId().equals(platformId))
        .map(Address::userId)
        .sorted()
        .toList();
  }

  /** Whether the platform has members now (it receives the group's items). */
  public boolean hasMembersOn(String platformId) {
    return perPlatform.getOrDefault(platformId, 0L) > 0;
  }

  /** Why a change or a post is refused: the reason the caller answers with, and the words. */
  public record Denial(Group.Reason reason, String message) {}

  private static Optional<Denial> denied(String message) {
    return Optional.of(new Denial(Group.Reason.NOT_PERMITTED, message));
  }

  /** Why {@code user} may not post; empty if they may. */
  public Optional<Denial> mayPost(Address user, boolean channel) {
    Member m = members.get(user);
    if (m == null) {
      return denied(user + " is not a member");
    }
    if (channel && m.role() == Role.MEMBER) {
      return denied("only the owner and admins post in a channel");
    }
    if (m.muted()) {
      return denied(user + " is muted in this group");
    }
    return Optional.empty();
  }

  /**
   * Why {@code actor} may not make {@code change} (a member acting on themselves is a join or a
   * leave, which {@code open} allows); empty if they may.
   */
  public Optional<Denial> check(Address actor, Change change, boolean open) {
    return check(members::get, members.size(), maxMembers, actor, change, open);
  }

  /**
   * A view for checking a batch of changes one after another, each against the membership the
   * earlier ones leave, without touching this one or copying it: it remembers only the members the
   * batch changed.
   */
  public Trial trial() {
    return new Trial();
  }

  /** See {@link #trial}. */
  public final class Trial {
    private final Map<Address, Optional<Member>> changed = new HashMap<>();
    private int size = members.size();

    private Member get(Address user) {
      Optional<Member> member = changed.get(user);
      return member != null ? member.orElse(null) : members.get(user);
    }

    public Optional<Denial> check(Address actor, Change change, boolean open) {
      return Membership.check(this::get, size, maxMembers, actor, change, open);
    }

    /** Applies the change to the view only; false when it changes nothing. */
    public boolean apply(Change change) {
      Member before = get(change.user());
      Member after = next(before, change, before == null ? 0 : before.since());
      if (before == null && after != null) {
        size++;
      } else if (before != null && after == null) {
        size--;
      }
      changed.put(change.user(), Optional.ofNullable(after));
      return !Objects.equals(before, after);
    }
  }

  private static Optional<Denial> check(
      Function<Address, Member> members,
      int size,
      int maxMembers,
      Address actor,
      Change change,
      boolean open) {
    Member acting = members.apply(actor);
    Member target = members.apply(change.user());
    boolean self = actor.equals(change.user());
    if (change instanceof Added added) {
      if (target != null) {
        return Optional.empty(); // already a member: nothing to do, not an error
      }
      if (size >= maxMembers) {
        return Optional.of(
            new Denial(Group.Reason.GROUP_FULL, "the group is full (" + maxMembers + " members)"));
      }
      if (self) {
        return open && added.role() == Role.MEMBER
            ? Optional.empty()
            : denied("the group is not open: an admin must add " + actor);
      }
      if (added.role() == Role.OWNER) {
        return denied("a group has one owner");
      }
      return atLeast(acting, Role.ADMIN, actor, "add members");
    }
    if (target == null) {
      return denied(change.user() + " is not a member");
    }
    if (change instanceof Removed) {
      if (self) {
        return target.role() == Role.OWNER
            ? denied("the owner cannot leave; hand ownership over first")
            : Optional.empty();
      }
      return outranks(acting, target, actor, "remove " + change.user());
    }
    if (change instanceof RoleChanged changed) {
      if (changed.role() == Role.OWNER || target.role() == Role.OWNER) {
        return denied("ownership does not change this way");
      }
      return atLeast(acting, Role.OWNER, actor, "promote or demote");
    }
    if (change instanceof Muted) {
      return outranks(acting, target, actor, "mute " + change.user());
    }
    throw new IllegalArgumentException("unknown change " + change);
  }

  /** Applies a change (already checked, or replayed) made at the group's {@code sequence}. */
  public void apply(Change change, long sequence) {
    Address user = change.user();
    Member before = members.get(user);
    Member after = next(before, change, sequence);
    if (after == null) {
      if (before != null) {
        members.remove(user);
        perPlatform.computeIfPresent(user.platformId(), (p, n) -> n > 1 ? n - 1 : null);
      }
    } else {
      members.put(user, after);
      if (before == null) {
        perPlatform.merge(user.platformId(), 1L, Long::sum);
      }
    }
  }

  /** The member after the change (null: not a member). */
  private static Member next(Member before, Change change, long sequence) {
    if (change instanceof Added added) {
      return before != null ? before : new Member(added.role(), false, sequence);
    }
    if (before == null || change instanceof Removed) {
      return null;
    }
    if (change instanceof RoleChanged changed) {
      return new Member(changed.role(), before.muted(), before.since());
    }
    if (change instanceof Muted muted) {
      return new Member(before.role(), muted.muted(), before.since());
    }
    throw new IllegalArgumentException("unknown change " + change);
  }

  private static Optional<Denial> atLeast(Member acting, Role role, Address actor, String what) {
    if (acting == null || acting.role().compareTo(role) < 0) {
      return denied(actor + " may not " + what + " (needs " + role.name().toLowerCase() + ")");
    }
    return Optional.empty();
  }

  private static Optional<Denial> outranks(
      Member acting, Member target, Address actor, String what) {
    if (acting == null
        || acting.role().compareTo(Role.ADMIN) < 0
        || acting.role().compareTo(target.role()) <= 0) {
      return denied(
          actor
              + " may not "
              + what
              + " (an admin acts on members only, the"
              + " owner on admins too)");
    }
    return Optional.empty();
  }
}
