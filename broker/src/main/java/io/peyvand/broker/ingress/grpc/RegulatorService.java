package io.peyvand.broker.ingress.grpc;

import io.peyvand.broker.observability.SecurityEvents;
import io.peyvand.broker.service.Operations;
import io.peyvand.broker.service.Peer;
import io.peyvand.broker.service.Regulation;
import io.peyvand.protocol.v1.AuditEntries;
import io.peyvand.protocol.v1.ConsistencyProof;
import io.peyvand.protocol.v1.GetAuditEntriesRequest;
import io.peyvand.protocol.v1.GetAuditHeadRequest;
import io.peyvand.protocol.v1.GetReportRequest;
import io.peyvand.protocol.v1.InclusionProof;
import io.peyvand.protocol.v1.ProveConsistencyRequest;
import io.peyvand.protocol.v1.ProveInclusionRequest;
import io.peyvand.protocol.v1.Regulator;
import io.peyvand.protocol.v1.SignedReport;
import io.peyvand.protocol.v1.SignedTreeHead;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The regulator's gRPC service ({@code peyvand.v1.Regulator}), a thin mapping onto {@link
 * Regulation} for one {@link Peer} (a view per request, {@link #forPeer}). Only a regulator's
 * certificate may call it: anyone else is refused PERMISSION_DENIED (NOT_PERMITTED), logged and
 * counted as a security event. It reads; it changes nothing but the audit log, which records each
 * call.
 */
public record RegulatorService(Regulation regulation, SecurityEvents security, Peer peer)
    implements Regulator {

  /** The service for calls of {@code caller}. */
  public RegulatorService forPeer(Peer caller) {
    return new RegulatorService(regulation, security, caller);
  }

  @Override
  public CompletionStage<SignedTreeHead> getAuditHead(GetAuditHeadRequest in) {
    return asRegulator("audit-head", () -> regulation.head(peer.who()));
  }

  @Override
  public CompletionStage<AuditEntries> getAuditEntries(GetAuditEntriesRequest in) {
    return asRegulator(
        "audit-entries", () -> regulation.entries(peer.who(), in.getStart(), in.getCount()));
  }

  @Override
  public CompletionStage<InclusionProof> proveInclusion(ProveInclusionRequest in) {
    return asRegulator(
        "audit-inclusion",
        () -> regulation.proveInclusion(peer.who(), in.getLeafIndex(), in.getTreeSize()));
  }

  @Override
  public CompletionStage<ConsistencyProof> proveConsistency(ProveConsistencyRequest in) {
    return asRegulator(
        "audit-consistency",
        () -> regulation.proveConsistency(peer.who(), in.getFirstSize(), in.getSecondSize()));
  }

  @Override
  public CompletionStage<SignedReport> getReport(GetReportRequest in) {
    return asRegulator("report", () -> regulation.report(peer.who(), in.getFrom(), in.getTo()));
  }

  /** The call if the peer is a regulator, its refusal as a gRPC error otherwise. */
  private <T> CompletionStage<T> asRegulator(
      String what, Supplier<CompletionStage<Operations.Either<T>>> call) {
    return InterconnectService.inRole(
        peer.mayRegulate(), peer, security, "regulator " + what, call);
  }
}
