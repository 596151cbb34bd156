package io.peyvand.broker.ingress.grpc;

import io.peyvand.broker.service.GroupOperations;
import io.peyvand.broker.service.Operations;
import io.peyvand.broker.service.Peer;
import io.peyvand.protocol.v1.BulkSubscribeRequest;
import io.peyvand.protocol.v1.ChangeMembersRequest;
import io.peyvand.protocol.v1.CreateGroupRequest;
import io.peyvand.protocol.v1.GetGroupRequest;
import io.peyvand.protocol.v1.GroupCallRequest;
import io.peyvand.protocol.v1.GroupInfo;
import io.peyvand.protocol.v1.Groups;
import io.peyvand.protocol.v1.HistoryPage;
import io.peyvand.protocol.v1.HistoryRequest;
import io.peyvand.protocol.v1.JoinRequest;
import io.peyvand.protocol.v1.LeaveRequest;
import io.peyvand.protocol.v1.SetTitleRequest;
import io.peyvand.protocol.v1.UserAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The groups and channels gRPC service ({@code peyvand.v1.Groups}, phase 2), a thin mapping onto
 * {@link GroupOperations} for one {@link Peer} (a view per request, {@link #forPeer}). Every call
 * acts for a user (the actor, or the user joining or leaving), and the peer may act only for that
 * user's platform, as on Interconnect; refusals are gRPC errors whose status follows the protocol's
 * error code.
 */
public record GroupsService(Operations operations, Peer peer) implements Groups {

  /** The service for calls of {@code caller}. */
  public GroupsService forPeer(Peer caller) {
    return new GroupsService(operations, caller);
  }

  private GroupOperations groups() {
    return operations.groups();
  }

  @Override
  public CompletionStage<GroupInfo> createGroup(CreateGroupRequest in) {
    return call(in.getActor(), groups()::create, in);
  }

  @Override
  public CompletionStage<GroupInfo> changeMembers(ChangeMembersRequest in) {
    return call(in.getActor(), groups()::changeMembers, in);
  }

  @Override
  public CompletionStage<GroupInfo> join(JoinRequest in) {
    return call(in.getUser(), groups()::join, in);
  }

  @Override
  public CompletionStage<GroupInfo> leave(LeaveRequest in) {
    return call(in.getUser(), groups()::leave, in);
  }

  @Override
  public CompletionStage<GroupInfo> bulkSubscribe(BulkSubscribeRequest in) {
    String platform = in.getUsersCount() == 0 ? "" : in.getUsers(0).getPlatformId();
    return call(platform, () -> groups().bulkSubscribe(platform, in));
  }

  @Override
  public CompletionStage<GroupInfo> setTitle(SetTitleRequest in) {
    return call(in.getActor(), groups()::setTitle, in);
  }

  @Override
  public CompletionStage<GroupInfo> changeCall(GroupCallRequest in) {
    return call(in.getUser(), groups()::changeCall, in);
  }

  /** Any identified peer may look a group up; a refused one (e.g. revoked) may not. */
  @Override
  public CompletionStage<GroupInfo> getGroup(GetGroupRequest in) {
    if (peer instanceof Peer.Refused refused) {
      return CompletableFuture.failedFuture(
          InterconnectService.grpcError(
              refused.mayActFor(in.getGroup().getPlatformId()).orElseThrow()));
    }
    return groups()
        .get(peer.who(), in)
        .thenApply(result -> result.orThrow(InterconnectService::grpcError));
  }

  @Override
  public CompletionStage<HistoryPage> history(HistoryRequest in) {
    String platform = in.getUser().getPlatformId();
    return InterconnectService.actingFor(
        peer,
        operations,
        platform,
        () ->
            groups()
                .history(platform, in)
                .thenApply(result -> result.orThrow(InterconnectService::grpcError)));
  }

  /** {@code operation} for {@code user}'s platform: the peer must be able to act for it. */
  private <T> CompletionStage<GroupInfo> call(
      UserAddress user,
      BiFunction<String, T, CompletionStage<Operations.Either<GroupInfo>>> operation,
      T in) {
    String platform = user.getPlatformId();
    return call(platform, () -> operation.apply(platform, in));
  }

  private CompletionStage<GroupInfo> call(
      String platformId, Supplier<CompletionStage<Operations.Either<GroupInfo>>> call) {
    return InterconnectService.actingFor(
        peer,
        operations,
        platformId,
        () -> call.get().thenApply(result -> result.orThrow(InterconnectService::grpcError)));
  }
}
