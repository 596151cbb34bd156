package io.peyvand.protocol.sdk.cli;

import io.peyvand.protocol.sdk.UserAddresses;
import io.peyvand.protocol.v1.GroupAddress;
import io.peyvand.protocol.v1.GroupDelivery;
import io.peyvand.protocol.v1.GroupInfo;
import io.peyvand.protocol.v1.HistoryItem;
import io.peyvand.protocol.v1.MembershipChange;
import io.peyvand.protocol.v1.ReactionCount;
import io.peyvand.protocol.v1.ReactionCounts;
import java.util.stream.Collectors;

/**
 * One line per group result, as the {@code group} and {@code channel} commands and {@code listen}
 * print them:
 *
 * <ul>
 *   <li>a group: {@code eitaa:family GROUP "Family" open=false owner=eitaa:alice
 *       members=bale:2,eitaa:3 last_sequence=17};
 *   <li>an item of its log, as {@code listen} receives it or {@code history} pages it: {@code
 *       eitaa:family #12 post from eitaa:alice: salam}, {@code eitaa:family #3 ADDED bale:bob by
 *       eitaa:alice role=MEMBER}, {@code eitaa:news #40 reactions to #12 (p-1): 👍 3, ❤ 1}, with
 *       {@code (redelivery)} appended when the broker flagged it, and {@code [to 3 members]} when
 *       it listed the platform's members.
 * </ul>
 */
final class GroupFormat {
  private GroupFormat() {}

  static String info(GroupInfo info) {
    String members =
        info.getMembersList().stream()
            .map(count -> count.getPlatformId() + ":" + count.getMembers())
            .collect(Collectors.joining(","));
    return UserAddresses.format(info.getGroup())
        + " "
        + info.getKind()
        + " \""
        + DeliveryFormat.oneLine(info.getTitle())
        + "\" open="
        + info.getOpen()
        + (info.hasOwner() ? " owner=" + UserAddresses.format(info.getOwner()) : "")
        + " members="
        + (members.isEmpty() ? "none" : members)
        + " last_sequence="
        + info.getLastSequence();
  }

  static String line(GroupDelivery delivery) {
    String body =
        switch (delivery.getItemCase()) {
          case POST -> post(delivery.getPost());
          case CHANGE -> change(delivery.getChange());
          case COUNTS -> counts(delivery.getCounts());
          case CALL -> call(delivery.getCall());
          case ITEM_NOT_SET -> "(empty item)";
        };
    return head(delivery.getGroup(), delivery.getSequence())
        + body
        + (delivery.getMemberIdsCount() > 0
            ? " [to " + delivery.getMemberIdsCount() + " members]"
            : "")
        + (delivery.getRedelivery() ? " (redelivery)" : "");
  }

  static String line(GroupAddress group, HistoryItem item) {
    String body =
        switch (item.getItemCase()) {
          case POST -> post(item.getPost());
          case CHANGE -> change(item.getChange());
          case CALL -> call(item.getCall());
          case ITEM_NOT_SET -> "(empty item)";
        };
    return head(group, item.getSequence()) + body;
  }

  /** e.g. "call gc-1: bale:bob joined". */
  private static String call(io.peyvand.protocol.v1.GroupCallChange change) {
    return "call "
        + change.getCallId()
        + ": "
        + UserAddresses.format(change.getUser())
        + " "
        + change.getAction().name().toLowerCase(java.util.Locale.ROOT);
  }

  private static String head(GroupAddress group, long sequence) {
    return UserAddresses.format(group) + " #" + sequence + " ";
  }

  private static String post(io.peyvand.protocol.v1.Envelope post) {
    return "post from "
        + UserAddresses.format(post.getSender())
        + ": "
        + DeliveryFormat.content(post);
  }

  private static String change(MembershipChange change) {
    StringBuilder line = new StringBuilder().append(change.getKind());
    if (change.hasUser()) {
      line.append(' ').append(UserAddresses.format(change.getUser()));
    }
    if (change.hasActor() && !change.getActor().equals(change.getUser())) {
      line.append(" by ").append(UserAddresses.format(change.getActor()));
    }
    if (change.getRoleValue() != 0) {
      line.append(" role=").append(change.getRole());
    }
    if (!change.getTitle().isEmpty()) {
      line.append(" title=\"").append(DeliveryFormat.oneLine(change.getTitle())).append('"');
    }
    return line.toString();
  }

  private static String counts(ReactionCounts counts) {
    return "reactions to #"
        + counts.getPostSequence()
        + " ("
        + counts.getMessageId()
        + "): "
        + (counts.getCountsCount() == 0
            ? "none"
            : counts.getCountsList().stream()
                .map(GroupFormat::count)
                .collect(Collectors.joining(", ")));
  }

  private static String count(ReactionCount count) {
    return count.getEmoji() + " " + count.getCount();
  }
}
