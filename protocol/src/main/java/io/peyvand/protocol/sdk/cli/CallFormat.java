package io.peyvand.protocol.sdk.cli;

import io.peyvand.protocol.sdk.UserAddresses;
import io.peyvand.protocol.v1.CallCandidates;
import io.peyvand.protocol.v1.CallEndReason;
import io.peyvand.protocol.v1.CallEnded;
import io.peyvand.protocol.v1.CallEvent;
import io.peyvand.protocol.v1.CallMedia;
import io.peyvand.protocol.v1.CallRef;
import io.peyvand.protocol.v1.CallResult;
import io.peyvand.protocol.v1.CallState;
import io.peyvand.protocol.v1.RelayCredentials;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * How {@code call} and {@code listen} print calls, one line each: an event as {@code ringing},
 * {@code answered}, {@code ended: no-answer}, {@code invited (audio+video, ringing until
 * 2025-05-01T10:00:00Z)}; {@code listen} prefixes it with the call, {@code call eitaa:alice/c-1 to
 * bale:bob: }. Relay credentials print their username, URIs and expiry, never their password. Also
 * the placeholder SDP the commands send: they carry signalling only, no media.
 */
final class CallFormat {
  private CallFormat() {}

  /** {@code eitaa:alice/c-1}: the caller and the caller's id of the call. */
  static String ref(CallRef call) {
    return UserAddresses.format(call.getCaller()) + "/" + call.getCallId();
  }

  /** {@code call eitaa:alice/c-1 to bale:bob: } and the event. */
  static String line(CallEvent event) {
    return prefix(event) + event(event);
  }

  /** {@code call eitaa:alice/c-1 to bale:bob: }, the start of {@code listen}'s lines of a call. */
  static String prefix(CallEvent event) {
    return "call " + ref(event.getCall()) + " to " + UserAddresses.format(event.getCallee()) + ": ";
  }

  /** What the other side (or the broker) did, without naming the call. */
  static String event(CallEvent event) {
    return switch (event.getEventCase()) {
      case INVITED ->
          "invited ("
              + media(event.getMediaList())
              + ", ringing until "
              + time(event.getInvited().getRingingUntilMs())
              + (event.getInvited().getResumed() ? ", resumed" : "")
              + ")";
      case RINGING -> "ringing";
      case ANSWERED -> "answered";
      case CANDIDATES -> candidates(event.getCandidates());
      case ENDED -> ended(event.getEnded());
      case NEGOTIATE ->
          "negotiate "
              + event.getNegotiate().getType()
              + (event.getNegotiate().getMediaCount() > 0
                  ? " (" + media(event.getNegotiate().getMediaList()) + ")"
                  : "");
      case RESUMED -> "resumed (restart ICE if the media needs it)";
      case EVENT_NOT_SET -> "(empty event)";
    };
  }

  private static String candidates(CallCandidates candidates) {
    if (candidates.getCandidatesCount() == 0) {
      return "candidates: end";
    }
    return "candidates "
        + candidates.getCandidatesCount()
        + (candidates.getEndOfCandidates() ? ", end" : "");
  }

  /** {@code ended: no-answer}, and for glare {@code ended: replaced (kept bale:bob/c-9)}. */
  static String ended(CallEnded ended) {
    return "ended: "
        + reason(ended.getReason())
        + (ended.hasKept() ? " (kept " + ref(ended.getKept()) + ")" : "");
  }

  /** {@code no-answer}, {@code answered-elsewhere}... */
  static String reason(CallEndReason reason) {
    return reason.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** {@code ringing}, {@code answered}, {@code ended}. */
  static String state(CallState state) {
    return switch (state) {
      case RINGING -> "ringing";
      case ANSWERED -> "answered";
      case ENDED_STATE -> "ended";
      default -> state.name().toLowerCase(Locale.ROOT);
    };
  }

  /** {@code audio}, {@code audio+video}. */
  static String media(List<CallMedia> media) {
    return media.isEmpty()
        ? "no media"
        : media.stream()
            .map(m -> m.name().toLowerCase(Locale.ROOT))
            .collect(Collectors.joining("+"));
  }

  /** {@code relay username=... uris=turn:a,turns:b expires 2025-...}, without the password. */
  static String relay(RelayCredentials relay) {
    return "relay username="
        + relay.getUsername()
        + " uris="
        + String.join(",", relay.getUrisList())
        + (relay.getExpiresAtMs() > 0 ? " expires " + time(relay.getExpiresAtMs()) : "");
  }

  /** {@code refused CODE: message}, as the other commands print a refusal. */
  static String refused(CallResult result) {
    return "refused " + result.getRefused().getCode() + ": " + result.getRefused().getMessage();
  }

  /** Milliseconds since the epoch as an ISO-8601 instant to the second (UTC). */
  static String time(long epochMs) {
    return Instant.ofEpochMilli(epochMs).truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /**
   * A minimal, well-formed SDP (RFC 8866) {@code offer} or {@code answer} for Opus audio and, with
   * {@code video}, VP8 video: enough for the broker to carry, describing no reachable media.
   */
  static String placeholderSdp(String type, boolean video) {
    StringBuilder sdp =
        new StringBuilder()
            .append("v=0\r\n")
            .append("o=peyvand-cli ")
            .append(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE))
            .append(" 1 IN IP4 127.0.0.1\r\n")
            .append("s=peyvand cli ")
            .append(type)
            .append(" (signalling only, no media)\r\n")
            .append("t=0 0\r\n")
            .append("m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n")
            .append("c=IN IP4 0.0.0.0\r\n")
            .append("a=rtpmap:111 opus/48000/2\r\n")
            .append("a=sendrecv\r\n");
    if (video) {
      sdp.append("m=video 9 UDP/TLS/RTP/SAVPF 96\r\n")
          .append("c=IN IP4 0.0.0.0\r\n")
          .append("a=rtpmap:96 VP8/90000\r\n")
          .append("a=sendrecv\r\n");
    }
    return sdp.toString();
  }
}
