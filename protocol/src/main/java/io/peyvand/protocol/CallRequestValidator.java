package io.peyvand.protocol;

import io.peyvand.protocol.v1.CallCandidates;
import io.peyvand.protocol.v1.CallEndReason;
import io.peyvand.protocol.v1.CallInvite;
import io.peyvand.protocol.v1.CallMedia;
import io.peyvand.protocol.v1.CallNegotiate;
import io.peyvand.protocol.v1.CallRequest;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.IceCandidate;
import java.util.List;
import java.util.Optional;

/**
 * Checks a {@link CallRequest} (calls.proto) field by field and answers the first problem, in the
 * order of the request's fields. Used by the broker before it acts and by the SDK before it sends.
 * The rules (PROTOCOL.md §16.1):
 *
 * <ul>
 *   <li>call: present; its caller a valid address (INVALID_ADDRESS); call_id under the message-id
 *       rule, at most {@value #MAX_CALL_ID_LENGTH} characters (INVALID_MESSAGE_ID), so that the
 *       missed-call record's message id {@code call.<call_id>} fits;
 *   <li>an action (INVALID_FRAME when none);
 *   <li>invite: a valid callee (INVALID_ADDRESS) of another platform than the caller's; media
 *       AUDIO, or AUDIO and VIDEO; an SDP offer of 1 to {@value #MAX_SDP_BYTES} bytes; a lifetime
 *       of 0 (the default, {@value #DEFAULT_LIFETIME_SECONDS} s) or {@value #MIN_LIFETIME_SECONDS}
 *       to {@value #MAX_LIFETIME_SECONDS} s (INVALID_ARGUMENT);
 *   <li>answer and negotiate: an SDP of 1 to {@value #MAX_SDP_BYTES} bytes; negotiate's type
 *       "offer" or "answer" and its media as an invite's, or empty for unchanged;
 *   <li>candidates: at most {@value #MAX_CANDIDATES} per frame, each line 1 to {@value
 *       #MAX_CANDIDATE_BYTES} bytes; none only with end_of_candidates;
 *   <li>reject: DECLINED or BUSY.
 * </ul>
 *
 * Whether the acting platform is a side of the call is the broker's business. Stateless.
 */
public final class CallRequestValidator {
  public static final int MAX_CALL_ID_LENGTH = 100;
  public static final int MAX_SDP_BYTES = 16 * 1024;
  public static final int MAX_CANDIDATES = 50;
  public static final int MAX_CANDIDATE_BYTES = 512;
  public static final int DEFAULT_LIFETIME_SECONDS = 60;
  public static final int MIN_LIFETIME_SECONDS = 60;
  public static final int MAX_LIFETIME_SECONDS = 90;

  private CallRequestValidator() {}

  public static Optional<Error> validate(CallRequest request) {
    if (!request.hasCall()) {
      return refuse(ErrorCode.INVALID_FRAME, "call is missing: set call.caller and call.call_id");
    }
    Optional<Error> problem =
        Addresses.validate(request.getCall().getCaller(), "call.caller")
            .or(
                () ->
                    MessageIds.validate(
                        request.getCall().getCallId(), "call.call_id", MAX_CALL_ID_LENGTH));
    if (problem.isPresent()) {
      return problem;
    }
    return switch (request.getActionCase()) {
      case INVITE -> invite(request.getCall().getCaller().getPlatformId(), request.getInvite());
      case ANSWER -> sdp("answer.sdp_answer", request.getAnswer().getSdpAnswer());
      case CANDIDATES -> candidates(request.getCandidates());
      case NEGOTIATE -> negotiate(request.getNegotiate());
      case REJECT ->
          request.getReject().getReason() == CallEndReason.DECLINED
                  || request.getReject().getReason() == CallEndReason.BUSY
              ? Optional.empty()
              : refuse(
                  ErrorCode.INVALID_ARGUMENT,
                  "reject.reason must be DECLINED or BUSY, not " + request.getReject().getReason());
      case RINGING, HANGUP, RESUME -> Optional.empty();
      case ACTION_NOT_SET ->
          refuse(
              ErrorCode.INVALID_FRAME,
              "the call request has no action: set one of invite, ringing, answer, candidates,"
                  + " reject, hangup, negotiate, resume");
    };
  }

  private static Optional<Error> invite(String callerPlatform, CallInvite invite) {
    if (!invite.hasCallee()) {
      return refuse(ErrorCode.INVALID_ADDRESS, "invite.callee is missing: set the user to call");
    }
    Optional<Error> callee = Addresses.validate(invite.getCallee(), "invite.callee");
    if (callee.isPresent()) {
      return callee;
    }
    if (invite.getCallee().getPlatformId().equals(callerPlatform)) {
      return refuse(
          ErrorCode.INVALID_ARGUMENT,
          "invite.callee is a user of "
              + callerPlatform
              + ", the caller's own platform: the interconnect carries calls between platforms,"
              + " a platform calls its own users itself");
    }
    Optional<Error> media = media("invite.media", invite.getMediaList(), false);
    if (media.isPresent()) {
      return media;
    }
    Optional<Error> sdp = sdp("invite.sdp_offer", invite.getSdpOffer());
    if (sdp.isPresent()) {
      return sdp;
    }
    int lifetime = invite.getLifetimeSeconds();
    if (lifetime != 0 && (lifetime < MIN_LIFETIME_SECONDS || lifetime > MAX_LIFETIME_SECONDS)) {
      return refuse(
          ErrorCode.INVALID_ARGUMENT,
          "invite.lifetime_seconds is "
              + Integer.toUnsignedString(lifetime)
              + "; set 0 for "
              + DEFAULT_LIFETIME_SECONDS
              + " s, or "
              + MIN_LIFETIME_SECONDS
              + " to "
              + MAX_LIFETIME_SECONDS);
    }
    return Optional.empty();
  }

  private static Optional<Error> media(String field, List<CallMedia> media, boolean mayBeEmpty) {
    if (media.isEmpty()) {
      return mayBeEmpty
          ? Optional.empty()
          : refuse(ErrorCode.INVALID_ARGUMENT, field + " is empty: set AUDIO, or AUDIO and VIDEO");
    }
    for (int i = 0; i < media.size(); i++) {
      if (media.get(i) != CallMedia.AUDIO && media.get(i) != CallMedia.VIDEO) {
        return refuse(
            ErrorCode.INVALID_ARGUMENT,
            field + "[" + i + "] is " + media.get(i) + "; only AUDIO and VIDEO are known");
      }
    }
    if (!media.contains(CallMedia.AUDIO)) {
      return refuse(
          ErrorCode.INVALID_ARGUMENT, field + " has no AUDIO: a call is AUDIO, or AUDIO and VIDEO");
    }
    return Optional.empty();
  }

  private static Optional<Error> sdp(String field, String sdp) {
    if (sdp.isEmpty()) {
      return refuse(ErrorCode.INVALID_FRAME, field + " is empty: send the session description");
    }
    long bytes = TextRules.utf8Bytes(sdp);
    if (bytes > MAX_SDP_BYTES) {
      return refuse(
          ErrorCode.CONTENT_TOO_LARGE,
          field + " is " + bytes + " bytes; at most " + MAX_SDP_BYTES + " are allowed");
    }
    return Optional.empty();
  }

  private static Optional<Error> candidates(CallCandidates candidates) {
    int count = candidates.getCandidatesCount();
    if (count == 0 && !candidates.getEndOfCandidates()) {
      return refuse(
          ErrorCode.INVALID_FRAME,
          "candidates is empty: send at least one candidate, or set end_of_candidates");
    }
    if (count > MAX_CANDIDATES) {
      return refuse(
          ErrorCode.INVALID_ARGUMENT,
          "candidates has "
              + count
              + " candidates; at most "
              + MAX_CANDIDATES
              + " per frame (send several frames)");
    }
    for (int i = 0; i < count; i++) {
      IceCandidate c = candidates.getCandidates(i);
      long bytes = TextRules.utf8Bytes(c.getCandidate());
      if (bytes == 0 || bytes > MAX_CANDIDATE_BYTES) {
        return refuse(
            ErrorCode.INVALID_ARGUMENT,
            "candidates["
                + i
                + "].candidate is "
                + bytes
                + " bytes; a candidate line is 1 to "
                + MAX_CANDIDATE_BYTES);
      }
    }
    return Optional.empty();
  }

  private static Optional<Error> negotiate(CallNegotiate negotiate) {
    if (!negotiate.getType().equals("offer") && !negotiate.getType().equals("answer")) {
      return refuse(
          ErrorCode.INVALID_ARGUMENT,
          "negotiate.type is '" + negotiate.getType() + "'; set \"offer\" or \"answer\"");
    }
    return sdp("negotiate.sdp", negotiate.getSdp())
        .or(() -> media("negotiate.media", negotiate.getMediaList(), true));
  }

  private static Optional<Error> refuse(ErrorCode code, String message) {
    return Optional.of(ErrorCodes.error(code, message));
  }
}
