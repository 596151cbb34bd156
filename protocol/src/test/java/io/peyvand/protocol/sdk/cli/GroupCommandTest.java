package io.peyvand.protocol.sdk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Message;
import io.peyvand.protocol.sdk.ScriptedBroker;
import io.peyvand.protocol.sdk.UserAddresses;
import io.peyvand.protocol.v1.BulkSubscribeRequest;
import io.peyvand.protocol.v1.ChangeMembersRequest;
import io.peyvand.protocol.v1.CreateGroupRequest;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.GetGroupRequest;
import io.peyvand.protocol.v1.GroupAddress;
import io.peyvand.protocol.v1.GroupInfo;
import io.peyvand.protocol.v1.GroupKind;
import io.peyvand.protocol.v1.HistoryItem;
import io.peyvand.protocol.v1.HistoryPage;
import io.peyvand.protocol.v1.HistoryRequest;
import io.peyvand.protocol.v1.JoinRequest;
import io.peyvand.protocol.v1.LeaveRequest;
import io.peyvand.protocol.v1.MemberChange;
import io.peyvand.protocol.v1.MembershipChange;
import io.peyvand.protocol.v1.PlatformCount;
import io.peyvand.protocol.v1.SetTitleRequest;
import io.peyvand.protocol.v1.Text;
import io.peyvand.protocol.v1.UserAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code group} and {@code channel} against a scripted broker: requests, lines, exit status. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GroupCommandTest {
  private static final GroupAddress FAMILY =
      GroupAddress.newBuilder().setPlatformId("eitaa").setGroupId("family").build();
  private static final GroupAddress NEWS =
      GroupAddress.newBuilder().setPlatformId("eitaa").setGroupId("news").build();
  private static final UserAddress ALICE = UserAddresses.parse("eitaa:alice");
  private static final UserAddress BOB = UserAddresses.parse("bale:bob");

  @RegisterExtension final ScriptedBroker broker = ScriptedBroker.perClass("group-cli-test");

  private CliRun run(String... args) {
    return CliRun.subcommand(broker.port(), args);
  }

  /** channel bulk-subscribe of bale's users to eitaa:news, with {@code options}. */
  private CliRun bulkSubscribe(String... options) {
    return run(
        Stream.concat(
                Stream.of("channel", "bulk-subscribe", "eitaa:news", "--platform", "bale"),
                Stream.of(options))
            .toArray(String[]::new));
  }

  private static GroupInfo info(GroupAddress group, GroupKind kind, String title) {
    return GroupInfo.newBuilder()
        .setGroup(group)
        .setKind(kind)
        .setTitle(title)
        .setOwner(ALICE)
        .addMembers(PlatformCount.newBuilder().setPlatformId("bale").setMembers(2))
        .addMembers(PlatformCount.newBuilder().setPlatformId("eitaa").setMembers(3))
        .setLastSequence(17)
        .build();
  }

  private void answer(GroupInfo info) {
    broker.onGroupCall = request -> CompletableFuture.completedFuture(info);
  }

  @Test
  void createSendsTheRequestAndPrintsTheGroupOnOneLine() {
    answer(info(FAMILY, GroupKind.GROUP, "Family"));
    CliRun run =
        run(
            "group",
            "create",
            "eitaa:family",
            "--as",
            "eitaa:alice",
            "--title",
            "Family",
            "--open");
    assertEquals(
        new CliRun(
            0,
            "eitaa:family GROUP \"Family\" open=false owner=eitaa:alice"
                + " members=bale:2,eitaa:3 last_sequence=17",
            ""),
        run);
    assertEquals(
        List.of(
            CreateGroupRequest.newBuilder()
                .setGroup(FAMILY)
                .setActor(ALICE)
                .setTitle("Family")
                .setKind(GroupKind.GROUP)
                .setOpen(true)
                .build()),
        broker.groupCalls);
  }

  @Test
  void eachMemberChangeCommandSendsItsOpForEveryUserInOneCall() {
    answer(info(FAMILY, GroupKind.GROUP, "Family"));
    List<String> commands = List.of("add", "remove", "promote", "demote", "mute", "unmute");
    for (String command : commands) {
      assertEquals(
          0,
          run("group", command, "eitaa:family", "bale:bob", "rubika:carol", "--as", "eitaa:alice")
              .status(),
          command);
    }
    List<MemberChange.Op> ops =
        List.of(
            MemberChange.Op.ADD,
            MemberChange.Op.REMOVE,
            MemberChange.Op.PROMOTE,
            MemberChange.Op.DEMOTE,
            MemberChange.Op.MUTE,
            MemberChange.Op.UNMUTE);
    assertEquals(6, broker.groupCalls.size());
    for (int i = 0; i < ops.size(); i++) {
      ChangeMembersRequest request = (ChangeMembersRequest) broker.groupCalls.get(i);
      assertEquals(ALICE, request.getActor());
      assertEquals(
          List.of(BOB, UserAddresses.parse("rubika:carol")),
          request.getChangesList().stream().map(MemberChange::getUser).toList());
      MemberChange.Op op = ops.get(i);
      assertTrue(request.getChangesList().stream().allMatch(c -> c.getOp() == op), op.name());
    }
  }

  @Test
  void joinLeaveTitleAndInfoSendTheirRequests() {
    answer(info(FAMILY, GroupKind.GROUP, "Family"));
    assertEquals(0, run("group", "join", "eitaa:family", "--as", "bale:bob").status());
    assertEquals(0, run("group", "leave", "eitaa:family", "--as", "bale:bob").status());
    assertEquals(
        0, run("group", "title", "eitaa:family", "--as", "eitaa:alice", "Big", "family").status());
    assertEquals(0, run("group", "info", "eitaa:family").status());
    assertEquals(
        List.of(
            JoinRequest.newBuilder().setGroup(FAMILY).setUser(BOB).build(),
            LeaveRequest.newBuilder().setGroup(FAMILY).setUser(BOB).build(),
            SetTitleRequest.newBuilder()
                .setGroup(FAMILY)
                .setActor(ALICE)
                .setTitle("Big family")
                .build(),
            GetGroupRequest.newBuilder().setGroup(FAMILY).build()),
        broker.groupCalls);
  }

  @Test
  void aRefusalByTheBrokerPrintsCodeAndMessageAndExitsOne() {
    broker.onGroupCall =
        request ->
            ScriptedBroker.groupRefusal(
                ErrorCode.NOT_PERMITTED, "bale:bob is not an admin of eitaa:family");
    CliRun run = run("group", "add", "eitaa:family", "bale:carol", "--as", "bale:bob");
    assertEquals(
        new CliRun(1, "refused NOT_PERMITTED: bale:bob is not an admin of eitaa:family", ""), run);
  }

  @Test
  void aRequestTheProtocolRefusesIsNotSentAndIsAUsageErrorNamingTheField() {
    CliRun run = run("group", "title", "eitaa:family", "--as", "eitaa:alice", "x".repeat(300));
    assertEquals(2, run.status());
    assertTrue(run.err().startsWith("not sent: INVALID_ARGUMENT: title is 300 bytes"), run.err());
    assertEquals(1, run.err().lines().count(), "the field's problem, not the usage text");
    assertEquals(List.of(), broker.groupCalls);
  }

  @Test
  void aBrokerWithoutGroupsIsSaidToBeOne() {
    broker.onGroupCall = request -> ScriptedBroker.unimplemented();
    CliRun run = run("group", "info", "eitaa:family");
    assertEquals(2, run.status());
    assertTrue(run.err().contains("does not serve peyvand.v1.Groups (UNIMPLEMENTED)"), run.err());
  }

  @Test
  void aMalformedGroupAddressIsAUsageError() {
    CliRun run = run("group", "join", "family", "--as", "bale:bob");
    assertEquals(2, run.status());
    assertTrue(run.err().contains("home_platform:group_id"), run.err());
  }

  @Test
  void anUnreachableBrokerExitsTwoAndSaysHowToStartOne() throws Exception {
    int closedPort = ScriptedBroker.closedPort();
    CliRun run = CliRun.subcommand(closedPort, "group", "info", "eitaa:family", "--timeout", "3");
    assertEquals(2, run.status());
    assertEquals("", run.out());
    assertTrue(run.err().contains("./peyvand dev"), run.err());
  }

  @Test
  void postSubmitsAnEnvelopeToTheGroupAndPrintsTheAnswerLikeSend() {
    broker.onUnarySubmit = ScriptedBroker.unaryAccepted(18, false);
    CliRun run =
        run(
            "group",
            "post",
            "eitaa:family",
            "--as",
            "bale:bob",
            "--message-id",
            "p-1",
            "salam",
            "all");
    assertEquals(new CliRun(0, "accepted message_id=p-1 sequence=18", ""), run);
    Envelope post = broker.unarySubmits.get(0).getEnvelope();
    assertEquals("bale", broker.unarySubmits.get(0).getPlatformId());
    assertEquals(FAMILY, post.getGroup());
    assertEquals(BOB, post.getSender());
    assertEquals("salam all", post.getText().getBody());
  }

  @Test
  void historyPrintsOneLinePerItemAndHowToPageOn() {
    broker.onGroupCall =
        request ->
            CompletableFuture.completedFuture(
                HistoryPage.newBuilder()
                    .addItems(
                        HistoryItem.newBuilder()
                            .setSequence(5)
                            .setPost(
                                Envelope.newBuilder()
                                    .setMessageId("p-5")
                                    .setSender(ALICE)
                                    .setGroup(FAMILY)
                                    .setText(Text.newBuilder().setBody("newest"))))
                    .addItems(
                        HistoryItem.newBuilder()
                            .setSequence(4)
                            .setChange(
                                MembershipChange.newBuilder()
                                    .setActor(ALICE)
                                    .setUser(BOB)
                                    .setKind(MembershipChange.Kind.ADDED)
                                    .setRole(io.peyvand.protocol.v1.Role.MEMBER)))
                    .setNextBeforeSequence(4)
                    .build());
    CliRun run =
        run(
            "group",
            "history",
            "eitaa:family",
            "--as",
            "bale:bob",
            "--limit",
            "2",
            "--before",
            "6");
    assertEquals(0, run.status(), run.err());
    assertEquals(
        List.of(
            "eitaa:family #5 post from eitaa:alice: newest",
            "eitaa:family #4 ADDED bale:bob by eitaa:alice role=MEMBER",
            "older items: --before 4"),
        run.lines());
    assertEquals(
        HistoryRequest.newBuilder()
            .setGroup(FAMILY)
            .setUser(BOB)
            .setLimit(2)
            .setBeforeSequence(6)
            .build(),
        broker.groupCalls.get(0));
  }

  @Test
  void channelCreateSubscribeAndUnsubscribeUseTheGroupsCalls() {
    answer(info(NEWS, GroupKind.CHANNEL, "News"));
    CliRun created =
        run("channel", "create", "eitaa:news", "--as", "eitaa:alice", "--title", "News", "--open");
    assertEquals(0, created.status(), created.err());
    assertTrue(created.out().startsWith("eitaa:news CHANNEL \"News\""), created.out());
    assertEquals(0, run("channel", "subscribe", "eitaa:news", "--as", "bale:bob").status());
    assertEquals(0, run("channel", "unsubscribe", "eitaa:news", "--as", "bale:bob").status());
    assertEquals(0, run("channel", "info", "eitaa:news", "--platform", "bale").status());
    List<Message> calls = broker.groupCalls;
    assertEquals(GroupKind.CHANNEL, ((CreateGroupRequest) calls.get(0)).getKind());
    assertEquals(JoinRequest.newBuilder().setGroup(NEWS).setUser(BOB).build(), calls.get(1));
    assertEquals(LeaveRequest.newBuilder().setGroup(NEWS).setUser(BOB).build(), calls.get(2));
    assertEquals(GetGroupRequest.newBuilder().setGroup(NEWS).build(), calls.get(3));
  }

  @Test
  void bulkSubscribeNumbersTheUsersAndSendsThemInBatchesOneLineEach() {
    answer(info(NEWS, GroupKind.CHANNEL, "News"));
    CliRun run = bulkSubscribe("--users", "25", "--prefix", "fan-", "--batch", "10");
    assertEquals(0, run.status(), run.err());
    assertEquals(3, run.lines().size());
    assertTrue(
        run.lines()
            .get(0)
            .startsWith("subscribed bale:fan-1..fan-10 (10 users): " + "eitaa:news CHANNEL"),
        run.lines().get(0));
    assertTrue(
        run.lines().get(2).startsWith("subscribed bale:fan-21..fan-25 (5 users)"),
        run.lines().get(2));
    List<String> ids =
        broker.groupCalls.stream()
            .flatMap(call -> ((BulkSubscribeRequest) call).getUsersList().stream())
            .map(UserAddresses::format)
            .toList();
    assertEquals(IntStream.rangeClosed(1, 25).mapToObj(i -> "bale:fan-" + i).toList(), ids);
  }

  @Test
  void bulkSubscribeOfTenThousandUsersIsOneCall() {
    answer(info(NEWS, GroupKind.CHANNEL, "News"));
    CliRun run = bulkSubscribe("--users", "10000");
    assertEquals(0, run.status(), run.err());
    assertEquals(1, broker.groupCalls.size());
    assertEquals(10_000, ((BulkSubscribeRequest) broker.groupCalls.get(0)).getUsersCount());
  }

  @Test
  void bulkSubscribeRefusesABatchLargerThanTheProtocolAllows() {
    CliRun run = bulkSubscribe("--users", "5", "--batch", "10001");
    assertEquals(2, run.status());
    assertTrue(run.err().contains("--batch must be 1-10000"), run.err());
    assertEquals(List.of(), broker.groupCalls);
  }
}
