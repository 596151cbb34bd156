package io.peyvand.broker.ingress.grpc;

import io.peyvand.broker.observability.SecurityEvents;
import io.peyvand.broker.service.Administration;
import io.peyvand.broker.service.Operations;
import io.peyvand.broker.service.Peer;
import io.peyvand.protocol.v1.Admin;
import io.peyvand.protocol.v1.GetPlatformRequest;
import io.peyvand.protocol.v1.ListRevocationsRequest;
import io.peyvand.protocol.v1.PlatformInfo;
import io.peyvand.protocol.v1.RegisterPlatformRequest;
import io.peyvand.protocol.v1.Revocations;
import io.peyvand.protocol.v1.RevokeCertificateRequest;
import io.peyvand.protocol.v1.SetPlatformQuotaRequest;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The operator's gRPC service ({@code peyvand.v1.Admin}), a thin mapping onto {@link
 * Administration} for one {@link Peer} (a view per request, {@link #forPeer}). Only an
 * administrator's certificate may call it: anyone else is refused PERMISSION_DENIED
 * (NOT_PERMITTED), logged and counted as a security event. Refusals are gRPC errors whose status
 * follows the protocol's error code, as on Interconnect.
 */
public record AdminService(Administration administration, SecurityEvents security, Peer peer)
    implements Admin {

  /** The service for calls of {@code caller}. */
  public AdminService forPeer(Peer caller) {
    return new AdminService(administration, security, caller);
  }

  @Override
  public CompletionStage<PlatformInfo> registerPlatform(RegisterPlatformRequest in) {
    return asAdmin(
        "register-platform",
        () ->
            administration.registerPlatform(
                peer.who(), in.getPlatformId(), in.getDisplayName(), in.getDefaultOptedIn()));
  }

  @Override
  public CompletionStage<PlatformInfo> getPlatform(GetPlatformRequest in) {
    return asAdmin("get-platform", () -> administration.platform(in.getPlatformId()));
  }

  @Override
  public CompletionStage<PlatformInfo> setPlatformQuota(SetPlatformQuotaRequest in) {
    return asAdmin(
        "set-quota", () -> administration.setQuota(peer.who(), in.getPlatformId(), in.getQuota()));
  }

  @Override
  public CompletionStage<Revocations> revokeCertificate(RevokeCertificateRequest in) {
    return asAdmin(
        "revoke", () -> administration.revoke(peer.who(), in.getSerial(), in.getReason()));
  }

  @Override
  public CompletionStage<Revocations> listRevocations(ListRevocationsRequest in) {
    return asAdmin("list-revocations", administration::revocations);
  }

  /** The call if the peer is an administrator, its refusal as a gRPC error otherwise. */
  private <T> CompletionStage<T> asAdmin(
      String what, Supplier<CompletionStage<Operations.Either<T>>> call) {
    return InterconnectService.inRole(peer.mayAdminister(), peer, security, "admin " + what, call);
  }
}
