package io.peyvand.protocol.sdk;

import com.google.protobuf.Message;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.peyvand.protocol.ErrorCodes;
import io.peyvand.protocol.GroupRequestValidator;
import io.peyvand.protocol.v1.BulkSubscribeRequest;
import io.peyvand.protocol.v1.ChangeMembersRequest;
import io.peyvand.protocol.v1.CreateGroupRequest;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.GetGroupRequest;
import io.peyvand.protocol.v1.GroupInfo;
import io.peyvand.protocol.v1.GroupsClient;
import io.peyvand.protocol.v1.HistoryPage;
import io.peyvand.protocol.v1.HistoryRequest;
import io.peyvand.protocol.v1.JoinRequest;
import io.peyvand.protocol.v1.LeaveRequest;
import io.peyvand.protocol.v1.SetTitleRequest;
import io.peyvand.protocol.v1.UserAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;
import org.apache.pekko.grpc.GrpcSingleResponse;

/**
 * The group operations of {@link PeyvandClient}: each request is checked first ({@link
 * GroupRequestValidator}, and that the acting user is of this client's platform, since the broker
 * lets a platform act only for its own users), then sent with the Groups stub, whose refusals come
 * back as {@link CallRefusedException} with the protocol's error code.
 *
 * <p>A call goes to the broker node the session is on (or the one the session tries next). A call
 * that fails with gRPC status UNAVAILABLE (the node cannot be reached or went away mid-call, or
 * said it cannot serve now) is sent again to the next node, per the submit-retry policy: at most
 * max-attempts sends, its backoff between them. Every operation is safe to repeat: creating a group
 * is idempotent for its creator, membership changes and titles set a state, and the rest read. Any
 * other failure (a refusal, DEADLINE_EXCEEDED) is final: the caller decides.
 *
 * <p>Calls go through {@code invokeWithMetadata}: in pekko-grpc 1.1.1 only that path applies the
 * settings' deadline (the call-timeout); plain {@code invoke} waits without one, which
 * PeyvandClientGroupsTest would catch.
 */
final class GroupCalls {
  private final String platformId;
  private final int brokers;
  private final IntSupplier firstBroker;
  private final IntFunction<GroupsClient> groups;
  private final RetryPolicy retry;
  private final BiConsumer<Duration, Runnable> scheduler;

  /**
   * Calls go first to the node {@code firstBroker} names (an index below {@code brokers}), with the
   * Groups client {@code groups} gives for a node; {@code scheduler} runs a retry later.
   */
  GroupCalls(
      String platformId,
      int brokers,
      IntSupplier firstBroker,
      IntFunction<GroupsClient> groups,
      RetryPolicy retry,
      BiConsumer<Duration, Runnable> scheduler) {
    this.platformId = platformId;
    this.brokers = brokers;
    this.firstBroker = firstBroker;
    this.groups = groups;
    this.retry = retry;
    this.scheduler = scheduler;
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
    Optional<Error> problem = GroupRequestValidator.validate(request).or(() -> ownership);
    if (problem.isPresent()) {
      return CompletableFuture.failedFuture(new CallRefusedException(problem.get(), true, null));
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    send(1, firstBroker.getAsInt(), send, result);
    return result;
  }

  /** Sends the {@code attempt}-th time (from 1), to the node at {@code broker}. */
  private <T> void send(
      int attempt,
      int broker,
      Function<GroupsClient, CompletionStage<GrpcSingleResponse<T>>> send,
      CompletableFuture<T> result) {
    CompletionStage<GrpcSingleResponse<T>> answer;
    try {
      answer = send.apply(groups.apply(broker));
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
      return;
    }
    answer.whenComplete(
        (response, failure) -> {
          if (failure == null) {
            result.complete(response.getValue());
            return;
          }
          if (attempt < retry.maxAttempts() && unavailable(failure)) {
            try {
              scheduler.accept(
                  retry.backoff().delay(attempt),
                  () -> send(attempt + 1, (broker + 1) % brokers, send, result));
              return;
            } catch (RuntimeException shuttingDown) {
              // the client's actor system is terminating: the failure stands
            }
          }
          result.completeExceptionally(refusal(failure));
        });
  }

  private static boolean unavailable(Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    return cause instanceof StatusRuntimeException status
        && status.getStatus().getCode() == Status.Code.UNAVAILABLE;
  }

  private Optional<Error> ownUser(UserAddress user, String field) {
    if (user.getPlatformId().equals(platformId)) {
      return Optional.empty();
    }
    return Optional.of(
        ErrorCodes.error(
            ErrorCode.NOT_PERMITTED,
            field
                + ".platform_id is \""
                + user.getPlatformId()
                + "\" but this client acts for \""
                + platformId
                + "\": a platform"
                + " acts for its own users only"));
  }

  /**
   * The broker's refusal as a CallRefusedException when the status description starts with an error
   * code ({@code "CODE: message"}, as the broker's gRPC edge writes it); anything else (no answer,
   * a deadline, a broker that does not serve Groups) as it came.
   */
  static Throwable refusal(Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (cause instanceof StatusRuntimeException status) {
      String description = status.getStatus().getDescription();
      if (description != null) {
        int colon = description.indexOf(": ");
        if (colon > 0) {
          try {
            ErrorCode code = ErrorCode.valueOf(description.substring(0, colon));
            if (code != ErrorCode.ERROR_CODE_UNSPECIFIED && code != ErrorCode.UNRECOGNIZED) {
              return new CallRefusedException(
                  Error.newBuilder()
                      .setCode(code)
                      .setMessage(description.substring(colon + 2))
                      .build(),
                  false,
                  cause);
            }
          } catch (IllegalArgumentException notACode) {
            // a description of gRPC's own, e.g. "deadline exceeded after ..."
          }
        }
      }
    }
    return cause;
  }
}
