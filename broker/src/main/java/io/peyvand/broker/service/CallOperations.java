package io.peyvand.broker.service;

import io.peyvand.broker.calls.Call;
import io.peyvand.broker.calls.CallKey;
import io.peyvand.broker.calls.CallPair;
import io.peyvand.broker.calls.CallSignal;
import io.peyvand.broker.calls.RelayCredentials;
import io.peyvand.broker.entity.Asks;
import io.peyvand.broker.model.Address;
import io.peyvand.broker.model.CallMedia;
import io.peyvand.broker.model.Capabilities;
import io.peyvand.broker.model.Message;
import io.peyvand.protocol.CallRequestValidator;
import io.peyvand.protocol.ErrorCodes;
import io.peyvand.protocol.v1.CallAccepted;
import io.peyvand.protocol.v1.CallEnded;
import io.peyvand.protocol.v1.CallInvite;
import io.peyvand.protocol.v1.CallRef;
import io.peyvand.protocol.v1.CallRequest;
import io.peyvand.protocol.v1.CallResult;
import io.peyvand.protocol.v1.CallState;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Call signalling (PROTOCOL.md §16) as every session transport invokes it: validate the request,
 * check what an invite must meet as a message would (the acting platform is the caller's, the
 * callee's platform is registered and takes calls of these media, the callee accepts the caller,
 * the submission rates), resolve glare ({@link CallPair}), and ask the call's entity ({@link
 * Call}). The answer carries TURN credentials for the acting side's user when there is a relay.
 */
public final class CallOperations {
  private final NodeContext node;
  private final Operations operations;
  private final ClusterSharding sharding;
  private final RelayCredentials relay;
  private final Asks asks;

  CallOperations(Operations operations, RelayCredentials relay) {
    this.node = operations.node();
    this.operations = operations;
    this.sharding = ClusterSharding.get(node.system());
    this.relay = relay;
    this.asks = Asks.get(node.system());
  }

  /** A step of a call by the acting platform, from {@code session}. Never fails: refusals. */
  public CompletionStage<CallResult> call(
      String platformId, CallRequest request, ActorRef<CallSignal> session) {
    CallResult.Builder result =
        CallResult.newBuilder()
            .setCorrelationId(request.getCorrelationId())
            .setCall(request.getCall());
    Optional<Error> invalid = CallRequestValidator.validate(request);
    if (invalid.isPresent()) {
      return refused(platformId, request, result, invalid.get());
    }
    CallRef ref = request.getCall();
    CallKey key = new CallKey(WireMapping.address(ref.getCaller()), ref.getCallId());
    CompletionStage<CallResult> answer =
        request.hasInvite()
            ? invite(platformId, request, key, request.getInvite(), session, result)
            : act(platformId, key, action(request), session, result);
    return answer
        .exceptionally(failure -> result.setRefused(Operations.unavailable(failure)).build())
        .thenCompose(
            r ->
                r.hasRefused()
                    ? refused(platformId, request, result, r.getRefused())
                    : CompletableFuture.completedFuture(r));
  }

  private CompletionStage<CallResult> invite(
      String platformId,
      CallRequest request,
      CallKey key,
      CallInvite invite,
      ActorRef<CallSignal> session,
      CallResult.Builder result) {
    Optional<Error> notOwn =
        Operations.ownUser(platformId, request.getCall().getCaller(), "call.caller");
    if (notOwn.isPresent()) {
      return done(result.setRefused(notOwn.get()));
    }
    Address callee = WireMapping.address(invite.getCallee());
    List<CallMedia> media = CallMapping.fromWire(invite.getMediaList());
    return operations
        .platform(platformId)
        .thenCompose(
            caller -> {
              if (caller.isError()) {
                return done(result.setRefused(caller.error()));
              }
              OptionalLong wait =
                  operations.tryAcquire(platformId, key.caller().userId(), caller.value());
              if (wait.isPresent()) {
                return done(
                    result.setRefused(
                        ErrorCodes.error(
                            ErrorCode.RATE_LIMITED,
                            "submission rate limit of platform "
                                + platformId
                                + " or of caller "
                                + key.caller().userId()
                                + " exceeded (invites count as submissions); retry in "
                                + wait.getAsLong()
                                + " ms",
                            wait.getAsLong())));
              }
              return operations
                  .platform(callee.platformId())
                  .thenCompose(
                      calleePlatform -> {
                        if (calleePlatform.isError()) {
                          return done(result.setRefused(calleePlatform.error()));
                        }
                        Optional<String> missing =
                            missing(calleePlatform.value().capabilities(), media);
                        if (missing.isPresent()) {
                          return done(
                              result.setRefused(
                                  ErrorCodes.error(
                                      ErrorCode.CAPABILITY_NOT_SUPPORTED, missing.get())));
                        }
                        return operations
                            .refusal(callee, key.caller())
                            .thenCompose(
                                refusal ->
                                    refusal.isPresent()
                                        ? done(result.setRefused(refusal.get()))
                                        : placed(
                                            platformId,
                                            key,
                                            callee,
                                            invite,
                                            media,
                                            session,
                                            result));
                      });
            });
  }

  /** Past the checks: glare, then the call's entity. */
  private CompletionStage<CallResult> placed(
      String platformId,
      CallKey key,
      Address callee,
      CallInvite invite,
      List<CallMedia> media,
      ActorRef<CallSignal> session,
      CallResult.Builder result) {
    return asks.<CallPair.Command, CallPair.Opened>ask(
            CallPair.of(sharding, key.caller(), callee),
            replyTo -> new CallPair.Open(key, callee, replyTo),
            node.askTimeout())
        .thenCompose(
            opened -> {
              if (opened.replacedBy().isPresent()) {
                CallKey kept = opened.replacedBy().get();
                return done(
                    result.setAccepted(
                        CallAccepted.newBuilder()
                            .setState(CallState.ENDED_STATE)
                            .setEnded(
                                CallEnded.newBuilder()
                                    .setReason(
                                        CallMapping.reason(
                                            io.peyvand.broker.model.CallEnd.REPLACED))
                                    .setKept(ref(kept)))));
              }
              int seconds =
                  invite.getLifetimeSeconds() == 0
                      ? CallRequestValidator.DEFAULT_LIFETIME_SECONDS
                      : invite.getLifetimeSeconds();
              return act(
                  platformId,
                  key,
                  new Call.Invite(callee, media, invite.getSdpOffer(), Duration.ofSeconds(seconds)),
                  session,
                  result);
            });
  }

  private CompletionStage<CallResult> act(
      String platformId,
      CallKey key,
      Call.Action action,
      ActorRef<CallSignal> session,
      CallResult.Builder result) {
    return asks.<Call.Command, Call.Reply>ask(
            sharding.entityRefFor(Call.ENTITY_KEY, key.entityId()),
            replyTo -> new Call.Act(platformId, action, session, replyTo),
            node.askTimeout())
        .thenApply(reply -> answer(key, action, reply, result));
  }

  private CallResult answer(
      CallKey key, Call.Action action, Call.Reply reply, CallResult.Builder result) {
    if (reply.problem() != null) {
      ErrorCode code =
          switch (reply.problem()) {
            case UNKNOWN_CALL -> ErrorCode.UNKNOWN_CALL;
            case NOT_PERMITTED -> ErrorCode.NOT_PERMITTED;
            case ALREADY_ANSWERED -> ErrorCode.CALL_ALREADY_ANSWERED;
            case INVALID_STATE -> ErrorCode.INVALID_ARGUMENT;
          };
      return result.setRefused(ErrorCodes.error(code, reply.message())).build();
    }
    CallAccepted.Builder accepted =
        CallAccepted.newBuilder()
            .setState(
                switch (reply.phase()) {
                  case NONE -> CallState.CALL_STATE_UNSPECIFIED;
                  case RINGING -> CallState.RINGING;
                  case ANSWERED -> CallState.ANSWERED;
                  case ENDED -> CallState.ENDED_STATE;
                });
    if (reply.phase() == Call.Phase.RINGING) {
      accepted.setRingingUntilMs(reply.ringingUntilMs());
    }
    if (reply.ended() != null) {
      accepted.setEnded(CallEnded.newBuilder().setReason(CallMapping.reason(reply.ended())));
    }
    boolean handsRelay =
        reply.phase() != Call.Phase.ENDED
            && (action instanceof Call.Invite
                || action instanceof Call.Answer
                || action instanceof Call.Resume);
    if (handsRelay) {
      Address user = reply.side() == Call.Side.CALLER ? key.caller() : reply.callee();
      relay.issue(user).map(CallMapping::relay).ifPresent(accepted::setRelay);
    }
    return result.setAccepted(accepted).build();
  }

  /** The entity's action of a request other than an invite. */
  private static Call.Action action(CallRequest request) {
    return switch (request.getActionCase()) {
      case RINGING -> new Call.Ringing();
      case ANSWER -> new Call.Answer(request.getAnswer().getSdpAnswer());
      case CANDIDATES -> new Call.Forward(false, request.getCandidates().toByteString(), List.of());
      case NEGOTIATE ->
          new Call.Forward(
              true,
              request.getNegotiate().toByteString(),
              CallMapping.fromWire(request.getNegotiate().getMediaList()));
      case REJECT -> new Call.Reject(CallMapping.end(request.getReject().getReason()));
      case HANGUP -> new Call.Hangup();
      case RESUME -> new Call.Resume();
      case INVITE, ACTION_NOT_SET ->
          throw new IllegalArgumentException("not an action of a placed call: " + request);
    };
  }

  /** The capability the callee's platform lacks for a call of {@code media}, in words. */
  static Optional<String> missing(Capabilities c, List<CallMedia> media) {
    if (!c.callsAudio()) {
      return Optional.of(
          "capability calls.audio: the callee's platform does not take calls through the"
              + " interconnect");
    }
    if (media.contains(CallMedia.VIDEO) && !c.callsVideo()) {
      return Optional.of(
          "capability calls.video: the callee's platform takes audio calls only; call without"
              + " VIDEO");
    }
    return Optional.empty();
  }

  /** A missed-call record from a {@link Call}, stored in its mailbox. */
  public CompletionStage<Boolean> storeRecord(Message record) {
    return operations.storeFromBroker(record);
  }

  private CompletionStage<CallResult> refused(
      String platformId, CallRequest request, CallResult.Builder result, Error error) {
    node.security()
        .refused(
            platformId,
            "call "
                + request.getActionCase().name().toLowerCase()
                + " "
                + request.getCall().getCallId(),
            error);
    return CompletableFuture.completedFuture(result.setRefused(error).build());
  }

  private static CompletionStage<CallResult> done(CallResult.Builder result) {
    return CompletableFuture.completedFuture(result.build());
  }

  static CallRef ref(CallKey key) {
    return CallRef.newBuilder()
        .setCaller(WireMapping.address(key.caller()))
        .setCallId(key.callId())
        .build();
  }
}
