package io.peyvand.protocol.sdk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.peyvand.protocol.sdk.UserAddresses;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.GroupAddress;
import io.peyvand.protocol.v1.GroupDelivery;
import io.peyvand.protocol.v1.GroupInfo;
import io.peyvand.protocol.v1.GroupKind;
import io.peyvand.protocol.v1.MembershipChange;
import io.peyvand.protocol.v1.ReactionCount;
import io.peyvand.protocol.v1.ReactionCounts;
import io.peyvand.protocol.v1.Role;
import io.peyvand.protocol.v1.Text;
import org.junit.jupiter.api.Test;

class GroupFormatTest {
  private static final GroupAddress NEWS =
      GroupAddress.newBuilder().setPlatformId("eitaa").setGroupId("news").build();
  private static final GroupDelivery.Builder IN_NEWS =
      GroupDelivery.newBuilder().setGroup(NEWS).setSequence(40);

  @Test
  void aPostNamesGroupSequenceAndSenderAndIsFlaggedWhenRepeated() {
    Envelope post =
        Envelope.newBuilder()
            .setMessageId("p-1")
            .setSender(UserAddresses.parse("eitaa:alice"))
            .setGroup(NEWS)
            .setText(Text.newBuilder().setBody("two\nlines"))
            .build();
    assertEquals(
        "eitaa:news #40 post from eitaa:alice: two\\nlines (redelivery)",
        GroupFormat.line(IN_NEWS.clone().setRedelivery(true).setPost(post).build()));
    assertEquals(
        "eitaa:news #40 post from eitaa:alice: two\\nlines [to 2 members]",
        GroupFormat.line(
            IN_NEWS.clone().setPost(post).addMemberIds("bob").addMemberIds("carol").build()));
  }

  /** The line of {@code change} in the news channel's log. */
  private static String changeLine(MembershipChange.Builder change) {
    return GroupFormat.line(IN_NEWS.clone().setChange(change).build());
  }

  /** {@code actor} changed {@code user}'s membership: {@code kind}, now {@code role}. */
  private static MembershipChange.Builder membership(
      String actor, String user, MembershipChange.Kind kind, Role role) {
    return MembershipChange.newBuilder()
        .setActor(UserAddresses.parse(actor))
        .setUser(UserAddresses.parse(user))
        .setKind(kind)
        .setRole(role);
  }

  @Test
  void aChangeNamesItsKindUserActorRoleAndTitle() {
    assertEquals(
        "eitaa:news #40 PROMOTED bale:bob by eitaa:alice role=ADMIN",
        changeLine(
            membership("eitaa:alice", "bale:bob", MembershipChange.Kind.PROMOTED, Role.ADMIN)));
    assertEquals(
        "eitaa:news #40 TITLE_CHANGED by eitaa:alice title=\"Sport\"",
        changeLine(
            MembershipChange.newBuilder()
                .setActor(UserAddresses.parse("eitaa:alice"))
                .setKind(MembershipChange.Kind.TITLE_CHANGED)
                .setTitle("Sport")));
    assertEquals(
        "eitaa:news #40 JOINED bale:bob role=MEMBER",
        changeLine(membership("bale:bob", "bale:bob", MembershipChange.Kind.JOINED, Role.MEMBER)));
  }

  @Test
  void reactionCountsListEachEmoji() {
    assertEquals(
        "eitaa:news #40 reactions to #12 (p-1): 👍 3, ❤ 1",
        GroupFormat.line(
            IN_NEWS
                .clone()
                .setCounts(
                    ReactionCounts.newBuilder()
                        .setPostSequence(12)
                        .setMessageId("p-1")
                        .addCounts(ReactionCount.newBuilder().setEmoji("👍").setCount(3))
                        .addCounts(ReactionCount.newBuilder().setEmoji("❤").setCount(1)))
                .build()));
  }

  @Test
  void aGroupWithoutMembersSaysNone() {
    assertEquals(
        "eitaa:news CHANNEL \"News\" open=true members=none last_sequence=0",
        GroupFormat.info(
            GroupInfo.newBuilder()
                .setGroup(NEWS)
                .setKind(GroupKind.CHANNEL)
                .setTitle("News")
                .setOpen(true)
                .build()));
  }
}
