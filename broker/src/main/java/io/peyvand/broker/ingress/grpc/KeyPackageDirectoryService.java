package io.peyvand.broker.ingress.grpc;

import io.peyvand.broker.service.KeyPackageOperations;
import io.peyvand.broker.service.Operations;
import io.peyvand.broker.service.Peer;
import io.peyvand.protocol.v1.AuditEntries;
import io.peyvand.protocol.v1.ClaimKeyPackagesRequest;
import io.peyvand.protocol.v1.ClaimKeyPackagesResult;
import io.peyvand.protocol.v1.ConsistencyProof;
import io.peyvand.protocol.v1.GetKeyLogEntriesRequest;
import io.peyvand.protocol.v1.GetKeyLogHeadRequest;
import io.peyvand.protocol.v1.KeyPackageDirectory;
import io.peyvand.protocol.v1.ListKeyPackagesRequest;
import io.peyvand.protocol.v1.ListKeyPackagesResult;
import io.peyvand.protocol.v1.ProveKeyLogConsistencyRequest;
import io.peyvand.protocol.v1.PublishKeyPackagesRequest;
import io.peyvand.protocol.v1.PublishKeyPackagesResult;
import io.peyvand.protocol.v1.RemoveKeyPackagesRequest;
import io.peyvand.protocol.v1.RemoveKeyPackagesResult;
import io.peyvand.protocol.v1.SignedTreeHead;
import io.peyvand.protocol.v1.UserAddress;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The MLS key-package directory's gRPC service ({@code peyvand.v1.KeyPackageDirectory}), a thin
 * mapping onto {@link KeyPackageOperations} for one {@link Peer} (a view per request, {@link
 * #forPeer}). Every call acts for a user of the calling platform, as on Interconnect; refusals are
 * gRPC errors whose status follows the protocol's error code.
 */
public record KeyPackageDirectoryService(
    Operations operations, KeyPackageOperations keys, Peer peer) implements KeyPackageDirectory {

  /** The service for calls of {@code caller}. */
  public KeyPackageDirectoryService forPeer(Peer caller) {
    return new KeyPackageDirectoryService(operations, keys, caller);
  }

  @Override
  public CompletionStage<PublishKeyPackagesResult> publish(PublishKeyPackagesRequest in) {
    return call(in.getUser(), () -> keys.publish(in.getUser().getPlatformId(), in));
  }

  @Override
  public CompletionStage<ClaimKeyPackagesResult> claim(ClaimKeyPackagesRequest in) {
    return call(in.getClaimer(), () -> keys.claim(in.getClaimer().getPlatformId(), in));
  }

  @Override
  public CompletionStage<ListKeyPackagesResult> list(ListKeyPackagesRequest in) {
    return call(in.getUser(), () -> keys.list(in.getUser().getPlatformId(), in));
  }

  @Override
  public CompletionStage<RemoveKeyPackagesResult> remove(RemoveKeyPackagesRequest in) {
    return call(in.getUser(), () -> keys.remove(in.getUser().getPlatformId(), in));
  }

  @Override
  public CompletionStage<SignedTreeHead> getKeyLogHead(GetKeyLogHeadRequest in) {
    return call(in.getPlatformId(), () -> keys.logHead(in.getPlatformId(), in));
  }

  @Override
  public CompletionStage<AuditEntries> getKeyLogEntries(GetKeyLogEntriesRequest in) {
    return call(in.getPlatformId(), () -> keys.logEntries(in.getPlatformId(), in));
  }

  @Override
  public CompletionStage<ConsistencyProof> proveKeyLogConsistency(
      ProveKeyLogConsistencyRequest in) {
    return call(in.getPlatformId(), () -> keys.logConsistency(in.getPlatformId(), in));
  }

  private <T> CompletionStage<T> call(
      UserAddress actingFor, Supplier<CompletionStage<Operations.Either<T>>> call) {
    return call(actingFor.getPlatformId(), call);
  }

  private <T> CompletionStage<T> call(
      String platformId, Supplier<CompletionStage<Operations.Either<T>>> call) {
    return InterconnectService.actingFor(
        peer,
        operations,
        platformId,
        () -> call.get().thenApply(result -> result.orThrow(InterconnectService::grpcError)));
  }
}
