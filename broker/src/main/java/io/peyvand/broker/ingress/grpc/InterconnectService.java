package io.peyvand.broker.ingress.grpc;

import io.grpc.Status;
import io.peyvand.broker.observability.SecurityEvents;
import io.peyvand.broker.service.Operations;
import io.peyvand.broker.service.Peer;
import io.peyvand.broker.service.PlatformMapping;
import io.peyvand.broker.session.SessionStreams;
import io.peyvand.protocol.ErrorCodes;
import io.peyvand.protocol.v1.ClientFrame;
import io.peyvand.protocol.v1.ConfigurePlatformRequest;
import io.peyvand.protocol.v1.ConsentState;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.GetPlatformRequest;
import io.peyvand.protocol.v1.Interconnect;
import io.peyvand.protocol.v1.PlatformInfo;
import io.peyvand.protocol.v1.ServerFrame;
import io.peyvand.protocol.v1.SetBlockedRequest;
import io.peyvand.protocol.v1.SetConsentRequest;
import io.peyvand.protocol.v1.SubmitRequest;
import io.peyvand.protocol.v1.SubmitResult;
import java.net.InetAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.grpc.GrpcServiceException;
import org.apache.pekko.grpc.javadsl.MetadataBuilder;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The adapter-facing gRPC service: the Connect session and the unary calls, each a thin mapping
 * onto {@link Operations} and {@link SessionStreams}, for one {@link Peer} (the gRPC handler makes
 * a view per request with {@link #forPeer}). Refusals of unary calls other than Submit are gRPC
 * errors whose status follows the protocol's error code and whose description says what to fix;
 * Submit answers a SubmitResult, refused or not, as on a session, except a call whose platform_id
 * the peer may not act for, which fails as a whole (PERMISSION_DENIED, NOT_PERMITTED) like every
 * other call.
 */
public record InterconnectService(
    Operations operations, SessionStreams sessions, Peer peer, Optional<InetAddress> from)
    implements Interconnect {

  /** The service for calls of {@code caller}, from address {@code address} (if known). */
  public InterconnectService forPeer(Peer caller, Optional<InetAddress> address) {
    return new InterconnectService(operations, sessions, caller, address);
  }

  @Override
  public Source<ServerFrame, NotUsed> connect(Source<ClientFrame, NotUsed> in) {
    return sessions.session(in, "grpc", peer, from);
  }

  @Override
  public CompletionStage<SubmitResult> submit(SubmitRequest in) {
    return actingFor(
        in.getPlatformId(), () -> operations.submit(in.getPlatformId(), 0, in.getEnvelope()));
  }

  @Override
  public CompletionStage<ConsentState> setConsent(SetConsentRequest in) {
    return recorded(
        in.getPlatformId(),
        "set-consent",
        () ->
            operations.consent(
                in.getPlatformId(), in.getUser(), Optional.empty(), in.getOptedIn()));
  }

  @Override
  public CompletionStage<ConsentState> setBlocked(SetBlockedRequest in) {
    return recorded(
        in.getPlatformId(),
        "set-blocked",
        () ->
            operations.consent(
                in.getPlatformId(), in.getUser(), Optional.of(in.getSender()), in.getBlocked()));
  }

  @Override
  public CompletionStage<PlatformInfo> configurePlatform(ConfigurePlatformRequest in) {
    return recorded(
        in.getPlatformId(),
        "configure-platform",
        () ->
            operations.configure(
                in.getPlatformId(),
                PlatformMapping.capabilities(in.getCapabilities()),
                in.getDefaultOptedIn()));
  }

  /**
   * Any identified peer may look a platform up (senders learn what recipients honour); a refused
   * one (e.g. revoked) may not. The limits in force are shown only to the platform itself.
   */
  @Override
  public CompletionStage<PlatformInfo> getPlatform(GetPlatformRequest in) {
    if (peer instanceof Peer.Refused refused) {
      return CompletableFuture.failedFuture(
          grpcError(refused.mayActFor(in.getPlatformId()).orElseThrow()));
    }
    boolean own = peer.mayActFor(in.getPlatformId()).isEmpty();
    return operations
        .platform(in.getPlatformId())
        .thenApply(
            result -> {
              var info =
                  operations
                      .record(peer.who(), "get-platform " + in.getPlatformId(), result)
                      .orThrow(InterconnectService::grpcError);
              return PlatformMapping.info(
                  info, own ? Optional.of(operations.quota(info)) : Optional.empty());
            });
  }

  /**
   * {@code what}, if the peer may act for {@code platformId}; a refusal is counted and logged
   * ({@link Operations#record}) and fails the call as a gRPC error.
   */
  private <T> CompletionStage<T> recorded(
      String platformId, String what, Supplier<CompletionStage<Operations.Either<T>>> call) {
    return actingFor(
        platformId,
        () ->
            call.get()
                .thenApply(
                    result ->
                        operations
                            .record(platformId, what, result)
                            .orThrow(InterconnectService::grpcError)));
  }

  /** The call, if the peer may act for {@code platformId}; else PERMISSION_DENIED. */
  private <T> CompletionStage<T> actingFor(String platformId, Supplier<CompletionStage<T>> call) {
    return actingFor(peer, operations, platformId, call);
  }

  /** The call, if {@code peer} may act for {@code platformId}; else PERMISSION_DENIED. */
  static <T> CompletionStage<T> actingFor(
      Peer peer, Operations operations, String platformId, Supplier<CompletionStage<T>> call) {
    Optional<Error> notPermitted = peer.mayActFor(platformId);
    if (notPermitted.isPresent()) {
      operations.record(platformId, "act-for", Operations.Either.error(notPermitted.get()));
      return CompletableFuture.failedFuture(grpcError(notPermitted.get()));
    }
    return call.get();
  }

  /**
   * The call's result, if {@code refusal} is empty; else PERMISSION_DENIED with it, logged and
   * counted as a security event of {@code peer} (the Admin and Regulator services' role checks).
   */
  static <T> CompletionStage<T> inRole(
      Optional<Error> refusal,
      Peer peer,
      SecurityEvents security,
      String what,
      Supplier<CompletionStage<Operations.Either<T>>> call) {
    if (refusal.isPresent()) {
      security.refused(peer.who(), what, refusal.get());
      return CompletableFuture.failedFuture(grpcError(refusal.get()));
    }
    return call.get().thenApply(result -> result.orThrow(InterconnectService::grpcError));
  }

  /**
   * A refusal as a gRPC error: the status its code maps to, described as {@code CODE: message}; a
   * retryable one with a retry hint carries it in the trailer {@value #RETRY_AFTER_MS} too.
   */
  static GrpcServiceException grpcError(Error error) {
    Status status =
        Status.fromCode(ErrorCodes.grpcStatus(error.getCode()))
            .withDescription(error.getCode() + ": " + error.getMessage());
    if (error.getRetryAfterMs() <= 0) {
      return new GrpcServiceException(status);
    }
    return new GrpcServiceException(
        status,
        new MetadataBuilder()
            .addText(RETRY_AFTER_MS, Long.toString(error.getRetryAfterMs()))
            .build());
  }

  /** The trailer that carries a refusal's retry_after_ms over gRPC. */
  public static final String RETRY_AFTER_MS = "peyvand-retry-after-ms";
}
