package io.peyvand.broker;

import io.peyvand.broker.ingress.RawSession;
import io.peyvand.protocol.v1.ChangeMembersRequest;
import io.peyvand.protocol.v1.CreateGroupRequest;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.GroupAddress;
import io.peyvand.protocol.v1.GroupInfo;
import io.peyvand.protocol.v1.GroupKind;
import io.peyvand.protocol.v1.Groups;
import io.peyvand.protocol.v1.MemberChange;
import io.peyvand.protocol.v1.Text;
import io.peyvand.protocol.v1.UserAddress;
import java.util.concurrent.TimeUnit;

/** Groups for integration tests, through the real Groups service of a test broker. */
public final class TestGroups {
  private TestGroups() {}

  /** Creates the group (kind GROUP) owned by {@code owner} and adds {@code member}. */
  public static GroupInfo createWithMember(
      Groups groups, GroupAddress group, UserAddress owner, UserAddress member) throws Exception {
    groups
        .createGroup(
            CreateGroupRequest.newBuilder()
                .setGroup(group)
                .setActor(owner)
                .setTitle(group.getGroupId())
                .setKind(GroupKind.GROUP)
                .build())
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    return groups
        .changeMembers(
            ChangeMembersRequest.newBuilder()
                .setGroup(group)
                .setActor(owner)
                .addChanges(MemberChange.newBuilder().setOp(MemberChange.Op.ADD).setUser(member))
                .build())
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  /**
   * {@code actor}'s request to apply {@code op} to each of {@code users} (platform:user) in {@code
   * group}.
   */
  public static ChangeMembersRequest members(
      GroupAddress group, String actor, MemberChange.Op op, String... users) {
    ChangeMembersRequest.Builder request =
        ChangeMembersRequest.newBuilder().setGroup(group).setActor(RawSession.user(actor));
    for (String user : users) {
      request.addChanges(MemberChange.newBuilder().setOp(op).setUser(RawSession.user(user)));
    }
    return request.build();
  }

  /** {@code owner}'s (platform:user) request to create {@code group}, for the caller to build. */
  public static CreateGroupRequest.Builder creation(
      GroupAddress group, String owner, String title, GroupKind kind) {
    return CreateGroupRequest.newBuilder()
        .setGroup(group)
        .setActor(RawSession.user(owner))
        .setTitle(title)
        .setKind(kind);
  }

  /** {@code sender}'s (platform:user) text post {@code id} to {@code group}, saying "salam id". */
  public static Envelope post(GroupAddress group, String sender, String id) {
    return Envelope.newBuilder()
        .setMessageId(id)
        .setSender(RawSession.user(sender))
        .setGroup(group)
        .setClientTimestampMs(System.currentTimeMillis())
        .setText(Text.newBuilder().setBody("salam " + id))
        .build();
  }
}
