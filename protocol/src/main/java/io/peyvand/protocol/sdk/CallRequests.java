package io.peyvand.protocol.sdk;

import io.peyvand.protocol.v1.CallAnswer;
import io.peyvand.protocol.v1.CallEndReason;
import io.peyvand.protocol.v1.CallHangup;
import io.peyvand.protocol.v1.CallInvite;
import io.peyvand.protocol.v1.CallMedia;
import io.peyvand.protocol.v1.CallRef;
import io.peyvand.protocol.v1.CallReject;
import io.peyvand.protocol.v1.CallRequest;
import io.peyvand.protocol.v1.CallResume;
import io.peyvand.protocol.v1.CallRinging;
import io.peyvand.protocol.v1.UserAddress;

/**
 * Shorthands for the common {@link CallRequest}s that {@link PeyvandClient#call} sends, e.g. {@code
 * client.call(CallRequests.answer(event.getCall(), sdpAnswer))}. The correlation id is left 0: the
 * client sets its own. Candidates and negotiate are built with the generated builders.
 */
public final class CallRequests {
  private CallRequests() {}

  /** Names a call: its caller and the id the caller's platform chose for it. */
  public static CallRef ref(UserAddress caller, String callId) {
    return CallRef.newBuilder().setCaller(caller).setCallId(callId).build();
  }

  /**
   * The caller's platform places {@code call} to {@code callee} (a user of another platform), audio
   * and, if {@code video}, video, ringing for the default lifetime (60 s).
   */
  public static CallRequest invite(
      CallRef call, UserAddress callee, String sdpOffer, boolean video) {
    CallInvite.Builder invite =
        CallInvite.newBuilder().setCallee(callee).setSdpOffer(sdpOffer).addMedia(CallMedia.AUDIO);
    if (video) {
      invite.addMedia(CallMedia.VIDEO);
    }
    return CallRequest.newBuilder().setCall(call).setInvite(invite).build();
  }

  /** The callee's device rings (forwarded to the caller). */
  public static CallRequest ringing(CallRef call) {
    return CallRequest.newBuilder()
        .setCall(call)
        .setRinging(CallRinging.getDefaultInstance())
        .build();
  }

  /** The callee answers with its SDP answer; the first answer wins. */
  public static CallRequest answer(CallRef call, String sdpAnswer) {
    return CallRequest.newBuilder()
        .setCall(call)
        .setAnswer(CallAnswer.newBuilder().setSdpAnswer(sdpAnswer))
        .build();
  }

  /** The callee does not take the call: {@code reason} DECLINED or BUSY. */
  public static CallRequest reject(CallRef call, CallEndReason reason) {
    return CallRequest.newBuilder()
        .setCall(call)
        .setReject(CallReject.newBuilder().setReason(reason))
        .build();
  }

  /** Either side ends the call (the caller, before an answer, cancels it). */
  public static CallRequest hangup(CallRef call) {
    return CallRequest.newBuilder()
        .setCall(call)
        .setHangup(CallHangup.getDefaultInstance())
        .build();
  }

  /** This session takes its platform's side of the call over (after a reconnection). */
  public static CallRequest resume(CallRef call) {
    return CallRequest.newBuilder()
        .setCall(call)
        .setResume(CallResume.getDefaultInstance())
        .build();
  }
}
