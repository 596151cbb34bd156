package io.peyvand.broker.calls;

import com.google.protobuf.ByteString;
import io.peyvand.broker.entity.ClusterMessage;
import io.peyvand.broker.model.Address;
import io.peyvand.broker.model.CallEnd;
import io.peyvand.broker.model.CallMedia;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * What a {@link Call} tells a session of one of its sides: the other side's step, written to the
 * adapter as a {@code CallEvent} frame. Never repeated and never acknowledged: a lost frame is
 * superseded by the call's next state (PROTOCOL.md §16.4).
 *
 * @param payload with CANDIDATES and NEGOTIATE: the sending side's frame as it came (the wire's
 *     CallCandidates or CallNegotiate), forwarded unread
 * @param sdp with INVITED the offer, with ANSWERED the answer
 * @param relay with INVITED: TURN credentials for the callee
 * @param kept with ENDED REPLACED: the call kept between the two users
 */
public record CallSignal(
    CallKey call,
    Address callee,
    List<CallMedia> media,
    Kind kind,
    String sdp,
    long ringingUntilMs,
    boolean resumed,
    ByteString payload,
    CallEnd ended,
    CallKey kept,
    Optional<RelayCredentials.Credential> relay)
    implements ClusterMessage {

  public enum Kind {
    INVITED,
    RINGING,
    ANSWERED,
    CANDIDATES,
    NEGOTIATE,
    ENDED,
    RESUMED
  }

  public CallSignal {
    media = List.copyOf(media);
  }

  /** A signal of {@code kind} with nothing else yet. */
  public static CallSignal of(
      CallKey call, Address callee, List<CallMedia> media, Kind kind, long ringingUntilMs) {
    return new CallSignal(
        call,
        callee,
        media,
        kind,
        "",
        ringingUntilMs,
        false,
        ByteString.EMPTY,
        null,
        null,
        Optional.empty());
  }

  public CallSignal withSdp(String sdp) {
    return copy(sdp, resumed, payload, ended, kept, relay);
  }

  public CallSignal withPayload(ByteString payload) {
    return copy(sdp, resumed, payload, ended, kept, relay);
  }

  /** An invite's offer, whether it rings again after a recovery, and the callee's credentials. */
  public CallSignal invitation(
      String offer, boolean resumed, Optional<RelayCredentials.Credential> relay) {
    return copy(offer, resumed, payload, ended, kept, relay);
  }

  public CallSignal ending(CallEnd reason, CallKey kept) {
    return copy(sdp, resumed, payload, reason, kept, relay);
  }

  private CallSignal copy(
      String sdp,
      boolean resumed,
      ByteString payload,
      CallEnd ended,
      CallKey kept,
      Optional<RelayCredentials.Credential> relay) {
    return new CallSignal(
        call, callee, media, kind, sdp, ringingUntilMs, resumed, payload, ended, kept, relay);
  }

  /** The Receptionist key of the sessions of a platform that ring (Hello.ring_calls). */
  public static ServiceKey<CallSignal> ringingKey(String platformId) {
    return ServiceKey.create(CallSignal.class, "peyvand-ringing-" + platformId);
  }
}
