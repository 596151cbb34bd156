package io.peyvand.protocol;

import static io.peyvand.protocol.Fixtures.address;
import static io.peyvand.protocol.Fixtures.assertAccepted;
import static io.peyvand.protocol.Fixtures.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Message;
import io.peyvand.protocol.v1.BulkSubscribeRequest;
import io.peyvand.protocol.v1.ChangeMembersRequest;
import io.peyvand.protocol.v1.CreateGroupRequest;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.GetGroupRequest;
import io.peyvand.protocol.v1.GroupAddress;
import io.peyvand.protocol.v1.GroupKind;
import io.peyvand.protocol.v1.HistoryRequest;
import io.peyvand.protocol.v1.JoinRequest;
import io.peyvand.protocol.v1.LeaveRequest;
import io.peyvand.protocol.v1.MemberChange;
import io.peyvand.protocol.v1.MemberChange.Op;
import io.peyvand.protocol.v1.SetTitleRequest;
import io.peyvand.protocol.v1.UserAddress;
import io.peyvand.protocol.v1.Welcome;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

class GroupRequestValidatorTest {
  private static final GroupAddress FAMILY =
      GroupAddress.newBuilder().setPlatformId("eitaa").setGroupId("family").build();
  private static final UserAddress ALICE = address("eitaa", "alice");
  private static final UserAddress BOB = address("bale", "bob");

  private static CreateGroupRequest.Builder create() {
    return CreateGroupRequest.newBuilder()
        .setGroup(FAMILY)
        .setActor(ALICE)
        .setTitle("Family")
        .setKind(GroupKind.GROUP);
  }

  private static MemberChange change(UserAddress user, Op op) {
    return MemberChange.newBuilder().setUser(user).setOp(op).build();
  }

  private static ChangeMembersRequest.Builder changeMembers(int count) {
    ChangeMembersRequest.Builder request =
        ChangeMembersRequest.newBuilder().setGroup(FAMILY).setActor(ALICE);
    for (int i = 0; i < count; i++) {
      request.addChanges(change(address("bale", "u" + i), Op.ADD));
    }
    return request;
  }

  private static BulkSubscribeRequest.Builder bulk(int count) {
    BulkSubscribeRequest.Builder request = BulkSubscribeRequest.newBuilder().setGroup(FAMILY);
    for (int i = 0; i < count; i++) {
      request.addUsers(address("bale", "fan-" + i));
    }
    return request;
  }

  /**
   * A request of {@code max} items ({@code withItems}) passes, and one of {@code max + 1} is
   * refused INVALID_ARGUMENT mentioning {@code mentions}.
   */
  private static void assertAtMost(IntFunction<Message> withItems, int max, String... mentions) {
    assertOnlyTheFirstPasses(
        withItems.apply(max), withItems.apply(max + 1), ErrorCode.INVALID_ARGUMENT, mentions);
  }

  /**
   * {@code valid} passes; {@code invalid} is refused with {@code code}, mentioning {@code
   * mentions}.
   */
  private static void assertOnlyTheFirstPasses(
      Message valid, Message invalid, ErrorCode code, String... mentions) {
    assertAccepted(GroupRequestValidator.validate(valid));
    assertRefused(GroupRequestValidator.validate(invalid), code, mentions);
  }

  // create

  @Test
  void aGroupAndAChannelWithATitlePass() {
    assertAccepted(GroupRequestValidator.validate(create().build()));
    assertAccepted(
        GroupRequestValidator.validate(
            create().setKind(GroupKind.CHANNEL).setTitle("خبرهای ورزشی 😀").setOpen(true).build()));
  }

  @Test
  void aMissingGroupIsRefusedSayingWhatAGroupAddressIs() {
    assertRefused(
        GroupRequestValidator.validate(create().clearGroup().build()),
        ErrorCode.INVALID_ADDRESS,
        "group is missing",
        "home platform");
  }

  @Test
  void aMalformedGroupIdIsRefusedNamingTheField() {
    assertRefused(
        GroupRequestValidator.validate(
            create().setGroup(FAMILY.toBuilder().setGroupId("my family")).build()),
        ErrorCode.INVALID_ADDRESS,
        "group.group_id",
        "whitespace");
    assertRefused(
        GroupRequestValidator.validate(
            create().setGroup(FAMILY.toBuilder().setPlatformId("Eitaa")).build()),
        ErrorCode.INVALID_ADDRESS,
        "group.platform_id",
        "lower case");
  }

  @Test
  void aMissingOrMalformedActorIsRefusedNamingTheField() {
    assertRefused(
        GroupRequestValidator.validate(create().clearActor().build()),
        ErrorCode.INVALID_ADDRESS,
        "actor is missing",
        "owner");
    assertRefused(
        GroupRequestValidator.validate(create().setActor(address("eitaa", "")).build()),
        ErrorCode.INVALID_ADDRESS,
        "actor.user_id is empty");
  }

  @Test
  void aGroupIsCreatedAtItsCreatorsPlatformOnly() {
    assertRefused(
        GroupRequestValidator.validate(create().setActor(BOB).build()),
        ErrorCode.INVALID_ARGUMENT,
        "group.platform_id is \"eitaa\"",
        "actor.platform_id is \"bale\"",
        "home");
  }

  @Test
  void anEmptyOrBlankTitleIsRefused() {
    assertRefused(
        GroupRequestValidator.validate(create().setTitle("").build()),
        ErrorCode.INVALID_FRAME,
        "title is empty",
        "256 bytes");
    assertRefused(
        GroupRequestValidator.validate(create().setTitle("  ").build()),
        ErrorCode.INVALID_FRAME,
        "title is blank");
  }

  @Test
  void aTitleOfExactly256BytesPassesAndOneByteMoreIsRefusedWithItsSize() {
    assertAccepted(GroupRequestValidator.validate(create().setTitle("a".repeat(256)).build()));
    // 128 Persian letters are 256 bytes of UTF-8; one more ASCII letter makes 257.
    assertAccepted(GroupRequestValidator.validate(create().setTitle("س".repeat(128)).build()));
    assertRefused(
        GroupRequestValidator.validate(create().setTitle("س".repeat(128) + "a").build()),
        ErrorCode.INVALID_ARGUMENT,
        "title is 257 bytes",
        "at most 256");
  }

  @Test
  void controlCharactersInATitleAreRefusedWithTheirPosition() {
    assertRefused(
        GroupRequestValidator.validate(create().setTitle("Fam\u0007ily").build()),
        ErrorCode.INVALID_TEXT,
        "title",
        "U+0007",
        "character 4");
    assertRefused(
        GroupRequestValidator.validate(create().setTitle("two\nlines").build()),
        ErrorCode.INVALID_TEXT,
        "title",
        "U+000A");
  }

  @Test
  void anUnspecifiedOrUnknownKindIsRefused() {
    assertRefused(
        GroupRequestValidator.validate(create().clearKind().build()),
        ErrorCode.INVALID_ARGUMENT,
        "kind is unspecified",
        "GROUP",
        "CHANNEL");
    assertRefused(
        GroupRequestValidator.validate(create().setKindValue(7).build()),
        ErrorCode.INVALID_ARGUMENT,
        "kind 7 is not known");
  }

  @Test
  void checksFollowTheFieldOrderSoTheFirstProblemIsReported() {
    CreateGroupRequest everythingWrong = CreateGroupRequest.newBuilder().setTitle("").build();
    assertRefused(
        GroupRequestValidator.validate(everythingWrong),
        ErrorCode.INVALID_ADDRESS,
        "group is missing");
    assertRefused(
        GroupRequestValidator.validate(everythingWrong.toBuilder().setGroup(FAMILY).build()),
        ErrorCode.INVALID_ADDRESS,
        "actor is missing");
    assertRefused(
        GroupRequestValidator.validate(
            everythingWrong.toBuilder().setGroup(FAMILY).setActor(ALICE).build()),
        ErrorCode.INVALID_FRAME,
        "title is empty");
  }

  // change members

  @Test
  void aBatchOfOneThousandChangesPassesAndOneMoreIsRefused() {
    assertAtMost(
        count -> changeMembers(count).build(),
        1000,
        "changes has 1001 entries",
        "at most 1000",
        "another ChangeMembers");
  }

  @Test
  void anEmptyBatchIsRefused() {
    assertRefused(
        GroupRequestValidator.validate(changeMembers(0).build()),
        ErrorCode.INVALID_FRAME,
        "changes is empty");
  }

  @Test
  void aChangeWithABadUserIsRefusedNamingItsIndex() {
    ChangeMembersRequest request =
        changeMembers(3).addChanges(change(address("bale", "bad:id"), Op.PROMOTE)).build();
    assertRefused(
        GroupRequestValidator.validate(request),
        ErrorCode.INVALID_ADDRESS,
        "changes[3].user.user_id",
        "':'");
    ChangeMembersRequest noUser =
        changeMembers(1).addChanges(MemberChange.newBuilder().setOp(Op.MUTE)).build();
    assertRefused(
        GroupRequestValidator.validate(noUser),
        ErrorCode.INVALID_ADDRESS,
        "changes[1].user is missing");
  }

  @Test
  void aChangeWithoutAnOpOrWithAnUnknownOpIsRefusedNamingItsIndex() {
    ChangeMembersRequest request =
        changeMembers(2).addChanges(MemberChange.newBuilder().setUser(BOB)).build();
    assertRefused(
        GroupRequestValidator.validate(request),
        ErrorCode.INVALID_ARGUMENT,
        "changes[2].op is unspecified",
        "ADD, REMOVE, PROMOTE, DEMOTE, MUTE or UNMUTE");
    ChangeMembersRequest unknown =
        changeMembers(0).addChanges(MemberChange.newBuilder().setUser(BOB).setOpValue(42)).build();
    assertRefused(
        GroupRequestValidator.validate(unknown),
        ErrorCode.INVALID_ARGUMENT,
        "changes[0].op 42 is not known");
  }

  @Test
  void everyOpPasses() {
    ChangeMembersRequest.Builder request = changeMembers(0);
    for (Op op : Op.values()) {
      if (op != Op.OP_UNSPECIFIED && op != Op.UNRECOGNIZED) {
        request.addChanges(change(BOB, op));
      }
    }
    assertEquals(6, request.getChangesCount());
    assertAccepted(GroupRequestValidator.validate(request.build()));
  }

  // join, leave, title, get

  @Test
  void joinAndLeaveNeedAGroupAndAUser() {
    assertOnlyTheFirstPasses(
        JoinRequest.newBuilder().setGroup(FAMILY).setUser(BOB).build(),
        JoinRequest.newBuilder().setGroup(FAMILY).build(),
        ErrorCode.INVALID_ADDRESS,
        "user is missing",
        "joining");
    assertOnlyTheFirstPasses(
        LeaveRequest.newBuilder().setGroup(FAMILY).setUser(BOB).build(),
        LeaveRequest.newBuilder().setUser(BOB).build(),
        ErrorCode.INVALID_ADDRESS,
        "group is missing");
  }

  @Test
  void setTitleChecksTheTitleLikeCreate() {
    SetTitleRequest.Builder request =
        SetTitleRequest.newBuilder().setGroup(FAMILY).setActor(ALICE).setTitle("Family 2");
    assertAccepted(GroupRequestValidator.validate(request.build()));
    assertRefused(
        GroupRequestValidator.validate(request.setTitle("x".repeat(300)).build()),
        ErrorCode.INVALID_ARGUMENT,
        "title is 300 bytes");
  }

  @Test
  void getGroupNeedsAValidGroup() {
    assertAccepted(
        GroupRequestValidator.validate(GetGroupRequest.newBuilder().setGroup(FAMILY).build()));
    assertRefused(
        GroupRequestValidator.validate(
            GetGroupRequest.newBuilder().setGroup(FAMILY.toBuilder().setGroupId("")).build()),
        ErrorCode.INVALID_ADDRESS,
        "group.group_id is empty");
  }

  // bulk subscribe

  @Test
  void tenThousandUsersOfOnePlatformPassAndOneMoreIsRefused() {
    assertAtMost(count -> bulk(count).build(), 10_000, "users has 10001 entries", "at most 10000");
  }

  @Test
  void anEmptyBulkSubscriptionIsRefused() {
    assertRefused(
        GroupRequestValidator.validate(bulk(0).build()), ErrorCode.INVALID_FRAME, "users is empty");
  }

  @Test
  void usersOfTwoPlatformsInOneBulkSubscriptionAreRefusedNamingTheFirstStranger() {
    BulkSubscribeRequest request =
        bulk(5).addUsers(address("eitaa", "x")).addUsers(address("rubika", "y")).build();
    assertRefused(
        GroupRequestValidator.validate(request),
        ErrorCode.INVALID_ARGUMENT,
        "users[5].platform_id is \"eitaa\"",
        "users[0].platform_id is \"bale\"",
        "one platform");
  }

  @Test
  void aMalformedUserInABulkSubscriptionIsRefusedNamingItsIndex() {
    BulkSubscribeRequest request = bulk(2).addUsers(address("bale", "two words")).build();
    assertRefused(
        GroupRequestValidator.validate(request), ErrorCode.INVALID_ADDRESS, "users[2].user_id");
  }

  // history

  @Test
  void historyLimitFromZeroToFiveHundredPassesAndMoreIsRefused() {
    HistoryRequest.Builder request =
        HistoryRequest.newBuilder().setGroup(FAMILY).setUser(BOB).setBeforeSequence(77);
    assertAccepted(GroupRequestValidator.validate(request.setLimit(0).build()));
    assertAccepted(GroupRequestValidator.validate(request.setLimit(500).build()));
    assertRefused(
        GroupRequestValidator.validate(request.setLimit(501).build()),
        ErrorCode.INVALID_ARGUMENT,
        "limit is 501",
        "at most 500");
    // uint32 on the wire: 4,000,000,000 is not a negative number to let through.
    assertRefused(
        GroupRequestValidator.validate(request.setLimit((int) 4_000_000_000L).build()),
        ErrorCode.INVALID_ARGUMENT,
        "limit is 4000000000");
  }

  @Test
  void historyNeedsTheMemberAsking() {
    assertRefused(
        GroupRequestValidator.validate(HistoryRequest.newBuilder().setGroup(FAMILY).build()),
        ErrorCode.INVALID_ADDRESS,
        "user is missing",
        "member");
  }

  // dispatch

  @Test
  void theGenericEntryPointDispatchesByRequestKindAndRefusesOtherMessages() {
    assertRefused(
        GroupRequestValidator.validate((com.google.protobuf.Message) changeMembers(0).build()),
        ErrorCode.INVALID_FRAME,
        "changes is empty");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> GroupRequestValidator.validate(Welcome.getDefaultInstance()));
    assertTrue(e.getMessage().contains("peyvand.v1.Welcome"), e.getMessage());
  }

  // the group address's text form

  @Test
  void aGroupAddressReadsBackFromItsTextForm() {
    assertEquals(FAMILY, Addresses.parseGroup("eitaa:family"));
    assertEquals("eitaa:family", Addresses.format(FAMILY));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Addresses.parseGroup("family"));
    assertTrue(e.getMessage().contains("home_platform:group_id"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Addresses.parseGroup("eitaa:"));
    assertTrue(e.getMessage().contains("group_id is empty"), e.getMessage());
  }
}
