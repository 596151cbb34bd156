package io.peyvand.broker.service;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import io.peyvand.broker.calls.CallSignal;
import io.peyvand.broker.model.CallEnd;
import io.peyvand.broker.model.CallMedia;
import io.peyvand.broker.model.Content;
import io.peyvand.protocol.v1.CallAnswer;
import io.peyvand.protocol.v1.CallCandidates;
import io.peyvand.protocol.v1.CallEndReason;
import io.peyvand.protocol.v1.CallEnded;
import io.peyvand.protocol.v1.CallEvent;
import io.peyvand.protocol.v1.CallInvited;
import io.peyvand.protocol.v1.CallNegotiate;
import io.peyvand.protocol.v1.CallRecord;
import io.peyvand.protocol.v1.CallResumed;
import io.peyvand.protocol.v1.CallRinging;
import io.peyvand.protocol.v1.RelayCredentials;
import io.peyvand.protocol.v1.ServerFrame;
import java.util.List;

/** Calls' wire values (peyvand.v1 calls.proto) and the broker's, both ways. */
public final class CallMapping {
  private CallMapping() {}

  public static CallEndReason reason(CallEnd end) {
    return switch (end) {
      case ENDED -> CallEndReason.ENDED;
      case BUSY -> CallEndReason.BUSY;
      case DECLINED -> CallEndReason.DECLINED;
      case NO_ANSWER -> CallEndReason.NO_ANSWER;
      case MISSED -> CallEndReason.MISSED;
      case FAILED -> CallEndReason.FAILED;
      case ANSWERED_ELSEWHERE -> CallEndReason.ANSWERED_ELSEWHERE;
      case REPLACED -> CallEndReason.REPLACED;
    };
  }

  /** The broker's reason, or null for one this version does not know. */
  public static CallEnd end(CallEndReason reason) {
    return switch (reason) {
      case ENDED -> CallEnd.ENDED;
      case BUSY -> CallEnd.BUSY;
      case DECLINED -> CallEnd.DECLINED;
      case NO_ANSWER -> CallEnd.NO_ANSWER;
      case MISSED -> CallEnd.MISSED;
      case FAILED -> CallEnd.FAILED;
      case ANSWERED_ELSEWHERE -> CallEnd.ANSWERED_ELSEWHERE;
      case REPLACED -> CallEnd.REPLACED;
      case CALL_END_REASON_UNSPECIFIED, UNRECOGNIZED -> null;
    };
  }

  public static io.peyvand.protocol.v1.CallMedia media(CallMedia media) {
    return media == CallMedia.VIDEO
        ? io.peyvand.protocol.v1.CallMedia.VIDEO
        : io.peyvand.protocol.v1.CallMedia.AUDIO;
  }

  public static List<io.peyvand.protocol.v1.CallMedia> media(List<CallMedia> media) {
    return media.stream().map(CallMapping::media).toList();
  }

  /** The broker's media of a validated list (AUDIO and VIDEO only). */
  public static List<CallMedia> fromWire(List<io.peyvand.protocol.v1.CallMedia> media) {
    return media.stream()
        .map(m -> m == io.peyvand.protocol.v1.CallMedia.VIDEO ? CallMedia.VIDEO : CallMedia.AUDIO)
        .distinct()
        .sorted()
        .toList();
  }

  public static RelayCredentials relay(io.peyvand.broker.calls.RelayCredentials.Credential c) {
    return RelayCredentials.newBuilder()
        .setUsername(c.username())
        .setPassword(c.password())
        .addAllUris(c.uris())
        .setExpiresAtMs(c.expiresAt().toEpochMilli())
        .build();
  }

  /** The frame a session writes for a call's signal. */
  public static ServerFrame frame(CallSignal s) {
    CallEvent.Builder event =
        CallEvent.newBuilder()
            .setCall(CallOperations.ref(s.call()))
            .setCallee(WireMapping.address(s.callee()))
            .addAllMedia(media(s.media()));
    switch (s.kind()) {
      case INVITED -> {
        CallInvited.Builder invited =
            CallInvited.newBuilder()
                .setCaller(WireMapping.address(s.call().caller()))
                .setSdpOffer(s.sdp())
                .setRingingUntilMs(s.ringingUntilMs())
                .setResumed(s.resumed());
        s.relay().map(CallMapping::relay).ifPresent(invited::setRelay);
        event.setInvited(invited);
      }
      case RINGING -> event.setRinging(CallRinging.getDefaultInstance());
      case ANSWERED -> event.setAnswered(CallAnswer.newBuilder().setSdpAnswer(s.sdp()));
      case CANDIDATES -> event.setCandidates(parse(CallCandidates.parser(), s));
      case NEGOTIATE -> event.setNegotiate(parse(CallNegotiate.parser(), s));
      case ENDED -> {
        CallEnded.Builder ended = CallEnded.newBuilder().setReason(reason(s.ended()));
        if (s.kept() != null) {
          ended.setKept(CallOperations.ref(s.kept()));
        }
        event.setEnded(ended);
      }
      case RESUMED -> event.setResumed(CallResumed.getDefaultInstance());
    }
    return ServerFrame.newBuilder().setCallEvent(event).build();
  }

  /** A forwarded frame; it was validated when it came, so it parses. */
  private static <T> T parse(Parser<T> parser, CallSignal s) {
    try {
      return parser.parseFrom(s.payload());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("forwarded call frame does not parse: " + e.getMessage(), e);
    }
  }

  public static CallRecord record(Content.CallRecord r) {
    return CallRecord.newBuilder()
        .setCallId(r.callId())
        .setCaller(WireMapping.address(r.caller()))
        .setCallee(WireMapping.address(r.callee()))
        .addAllMedia(media(r.media()))
        .setReason(reason(r.reason()))
        .setStartedAtMs(r.startedAtMs())
        .setEndedAtMs(r.endedAtMs())
        .build();
  }

  public static Content.CallRecord record(CallRecord r) {
    return new Content.CallRecord(
        r.getCallId(),
        WireMapping.address(r.getCaller()),
        WireMapping.address(r.getCallee()),
        fromWire(r.getMediaList()),
        end(r.getReason()),
        r.getStartedAtMs(),
        r.getEndedAtMs());
  }
}
