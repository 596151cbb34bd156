package io.peyvand.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.protocol.v1.CallAnswer;
import io.peyvand.protocol.v1.CallCandidates;
import io.peyvand.protocol.v1.CallEndReason;
import io.peyvand.protocol.v1.CallHangup;
import io.peyvand.protocol.v1.CallInvite;
import io.peyvand.protocol.v1.CallMedia;
import io.peyvand.protocol.v1.CallNegotiate;
import io.peyvand.protocol.v1.CallRef;
import io.peyvand.protocol.v1.CallReject;
import io.peyvand.protocol.v1.CallRequest;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.IceCandidate;
import io.peyvand.protocol.v1.UserAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CallRequestValidatorTest {
  private static final String SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n";

  @Test
  void aWellFormedInviteAndEveryOtherStepPass() {
    assertEquals(Optional.empty(), CallRequestValidator.validate(invite(i -> i)));
    for (CallRequest.Builder step :
        new CallRequest.Builder[] {
          base().setAnswer(CallAnswer.newBuilder().setSdpAnswer(SDP)),
          base().setHangup(CallHangup.getDefaultInstance()),
          base().setReject(CallReject.newBuilder().setReason(CallEndReason.BUSY)),
          base().setCandidates(CallCandidates.newBuilder().setEndOfCandidates(true)),
          base()
              .setNegotiate(
                  CallNegotiate.newBuilder()
                      .setType("answer")
                      .setSdp(SDP)
                      .addMedia(CallMedia.AUDIO))
        }) {
      assertEquals(Optional.empty(), CallRequestValidator.validate(step.build()), step.toString());
    }
  }

  @Test
  void theCallMustBeNamedWithAValidCallerAndCallId() {
    assertCode(
        ErrorCode.INVALID_FRAME,
        "call is missing",
        CallRequest.newBuilder().setHangup(CallHangup.getDefaultInstance()).build());
    assertCode(
        ErrorCode.INVALID_MESSAGE_ID,
        "call.call_id",
        base()
            .setCall(CallRef.newBuilder().setCaller(user("bale", "amir")).setCallId("a b"))
            .setHangup(CallHangup.getDefaultInstance())
            .build());
    assertCode(
        ErrorCode.INVALID_MESSAGE_ID,
        "at most 100",
        base()
            .setCall(
                CallRef.newBuilder().setCaller(user("bale", "amir")).setCallId("x".repeat(101)))
            .setHangup(CallHangup.getDefaultInstance())
            .build());
    assertCode(ErrorCode.INVALID_FRAME, "no action", base().build());
  }

  @Test
  void anInviteNeedsACalleeOfAnotherPlatformAudioAnOfferAndALifetimeInBounds() {
    assertCode(
        ErrorCode.INVALID_ARGUMENT,
        "the caller's own platform",
        invite(i -> i.setCallee(user("bale", "other"))));
    assertCode(ErrorCode.INVALID_ARGUMENT, "invite.media is empty", invite(i -> i.clearMedia()));
    assertCode(
        ErrorCode.INVALID_ARGUMENT,
        "has no AUDIO",
        invite(i -> i.clearMedia().addMedia(CallMedia.VIDEO)));
    assertCode(
        ErrorCode.INVALID_FRAME, "invite.sdp_offer is empty", invite(i -> i.setSdpOffer("")));
    assertCode(
        ErrorCode.CONTENT_TOO_LARGE,
        "invite.sdp_offer is 16385 bytes",
        invite(i -> i.setSdpOffer("a".repeat(16_385))));
    assertCode(
        ErrorCode.INVALID_ARGUMENT,
        "lifetime_seconds is 30",
        invite(i -> i.setLifetimeSeconds(30)));
    assertCode(
        ErrorCode.INVALID_ARGUMENT,
        "lifetime_seconds is 91",
        invite(i -> i.setLifetimeSeconds(91)));
    assertEquals(
        Optional.empty(), CallRequestValidator.validate(invite(i -> i.setLifetimeSeconds(90))));
  }

  @Test
  void candidatesRejectsAndNegotiationsAreBounded() {
    CallCandidates.Builder many = CallCandidates.newBuilder();
    for (int i = 0; i < 51; i++) {
      many.addCandidates(IceCandidate.newBuilder().setCandidate("candidate:" + i));
    }
    assertCode(ErrorCode.INVALID_ARGUMENT, "51 candidates", base().setCandidates(many).build());
    assertCode(
        ErrorCode.INVALID_FRAME,
        "candidates is empty",
        base().setCandidates(CallCandidates.getDefaultInstance()).build());
    assertCode(
        ErrorCode.INVALID_ARGUMENT,
        "candidates[0].candidate is 513 bytes",
        base()
            .setCandidates(
                CallCandidates.newBuilder()
                    .addCandidates(IceCandidate.newBuilder().setCandidate("c".repeat(513))))
            .build());
    assertCode(
        ErrorCode.INVALID_ARGUMENT,
        "DECLINED or BUSY",
        base().setReject(CallReject.newBuilder().setReason(CallEndReason.NO_ANSWER)).build());
    assertCode(
        ErrorCode.INVALID_ARGUMENT,
        "negotiate.type",
        base().setNegotiate(CallNegotiate.newBuilder().setType("pranswer").setSdp(SDP)).build());
  }

  private static void assertCode(ErrorCode code, String fragment, CallRequest request) {
    Optional<Error> error = CallRequestValidator.validate(request);
    assertTrue(error.isPresent(), "refused: " + request);
    assertEquals(code, error.get().getCode(), error.get().toString());
    assertTrue(error.get().getMessage().contains(fragment), error.get().getMessage());
  }

  private static CallRequest invite(java.util.function.UnaryOperator<CallInvite.Builder> change) {
    return base()
        .setInvite(
            change.apply(
                CallInvite.newBuilder()
                    .setCallee(user("eitaa", "bita"))
                    .addMedia(CallMedia.AUDIO)
                    .setSdpOffer(SDP)))
        .build();
  }

  private static CallRequest.Builder base() {
    return CallRequest.newBuilder()
        .setCorrelationId(1)
        .setCall(CallRef.newBuilder().setCaller(user("bale", "amir")).setCallId("c-1"));
  }

  private static UserAddress user(String platform, String id) {
    return UserAddress.newBuilder().setPlatformId(platform).setUserId(id).build();
  }
}
