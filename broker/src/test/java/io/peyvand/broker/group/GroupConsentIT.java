package io.peyvand.broker.group;

import static io.peyvand.broker.ingress.RawSession.block;
import static io.peyvand.broker.ingress.RawSession.text;
import static io.peyvand.broker.ingress.RawSession.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.peyvand.broker.ingress.RawSession;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import io.peyvand.protocol.ErrorCodes;
import io.peyvand.protocol.v1.ChangeMembersRequest;
import io.peyvand.protocol.v1.CreateGroupRequest;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.GetGroupRequest;
import io.peyvand.protocol.v1.GroupAddress;
import io.peyvand.protocol.v1.GroupInfo;
import io.peyvand.protocol.v1.GroupKind;
import io.peyvand.protocol.v1.JoinRequest;
import io.peyvand.protocol.v1.MemberChange;
import io.peyvand.protocol.v1.PlatformCount;
import io.peyvand.protocol.v1.SubmitResult;
import io.peyvand.protocol.v1.UserAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Groups and channels honour consent and blocks, over real gRPC and the real Cassandra: adding a
 * user who is not opted in (by choice or by their platform's default) or who blocked the adder is
 * refused with the very code and text a 1:1 message from the adder to them gets, the whole request
 * changes nothing, and adding a consenting user works. Removing, muting and promoting are not
 * checked, and a user joining an open group by themselves is their own act.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GroupConsentIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();
  private static final UserAddress OWNER = user("eitaa:owner");

  @RegisterExtension
  final GroupsNode broker =
      new GroupsNode(
          cassandra,
          "GroupConsentIT",
          """
          peyvand.platforms.bootstrap = [
            { id = "bale", display-name = "Bale", default-opted-in = true }
            { id = "eitaa", display-name = "Eitaa", default-opted-in = true }
            { id = "rubika", display-name = "Rubika" }
          ]
          """);

  private final AtomicLong ids = new AtomicLong();

  @BeforeAll
  void users() throws Exception {
    // bale:out and eitaa:shy (the owner's own platform) opted out; bale:blocker blocked the owner;
    // rubika's users follow their platform's default, not opted in.
    get(consent("bale:out", false));
    get(consent("eitaa:shy", false));
    get(broker.node().as("bale").setBlocked(block("bale", "bale:blocker", "eitaa:owner", true)));
  }

  @Test
  void addingAUserWhoDoesNotAcceptTheAdderIsRefusedAsAMessageToThemWouldBeAndChangesNothing()
      throws Exception {
    GroupAddress group = create("family", GroupKind.GROUP, false);
    GroupAddress channel = create("news", GroupKind.CHANNEL, false);
    GroupInfo groupBefore = info(group);
    GroupInfo channelBefore = info(channel);

    for (String refusing : List.of("bale:out", "bale:blocker", "rubika:quiet", "eitaa:shy")) {
      Error direct = refusedAlike(group, refusing, add(refusing));
      assertEquals(ErrorCode.RECIPIENT_NOT_ACCEPTING, direct.getCode(), refusing);
      refusedAlike(channel, refusing, add(refusing));
    }
    // One refusing user refuses the whole request, naming no one.
    refusedAlike(group, "bale:out", add("bale:friend"), add("bale:out"), add("rubika:quiet"));
    Error unknown = refusedAlike(group, "nosuch:bob", add("bale:friend"), add("nosuch:bob"));
    assertEquals(ErrorCode.UNKNOWN_PLATFORM, unknown.getCode());

    assertEquals(groupBefore, info(group), "the group's members and log are unchanged");
    assertEquals(channelBefore, info(channel), "the channel's members and log are unchanged");

    GroupInfo added = get(changeMembers(group, add("bale:friend"), add("eitaa:friend")));
    assertEquals(Map.of("bale", 1L, "eitaa", 2L), members(added));
    assertTrue(added.getLastSequence() > groupBefore.getLastSequence(), added.toString());
  }

  @Test
  void removingMutingAndPromotingAreNotCheckedAndJoiningIsTheUsersOwnAct() throws Exception {
    GroupAddress group = create("open", GroupKind.GROUP, true);
    get(changeMembers(group, add("bale:later")));
    get(broker.node().as("bale").setBlocked(block("bale", "bale:later", "eitaa:owner", true)));
    GroupInfo changed =
        get(
            changeMembers(
                group,
                change("bale:later", MemberChange.Op.PROMOTE),
                change("bale:later", MemberChange.Op.DEMOTE),
                change("bale:later", MemberChange.Op.MUTE),
                change("bale:later", MemberChange.Op.UNMUTE),
                change("bale:later", MemberChange.Op.REMOVE)));
    assertEquals(Map.of("eitaa", 1L), members(changed));

    for (String joining : List.of("bale:out", "bale:blocker", "rubika:quiet")) {
      get(
          broker
              .groups()
              .join(JoinRequest.newBuilder().setGroup(group).setUser(user(joining)).build()));
    }
    assertEquals(Map.of("bale", 2L, "eitaa", 1L, "rubika", 1L), members(info(group)));
  }

  /**
   * Submits a 1:1 message from the owner to {@code to} and changes the group's members with {@code
   * changes}: both must be refused, with the same code and text; the message's refusal.
   */
  private Error refusedAlike(GroupAddress group, String to, MemberChange... changes)
      throws Exception {
    SubmitResult direct =
        broker
            .node()
            .submit("eitaa", text("d-" + ids.incrementAndGet(), "eitaa:owner", to, "salam"));
    assertTrue(direct.hasRefused(), direct.toString());
    Error expected = direct.getRefused();
    ExecutionException refused =
        assertThrows(
            ExecutionException.class, () -> get(changeMembers(group, changes)), "adding " + to);
    Status status = Status.fromThrowable(refused.getCause());
    assertEquals(ErrorCodes.grpcStatus(expected.getCode()), status.getCode(), status.toString());
    assertEquals(
        expected.getCode() + ": " + expected.getMessage(),
        status.getDescription(),
        "adding " + to + " is refused as a message to them is");
    return expected;
  }

  private GroupAddress create(String id, GroupKind kind, boolean open) throws Exception {
    GroupAddress group = GroupAddress.newBuilder().setPlatformId("eitaa").setGroupId(id).build();
    get(
        broker
            .groups()
            .createGroup(
                CreateGroupRequest.newBuilder()
                    .setGroup(group)
                    .setActor(OWNER)
                    .setTitle(id)
                    .setKind(kind)
                    .setOpen(open)
                    .build()));
    return group;
  }

  private CompletionStage<GroupInfo> changeMembers(GroupAddress group, MemberChange... changes) {
    return broker
        .groups()
        .changeMembers(
            ChangeMembersRequest.newBuilder()
                .setGroup(group)
                .setActor(OWNER)
                .addAllChanges(List.of(changes))
                .build());
  }

  private static MemberChange add(String user) {
    return change(user, MemberChange.Op.ADD);
  }

  private static MemberChange change(String user, MemberChange.Op op) {
    return MemberChange.newBuilder().setOp(op).setUser(user(user)).build();
  }

  private CompletionStage<?> consent(String user, boolean optedIn) {
    String platform = user.substring(0, user.indexOf(':'));
    return broker.node().as(platform).setConsent(RawSession.consent(platform, user, optedIn));
  }

  private GroupInfo info(GroupAddress group) throws Exception {
    return get(broker.groups().getGroup(GetGroupRequest.newBuilder().setGroup(group).build()));
  }

  private static Map<String, Long> members(GroupInfo info) {
    return info.getMembersList().stream()
        .filter(count -> count.getMembers() > 0)
        .collect(Collectors.toMap(PlatformCount::getPlatformId, PlatformCount::getMembers));
  }

  private static <T> T get(CompletionStage<T> call) throws Exception {
    return call.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
