package io.peyvand.broker.ingress.grpc;

import io.peyvand.broker.service.DirectoryOperations;
import io.peyvand.broker.service.Operations;
import io.peyvand.broker.service.Peer;
import io.peyvand.protocol.v1.Directory;
import io.peyvand.protocol.v1.LookupRequest;
import io.peyvand.protocol.v1.LookupResult;
import io.peyvand.protocol.v1.PublishRequest;
import io.peyvand.protocol.v1.PublishResult;
import io.peyvand.protocol.v1.UserAddress;
import io.peyvand.protocol.v1.WithdrawRequest;
import io.peyvand.protocol.v1.WithdrawResult;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The directory gRPC service ({@code peyvand.v1.Directory}), a thin mapping onto {@link
 * DirectoryOperations} for one {@link Peer} (a view per request, {@link #forPeer}). Every call acts
 * for a user of the calling platform, and the peer may act only for that platform, as on
 * Interconnect; refusals are gRPC errors whose status follows the protocol's error code (a
 * RATE_LIMITED lookup is RESOURCE_EXHAUSTED, its description giving retry_after_ms).
 */
public record DirectoryService(Operations operations, Peer peer) implements Directory {

  /** The service for calls of {@code caller}. */
  public DirectoryService forPeer(Peer caller) {
    return new DirectoryService(operations, caller);
  }

  @Override
  public CompletionStage<PublishResult> publish(PublishRequest in) {
    return call(in.getUser(), () -> operations.directory().publish(platform(in.getUser()), in));
  }

  @Override
  public CompletionStage<WithdrawResult> withdraw(WithdrawRequest in) {
    return call(in.getUser(), () -> operations.directory().withdraw(platform(in.getUser()), in));
  }

  @Override
  public CompletionStage<LookupResult> lookup(LookupRequest in) {
    return call(in.getAsker(), () -> operations.directory().lookup(platform(in.getAsker()), in));
  }

  private static String platform(UserAddress user) {
    return user.getPlatformId();
  }

  private <T> CompletionStage<T> call(
      UserAddress actingFor, Supplier<CompletionStage<Operations.Either<T>>> call) {
    return InterconnectService.actingFor(
        peer,
        operations,
        platform(actingFor),
        () -> call.get().thenApply(result -> result.orThrow(InterconnectService::grpcError)));
  }
}
