package io.peyvand.broker;

import io.peyvand.protocol.v1.BulkSubscribeRequest;
import io.peyvand.protocol.v1.ChangeMembersRequest;
import io.peyvand.protocol.v1.CreateGroupRequest;
import io.peyvand.protocol.v1.GetGroupRequest;
import io.peyvand.protocol.v1.GroupCallRequest;
import io.peyvand.protocol.v1.GroupInfo;
import io.peyvand.protocol.v1.Groups;
import io.peyvand.protocol.v1.GroupsClient;
import io.peyvand.protocol.v1.HistoryPage;
import io.peyvand.protocol.v1.HistoryRequest;
import io.peyvand.protocol.v1.JoinRequest;
import io.peyvand.protocol.v1.LeaveRequest;
import io.peyvand.protocol.v1.SetTitleRequest;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Groups service of a test node, each call made with the certificate of the platform whose user
 * it acts for (the actor, the user joining or leaving, the group's home platform for GetGroup), as
 * each platform's adapter would make it: for tests of groups' behaviour, not of who may call
 * (ConsentTlsIT tests a platform acting for another's user). One client per platform, closed by
 * {@link #close}.
 */
public final class ActingGroups implements Groups, AutoCloseable {
  private final TestBroker node;
  private final Map<String, GroupsClient> clients = new ConcurrentHashMap<>();

  ActingGroups(TestBroker node) {
    this.node = node;
  }

  private Groups as(String platform) {
    return clients.computeIfAbsent(platform, node::groups);
  }

  @Override
  public CompletionStage<GroupInfo> createGroup(CreateGroupRequest in) {
    return as(in.getActor().getPlatformId()).createGroup(in);
  }

  @Override
  public CompletionStage<GroupInfo> changeMembers(ChangeMembersRequest in) {
    return as(in.getActor().getPlatformId()).changeMembers(in);
  }

  @Override
  public CompletionStage<GroupInfo> join(JoinRequest in) {
    return as(in.getUser().getPlatformId()).join(in);
  }

  @Override
  public CompletionStage<GroupInfo> leave(LeaveRequest in) {
    return as(in.getUser().getPlatformId()).leave(in);
  }

  @Override
  public CompletionStage<GroupInfo> bulkSubscribe(BulkSubscribeRequest in) {
    return as(in.getUsersCount() == 0 ? "bale" : in.getUsers(0).getPlatformId()).bulkSubscribe(in);
  }

  @Override
  public CompletionStage<GroupInfo> setTitle(SetTitleRequest in) {
    return as(in.getActor().getPlatformId()).setTitle(in);
  }

  @Override
  public CompletionStage<GroupInfo> getGroup(GetGroupRequest in) {
    return as(in.getGroup().getPlatformId()).getGroup(in);
  }

  @Override
  public CompletionStage<HistoryPage> history(HistoryRequest in) {
    return as(in.getUser().getPlatformId()).history(in);
  }

  @Override
  public CompletionStage<GroupInfo> changeCall(GroupCallRequest in) {
    return as(in.getUser().getPlatformId()).changeCall(in);
  }

  @Override
  public void close() {
    clients.values().forEach(GroupsClient::close);
  }
}
