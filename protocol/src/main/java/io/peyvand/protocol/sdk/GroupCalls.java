package io.peyvand.protocol.sdk;

import com.google.protobuf.Message;
import io.peyvand.protocol.GroupRequestValidator;
import io.peyvand.protocol.v1.BulkSubscribeRequest;
import io.peyvand.protocol.v1.ChangeMembersRequest;
import io.peyvand.protocol.v1.CreateGroupRequest;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.GetGroupRequest;
import io.peyvand.protocol.v1.GroupCallRequest;
import io.peyvand.protocol.v1.GroupInfo;
import io.peyvand.protocol.v1.GroupsClient;
import io.peyvand.protocol.v1.HistoryPage;
import io.peyvand.protocol.v1.HistoryRequest;
import io.peyvand.protocol.v1.JoinRequest;
import io.peyvand.protocol.v1.LeaveRequest;
import io.peyvand.protocol.v1.SetTitleRequest;
import io.peyvand.protocol.v1.UserAddress;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.grpc.GrpcSingleResponse;

/**
 * The group operations of {@link PeyvandClient}: each request is checked first ({@link
 * GroupRequestValidator}, and that the acting user is of this client's platform, since the broker
 * lets a platform act only for its own users), then sent with the Groups stub through {@link
 * UnaryCalls}, whose refusals come back as {@link CallRefusedException} with the protocol's error
 * code.
 *
 * <p>A call that fails UNAVAILABLE is sent again to the next node (see {@link UnaryCalls}). Every
 * operation is safe to repeat: creating a group is idempotent for its creator, membership changes
 * and titles set a state, and the rest read.
 */
final class GroupCalls {
  private final UnaryCalls<GroupsClient> calls;

  GroupCalls(UnaryCalls<GroupsClient> calls) {
    this.calls = calls;
  }

  CompletionStage<GroupInfo> createGroup(CreateGroupRequest request) {
    return call(
        request,
        ownUser(request.getActor(), "actor"),
        c -> c.createGroup().invokeWithMetadata(request));
  }

  CompletionStage<GroupInfo> changeMembers(ChangeMembersRequest request) {
    return call(
        request,
        ownUser(request.getActor(), "actor"),
        c -> c.changeMembers().invokeWithMetadata(request));
  }

  CompletionStage<GroupInfo> join(JoinRequest request) {
    return call(
        request, ownUser(request.getUser(), "user"), c -> c.join().invokeWithMetadata(request));
  }

  CompletionStage<GroupInfo> leave(LeaveRequest request) {
    return call(
        request, ownUser(request.getUser(), "user"), c -> c.leave().invokeWithMetadata(request));
  }

  CompletionStage<GroupInfo> bulkSubscribe(BulkSubscribeRequest request) {
    Optional<Error> own =
        request.getUsersCount() == 0 ? Optional.empty() : ownUser(request.getUsers(0), "users[0]");
    return call(request, own, c -> c.bulkSubscribe().invokeWithMetadata(request));
  }

  CompletionStage<GroupInfo> setTitle(SetTitleRequest request) {
    return call(
        request,
        ownUser(request.getActor(), "actor"),
        c -> c.setTitle().invokeWithMetadata(request));
  }

  CompletionStage<GroupInfo> changeCall(GroupCallRequest request) {
    return call(
        request,
        ownUser(request.getUser(), "user"),
        c -> c.changeCall().invokeWithMetadata(request));
  }

  CompletionStage<GroupInfo> getGroup(GetGroupRequest request) {
    return call(request, Optional.empty(), c -> c.getGroup().invokeWithMetadata(request));
  }

  CompletionStage<HistoryPage> history(HistoryRequest request) {
    return call(
        request, ownUser(request.getUser(), "user"), c -> c.history().invokeWithMetadata(request));
  }

  /**
   * Validates, then checks {@code ownership} (computed on fields that may be unset, so only after
   * the request is known valid), then calls.
   */
  private <T> CompletionStage<T> call(
      Message request,
      Optional<Error> ownership,
      Function<GroupsClient, CompletionStage<GrpcSingleResponse<T>>> send) {
    return calls.call(GroupRequestValidator.validate(request).or(() -> ownership), send);
  }

  private Optional<Error> ownUser(UserAddress user, String field) {
    return calls.ownUser(user, field);
  }
}
