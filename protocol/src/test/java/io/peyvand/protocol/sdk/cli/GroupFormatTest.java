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

  @Test
  void aChangeNamesItsKindUserActorRoleAndTitle() {
    assertEquals(
        "eitaa:news #40 PROMOTED bale:bob by eitaa:alice role=ADMIN",
        GroupFormat.line(
            IN_NEWS
                .clone()
                .setChange(
                    MembershipChange.newBuilder()
                        .setActor(UserAddresses.parse("eitaa:alice"))
                        .setUser(UserAddresses.parse("bale:bob"))
                        .setKind(MembershipChange.Kind.PROMOTED)
                        .setRole(Role.ADMIN))
                .build()));
    assertEquals(
        "eitaa:news #40 TITLE_CHANGED by eitaa:alice title=\"Sport\"",
        GroupFormat.line(
            IN_NEWS
                .clone()
                .setChange(
                    MembershipChange.newBuilder()
                        .setActor(UserAddresses.parse("eitaa:alice"))
                        .setKind(MembershipChange.Kind.TITLE_CHANGED)
                        .setTitle("Sport"))
                .build()));
    assertEquals(
        "eitaa:news #40 JOINED bale:bob role=MEMBER",
        GroupFormat.line(
            IN_NEWS
                .clone()
                .setChange(
                    MembershipChange.newBuilder()
                        .setActor(UserAddresses.parse("bale:bob"))
                        .setUser(UserAddresses.parse("bale:bob"))
                        .setKind(MembershipChange.Kind.JOINED)
                        .setRole(Role.MEMBER))
                .build()));
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
