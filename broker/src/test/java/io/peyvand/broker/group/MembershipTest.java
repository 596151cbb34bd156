package io.peyvand.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.broker.group.Membership.Added;
import io.peyvand.broker.group.Membership.Muted;
import io.peyvand.broker.group.Membership.Removed;
import io.peyvand.broker.group.Membership.Role;
import io.peyvand.broker.group.Membership.RoleChanged;
import io.peyvand.broker.model.Address;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MembershipTest {
  private static final Address OWNER = new Address("eitaa", "owner");
  private static final Address ADMIN = new Address("bale", "admin");
  private static final Address ALICE = new Address("rubika", "alice");
  private static final Address BOB = new Address("soroush", "bob");
  private static final Address CAROL = new Address("rubika", "carol");

  private Membership group;
  private long sequence;

  @BeforeEach
  void created() {
    group = new Membership(4);
    group.apply(new Added(OWNER, Role.OWNER), ++sequence);
    change(OWNER, new Added(ADMIN, Role.MEMBER));
    change(OWNER, new RoleChanged(ADMIN, Role.ADMIN));
    change(ADMIN, new Added(ALICE, Role.MEMBER));
  }

  private void change(Address actor, Membership.Change change) {
    assertEquals(Optional.empty(), group.check(actor, change, false), actor + " " + change);
    group.apply(change, ++sequence);
  }

  @Test
  void membersAreCountedPerPlatform() {
    assertEquals(Map.of("bale", 1L, "eitaa", 1L, "rubika", 1L), group.perPlatform());
    change(ADMIN, new Added(CAROL, Role.MEMBER));
    assertEquals(2L, group.perPlatform().get("rubika"));
    change(ALICE, new Removed(ALICE));
    change(ADMIN, new Removed(CAROL));
    assertFalse(group.hasMembersOn("rubika"), "a platform without members drops out");
    assertFalse(group.perPlatform().containsKey("rubika"));
  }

  @Test
  void onlyMembersNotMutedPostAndOnlyAdminsInAChannel() {
    assertTrue(group.mayPost(ALICE, false).isEmpty());
    assertTrue(group.mayPost(BOB, false).orElseThrow().message().contains("not a member"));
    change(ADMIN, new Muted(ALICE, true));
    assertTrue(group.mayPost(ALICE, false).orElseThrow().message().contains("muted"));
    assertTrue(group.mayPost(ADMIN, true).isEmpty());
    change(ADMIN, new Muted(ALICE, false));
    assertTrue(group.mayPost(ALICE, true).orElseThrow().message().contains("channel"));
  }

  @Test
  void aMemberCannotAddRemoveOrMute() {
    assertTrue(group.check(ALICE, new Added(BOB, Role.MEMBER), false).isPresent());
    assertTrue(group.check(ALICE, new Removed(ADMIN), false).isPresent());
    assertTrue(group.check(ALICE, new Muted(ADMIN, true), false).isPresent());
  }

  @Test
  void anAdminActsOnMembersOnlyAndTheOwnerOnAdminsToo() {
    assertTrue(group.check(ADMIN, new Removed(OWNER), false).isPresent());
    assertTrue(
        group.check(ADMIN, new RoleChanged(ALICE, Role.ADMIN), false).isPresent(),
        "promotion is the owner's");
    assertTrue(group.check(OWNER, new Removed(ADMIN), false).isEmpty());
    assertTrue(group.check(OWNER, new RoleChanged(ADMIN, Role.OWNER), false).isPresent());
  }

  @Test
  void joiningNeedsAnOpenGroupAndLeavingIsAlwaysAllowedButForTheOwner() {
    assertTrue(group.check(BOB, new Added(BOB, Role.MEMBER), false).isPresent());
    assertTrue(group.check(BOB, new Added(BOB, Role.MEMBER), true).isEmpty());
    assertTrue(group.check(BOB, new Added(BOB, Role.ADMIN), true).isPresent());
    assertTrue(group.check(ALICE, new Removed(ALICE), false).isEmpty());
    assertTrue(group.check(OWNER, new Removed(OWNER), false).isPresent());
  }

  @Test
  void aFullGroupTakesNoMoreMembersAndAddingAMemberAgainChangesNothing() {
    change(ADMIN, new Added(BOB, Role.MEMBER));
    assertEquals(4, group.size());
    Membership.Denial full = group.check(ADMIN, new Added(CAROL, Role.MEMBER), false).orElseThrow();
    assertEquals(Group.Reason.GROUP_FULL, full.reason(), full.message());
    assertEquals(
        Group.Reason.NOT_PERMITTED,
        group.check(ALICE, new Removed(ADMIN), false).orElseThrow().reason());
    assertTrue(group.check(ADMIN, new Added(BOB, Role.MEMBER), false).isEmpty());
    long since = group.member(BOB).orElseThrow().since();
    group.apply(new Added(BOB, Role.MEMBER), ++sequence);
    assertEquals(since, group.member(BOB).orElseThrow().since());
  }
}
