package io.peyvand.broker.calls;

import static io.peyvand.broker.TestBroker.failure;
import static io.peyvand.broker.ingress.RawSession.block;
import static io.peyvand.broker.ingress.RawSession.text;
import static io.peyvand.broker.ingress.RawSession.user;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.peyvand.broker.TestBroker;
import io.peyvand.broker.TestGroups;
import io.peyvand.broker.TestPki;
import io.peyvand.broker.ingress.RawSession;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import io.peyvand.protocol.v1.CallAnswer;
import io.peyvand.protocol.v1.CallCandidates;
import io.peyvand.protocol.v1.CallEndReason;
import io.peyvand.protocol.v1.CallEvent;
import io.peyvand.protocol.v1.CallHangup;
import io.peyvand.protocol.v1.CallInvite;
import io.peyvand.protocol.v1.CallMedia;
import io.peyvand.protocol.v1.CallNegotiate;
import io.peyvand.protocol.v1.CallRecord;
import io.peyvand.protocol.v1.CallRef;
import io.peyvand.protocol.v1.CallReject;
import io.peyvand.protocol.v1.CallRequest;
import io.peyvand.protocol.v1.CallResult;
import io.peyvand.protocol.v1.CallResume;
import io.peyvand.protocol.v1.CallRinging;
import io.peyvand.protocol.v1.CallState;
import io.peyvand.protocol.v1.Capabilities;
import io.peyvand.protocol.v1.ClientFrame;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.GroupAcknowledge;
import io.peyvand.protocol.v1.GroupAddress;
import io.peyvand.protocol.v1.GroupCallChange;
import io.peyvand.protocol.v1.GroupCallRequest;
import io.peyvand.protocol.v1.GroupKind;
import io.peyvand.protocol.v1.GroupsClient;
import io.peyvand.protocol.v1.IceCandidate;
import io.peyvand.protocol.v1.InterconnectClient;
import io.peyvand.protocol.v1.JoinRequest;
import io.peyvand.protocol.v1.Ping;
import io.peyvand.protocol.v1.RelayCredentials;
import io.peyvand.protocol.v1.ServerFrame;
import io.peyvand.protocol.v1.SubmitResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Calls between platforms over real gRPC with mutual TLS (each platform its own certificate) and
 * real Cassandra, the relay credentials on a real coturn: a full call, decline, no answer with the
 * missed-call record arriving after the callee's platform connects, answered elsewhere, glare both
 * ways, a blocked caller and a capability refusal answered as a message is, and a broker restart
 * while a call rings.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CallsIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();
  private static final char[] PASSWORD = "calls-it".toCharArray();
  private static final String SECRET = "calls-it-shared-secret-0123456789";
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String OFFER =
      "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nm=audio 9 RTP 0\r\n";
  private static final String ANSWER =
      "v=0\r\no=- 2 1 IN IP4 127.0.0.1\r\ns=-\r\nm=audio 9 RTP 0\r\n";

  private TestPki tls;
  private TurnRelay relay;
  private TestBroker node;
  private final AtomicLong correlations = new AtomicLong();
  private final List<RawSession> sessions = new ArrayList<>();

  @BeforeAll
  void start() throws Exception {
    tls = TestPki.create("CallsIT", PASSWORD);
    for (String platform : List.of("bale", "eitaa", "rubika")) {
      tls.ca().issuePlatform(platform, false);
    }
    relay = TurnRelay.start(SECRET);
    node = startNode();
    // Rubika takes no calls; Soroush (no certificate needed) is not used.
    node.configure("rubika", Capabilities.newBuilder().setMedia(true).setEdits(true));
  }

  private TestBroker startNode() throws Exception {
    return TestBroker.start(
        "CallsIT",
        cassandra,
        TestBroker.FOUR_PLATFORMS
            + """
            peyvand.calls.relay {
              shared-secret = "%s"
              uris = ["turn:127.0.0.1:%d?transport=udp"]
            }
            peyvand.calls.session-grace = 15s
            """
                .formatted(SECRET, relay.port()),
        tls);
  }

  @AfterEach
  void closeSessions() {
    sessions.forEach(RawSession::close);
    sessions.clear();
  }

  @AfterAll
  void stop() {
    node.close();
    relay.close();
    tls.close();
  }

  @Test
  void aCallRingsIsAnsweredCarriesCandidatesAndRenegotiationAndHangsUp() throws Exception {
    RawSession caller = session("bale", false);
    RawSession callee = session("eitaa", true);
    CallRef call = ref("bale:amir", "full-1");

    CallResult invited = act(caller, invite(call, "eitaa:bita", OFFER));
    assertEquals(CallState.RINGING, invited.getAccepted().getState(), invited.toString());
    assertTrue(
        invited.getAccepted().getRingingUntilMs() >= System.currentTimeMillis() + 50_000,
        invited.toString());
    CallEvent ring = event(callee, call, CallEvent::hasInvited);
    assertEquals(OFFER, ring.getInvited().getSdpOffer());
    assertEquals("bale:amir", format(ring.getInvited().getCaller()));
    assertFalse(ring.getInvited().getResumed());

    // Both parties' credentials allocate a relay on the real coturn and carry data through it.
    for (RelayCredentials credentials :
        List.of(invited.getAccepted().getRelay(), ring.getInvited().getRelay())) {
      assertEquals(
          List.of("turn:127.0.0.1:" + relay.port() + "?transport=udp"), credentials.getUrisList());
      TurnRelay.Result allocated =
          relay.allocate(credentials.getUsername(), credentials.getPassword(), 3);
      assertEquals(0, allocated.exit(), allocated.output());
      assertTrue(allocated.output().contains("Total lost packets 0"), allocated.output());
    }
    assertTrue(invited.getAccepted().getRelay().getUsername().endsWith(":bale:amir"));
    assertTrue(ring.getInvited().getRelay().getUsername().endsWith(":eitaa:bita"));

    act(callee, request(call).setRinging(CallRinging.getDefaultInstance()));
    event(caller, call, CallEvent::hasRinging);

    CallResult answered =
        act(callee, request(call).setAnswer(CallAnswer.newBuilder().setSdpAnswer(ANSWER)));
    assertEquals(CallState.ANSWERED, answered.getAccepted().getState(), answered.toString());
    assertEquals(ANSWER, event(caller, call, CallEvent::hasAnswered).getAnswered().getSdpAnswer());

    CallCandidates fromCaller = candidates("candidate:1 1 UDP 2122260223 10.0.0.1 5000 typ host");
    act(caller, request(call).setCandidates(fromCaller));
    assertEquals(fromCaller, event(callee, call, CallEvent::hasCandidates).getCandidates());
    CallCandidates fromCallee =
        candidates("candidate:2 1 UDP 1686052607 10.0.0.2 6000 typ srflx").toBuilder()
            .setEndOfCandidates(true)
            .build();
    act(callee, request(call).setCandidates(fromCallee));
    assertEquals(fromCallee, event(caller, call, CallEvent::hasCandidates).getCandidates());

    CallNegotiate video =
        CallNegotiate.newBuilder()
            .setType("offer")
            .setSdp(OFFER + "m=video 9 RTP 96\r\n")
            .addMedia(CallMedia.AUDIO)
            .addMedia(CallMedia.VIDEO)
            .build();
    act(caller, request(call).setNegotiate(video));
    CallEvent renegotiated = event(callee, call, CallEvent::hasNegotiate);
    assertEquals(video, renegotiated.getNegotiate());
    assertEquals(List.of(CallMedia.AUDIO, CallMedia.VIDEO), renegotiated.getMediaList());

    CallResult hungUp = act(caller, request(call).setHangup(CallHangup.getDefaultInstance()));
    assertEquals(CallState.ENDED_STATE, hungUp.getAccepted().getState());
    assertEquals(
        CallEndReason.ENDED, event(callee, call, CallEvent::hasEnded).getEnded().getReason());
    // An answered call leaves no record.
    assertNull(delivery(callee, "call.full-1", Duration.ofSeconds(2)), "no record");
  }

  @Test
  void aDeclinedCallEndsForTheCallerAndLeavesARecordInBothMailboxes() {
    RawSession caller = session("bale", false);
    RawSession callee = session("eitaa", true);
    CallRef call = ref("bale:dara", "declined-1");
    act(caller, invite(call, "eitaa:elham", OFFER));
    event(callee, call, CallEvent::hasInvited);

    act(callee, request(call).setReject(CallReject.newBuilder().setReason(CallEndReason.DECLINED)));
    assertEquals(
        CallEndReason.DECLINED, event(caller, call, CallEvent::hasEnded).getEnded().getReason());

    CallRecord toCallee = record(callee, "call.declined-1");
    assertEquals(CallEndReason.DECLINED, toCallee.getReason());
    assertEquals("bale:dara", format(toCallee.getCaller()));
    CallRecord toCaller = record(caller, "call.declined-1");
    assertEquals(CallEndReason.DECLINED, toCaller.getReason());
    assertEquals("eitaa:elham", format(toCaller.getCallee()));
    assertTrue(toCaller.getEndedAtMs() >= toCaller.getStartedAtMs(), toCaller.toString());
  }

  @Test
  void theFirstAnswerWinsAndTheOtherSessionsStopRinging() {
    RawSession caller = session("bale", false);
    RawSession phone = session("eitaa", true);
    RawSession desktop = session("eitaa", true);
    CallRef call = ref("bale:kian", "elsewhere-1");
    act(caller, invite(call, "eitaa:mina", OFFER));
    event(phone, call, CallEvent::hasInvited);
    event(desktop, call, CallEvent::hasInvited);

    CallResult first =
        act(desktop, request(call).setAnswer(CallAnswer.newBuilder().setSdpAnswer(ANSWER)));
    assertEquals(CallState.ANSWERED, first.getAccepted().getState());
    assertEquals(
        CallEndReason.ANSWERED_ELSEWHERE,
        event(phone, call, CallEvent::hasEnded).getEnded().getReason());
    CallResult second =
        act(phone, request(call).setAnswer(CallAnswer.newBuilder().setSdpAnswer(ANSWER)));
    assertEquals(ErrorCode.CALL_ALREADY_ANSWERED, second.getRefused().getCode(), second.toString());
    event(caller, call, CallEvent::hasAnswered);
    act(desktop, request(call).setHangup(CallHangup.getDefaultInstance()));
    assertEquals(
        CallEndReason.ENDED, event(caller, call, CallEvent::hasEnded).getEnded().getReason());
  }

  /**
   * Glare: the call of the caller whose address sorts first is kept, whichever was placed first;
   * the other ends REPLACED naming the kept one, on both sides.
   */
  @Test
  void whenTwoUsersCallEachOtherAtOnceTheCallOfTheFirstAddressIsKept() {
    RawSession bale = session("bale", true);
    RawSession eitaa = session("eitaa", true);
    // Bale's user places first: the second call (Eitaa's) gives way at once.
    CallRef first = ref("bale:aria", "glare-1");
    CallRef second = ref("eitaa:sara", "glare-2");
    act(bale, invite(first, "eitaa:sara", OFFER));
    event(eitaa, first, CallEvent::hasInvited);
    CallResult gaveWay = act(eitaa, invite(second, "bale:aria", OFFER));
    assertEquals(CallState.ENDED_STATE, gaveWay.getAccepted().getState(), gaveWay.toString());
    assertEquals(CallEndReason.REPLACED, gaveWay.getAccepted().getEnded().getReason());
    assertEquals(first, gaveWay.getAccepted().getEnded().getKept());
    act(eitaa, request(first).setAnswer(CallAnswer.newBuilder().setSdpAnswer(ANSWER)));
    event(bale, first, CallEvent::hasAnswered);

    // Eitaa's user places first: that call ends REPLACED on both sides, Bale's rings.
    CallRef third = ref("eitaa:sara", "glare-3");
    CallRef fourth = ref("bale:aria", "glare-4");
    act(eitaa, invite(third, "bale:aria", OFFER));
    event(bale, third, CallEvent::hasInvited);
    // The ringing of the call that gives way may stop before the invite is answered.
    CallRequest invite = invite(fourth, "eitaa:sara", OFFER).build();
    bale.send(ClientFrame.newBuilder().setCall(invite).build());
    List<ServerFrame> frames =
        awaitAll(
            bale,
            List.of(
                f ->
                    f.hasCallResult()
                        && f.getCallResult().getCorrelationId() == invite.getCorrelationId(),
                f -> f.hasCallEvent() && f.getCallEvent().getCall().equals(third)));
    CallResult kept = frames.get(0).getCallResult();
    assertEquals(CallState.RINGING, kept.getAccepted().getState(), kept.toString());
    for (CallEvent replaced :
        List.of(event(eitaa, third, CallEvent::hasEnded), frames.get(1).getCallEvent())) {
      assertEquals(CallEndReason.REPLACED, replaced.getEnded().getReason(), replaced.toString());
      assertEquals(fourth, replaced.getEnded().getKept());
    }
    event(eitaa, fourth, CallEvent::hasInvited);
    // A call that gave way leaves no missed-call record.
    assertNull(delivery(bale, "call.glare-3", Duration.ofSeconds(2)), "no record");
  }

  @Test
  void aBlockedCallerAndACalleeWithoutCallsAreRefusedAsAMessageIs() throws Exception {
    RawSession caller = session("bale", false);
    InterconnectClient eitaa = client("eitaa");
    try {
      eitaa
          .setBlocked(block("eitaa", "eitaa:wall", "bale:pest", true))
          .toCompletableFuture()
          .get(20, TimeUnit.SECONDS);
    } finally {
      eitaa.close();
    }
    SubmitResult message =
        caller.submitAndAwait(text("pest-1", "bale:pest", "eitaa:wall", "salam"), WAIT);
    CallResult blocked = act(caller, invite(ref("bale:pest", "blocked-1"), "eitaa:wall", OFFER));
    assertEquals(ErrorCode.RECIPIENT_NOT_ACCEPTING, blocked.getRefused().getCode());
    assertArrayEquals(
        message.getRefused().toByteArray(),
        blocked.getRefused().toByteArray(),
        "the same refusal, byte for byte");

    CallResult noCalls = act(caller, invite(ref("bale:amir", "rubika-1"), "rubika:reza", OFFER));
    assertEquals(ErrorCode.CAPABILITY_NOT_SUPPORTED, noCalls.getRefused().getCode());
    assertTrue(
        noCalls.getRefused().getMessage().startsWith("capability calls.audio"), noCalls.toString());

    CallResult notYours = act(caller, invite(ref("eitaa:someone", "spoof-1"), "bale:amir", OFFER));
    assertEquals(ErrorCode.NOT_PERMITTED, notYours.getRefused().getCode(), notYours.toString());
    CallResult unknown =
        act(
            caller,
            request(ref("bale:amir", "never-placed")).setHangup(CallHangup.getDefaultInstance()));
    assertEquals(ErrorCode.UNKNOWN_CALL, unknown.getRefused().getCode(), unknown.toString());
  }

  /**
   * The callee's platform has no session that rings: at the deadline the caller hears NO_ANSWER,
   * and the callee's platform, connecting later, receives the missed call from the mailbox.
   */
  @Test
  void anUnansweredCallEndsNoAnswerAndTheMissedCallReachesThePlatformWhenItConnects() {
    RawSession caller = session("bale", false);
    CallRef call = ref("bale:nima", "missed-1");
    CallResult invited = act(caller, invite(call, "eitaa:offline", OFFER));
    long deadline = invited.getAccepted().getRingingUntilMs();
    CallEvent ended = null;
    for (int i = 0; i < 9 && ended == null; i++) {
      try {
        ended = event(caller, call, CallEvent::hasEnded, Duration.ofSeconds(10));
      } catch (AssertionError notYet) {
        // Keep the session alive across the minute of ringing, as an adapter's pings do.
        caller.send(ClientFrame.newBuilder().setPing(Ping.newBuilder().setNonce(i)).build());
      }
    }
    assertTrue(ended != null, "the call ended within 90 s");
    assertEquals(CallEndReason.NO_ANSWER, ended.getEnded().getReason());
    assertTrue(System.currentTimeMillis() >= deadline, "not before the deadline");
    assertEquals(CallEndReason.NO_ANSWER, record(caller, "call.missed-1").getReason());

    RawSession later = session("eitaa", false);
    CallRecord missed = record(later, "call.missed-1");
    assertEquals(CallEndReason.MISSED, missed.getReason());
    assertEquals("eitaa:offline", format(missed.getCallee()));
  }

  /**
   * The broker restarts while a call rings: the callee's platform, reconnected, is rung again
   * (flagged resumed), the caller's resumes its side, and the call goes on to an answer.
   */
  @Test
  void aCallThatRangWhenTheBrokerRestartedRingsAgainAndCanBeAnswered() throws Exception {
    RawSession caller = session("bale", false);
    RawSession callee = session("eitaa", true);
    CallRef call = ref("bale:sina", "restart-1");
    act(caller, invite(call, "eitaa:tara", OFFER));
    event(callee, call, CallEvent::hasInvited);

    closeSessions();
    node.close();
    node = startNode();

    RawSession callerAgain = session("bale", false);
    CallResult resumed = act(callerAgain, request(call).setResume(CallResume.getDefaultInstance()));
    assertEquals(CallState.RINGING, resumed.getAccepted().getState(), resumed.toString());
    RawSession calleeAgain = session("eitaa", true);
    CallEvent ringsAgain = event(calleeAgain, call, CallEvent::hasInvited, Duration.ofSeconds(40));
    assertTrue(ringsAgain.getInvited().getResumed(), ringsAgain.toString());
    assertEquals(OFFER, ringsAgain.getInvited().getSdpOffer());

    act(calleeAgain, request(call).setAnswer(CallAnswer.newBuilder().setSdpAnswer(ANSWER)));
    assertEquals(
        ANSWER, event(callerAgain, call, CallEvent::hasAnswered).getAnswered().getSdpAnswer());
    act(callerAgain, request(call).setHangup(CallHangup.getDefaultInstance()));
    event(calleeAgain, call, CallEvent::hasEnded);
  }

  /**
   * A group call's signalling: a member's join, mute and leave reach each platform with members
   * once, as items of the group's log; a non-member, another platform's user and a channel are
   * refused.
   */
  @Test
  void whoIsInAGroupCallReachesEachPlatformOnce() throws Exception {
    RawSession eitaa = session("eitaa", false);
    RawSession bale = session("bale", false);
    GroupsClient groups = node.groups("bale");
    GroupsClient eitaaGroups = node.groups("eitaa");
    try {
      GroupAddress family =
          GroupAddress.newBuilder().setPlatformId("eitaa").setGroupId("family").build();
      get(
          eitaaGroups.createGroup(
              TestGroups.creation(family, "eitaa:maman", "Family", GroupKind.GROUP)
                  .setOpen(true)
                  .build()));
      get(
          groups.join(
              JoinRequest.newBuilder().setGroup(family).setUser(user("bale:baba")).build()));
      for (GroupCallChange.Action action :
          List.of(
              GroupCallChange.Action.JOINED,
              GroupCallChange.Action.MUTED,
              GroupCallChange.Action.LEFT)) {
        get(groups.changeCall(groupCall(family, "bale:baba", action)));
        for (RawSession platform : List.of(eitaa, bale)) {
          ServerFrame frame =
              platform.expect(f -> f.hasGroupDelivery() && f.getGroupDelivery().hasCall(), WAIT);
          GroupCallChange change = frame.getGroupDelivery().getCall();
          assertEquals(action, change.getAction(), change.toString());
          assertEquals("bale:baba", format(change.getUser()));
          assertEquals("gc-1", change.getCallId());
          platform.send(
              ClientFrame.newBuilder()
                  .setGroupAcknowledge(
                      GroupAcknowledge.newBuilder()
                          .setGroup(family)
                          .setUpToSequence(frame.getGroupDelivery().getSequence()))
                  .build());
        }
      }
      for (ServerFrame extra = bale.poll(Duration.ofSeconds(1));
          extra != null;
          extra = bale.poll(Duration.ofMillis(200))) {
        assertFalse(
            extra.hasGroupDelivery()
                && extra.getGroupDelivery().hasCall()
                && !extra.getGroupDelivery().getRedelivery(),
            "each change once: " + extra);
      }

      Status outsider =
          failure(
                  groups.changeCall(
                      groupCall(family, "bale:stranger", GroupCallChange.Action.JOINED)))
              .getStatus();
      assertEquals(Status.Code.PERMISSION_DENIED, outsider.getCode(), outsider.toString());
      assertTrue(outsider.getDescription().contains("not a member"), outsider.toString());
      Status otherPlatform =
          failure(
                  groups.changeCall(
                      groupCall(family, "eitaa:maman", GroupCallChange.Action.JOINED)))
              .getStatus();
      assertEquals(
          Status.Code.PERMISSION_DENIED, otherPlatform.getCode(), otherPlatform.toString());
    } finally {
      groups.close();
      eitaaGroups.close();
    }
  }

  private static GroupCallRequest groupCall(
      GroupAddress group, String member, GroupCallChange.Action action) {
    return GroupCallRequest.newBuilder()
        .setGroup(group)
        .setUser(user(member))
        .setCallId("gc-1")
        .setAction(action)
        .build();
  }

  private static <T> T get(CompletionStage<T> call) throws Exception {
    return call.toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  // Helpers

  private RawSession session(String platform, boolean ringCalls) {
    RawSession session = RawSession.hello(node.system(), client(platform), platform, ringCalls);
    sessions.add(session);
    return session;
  }

  private InterconnectClient client(String platform) {
    return node.interconnect(platform);
  }

  private static CallRef ref(String caller, String id) {
    return CallRef.newBuilder().setCaller(user(caller)).setCallId(id).build();
  }

  private CallRequest.Builder request(CallRef call) {
    return CallRequest.newBuilder().setCorrelationId(correlations.incrementAndGet()).setCall(call);
  }

  private CallRequest.Builder invite(CallRef call, String callee, String offer) {
    return request(call)
        .setInvite(
            CallInvite.newBuilder()
                .setCallee(user(callee))
                .addMedia(CallMedia.AUDIO)
                .setSdpOffer(offer));
  }

  private static CallCandidates candidates(String line) {
    return CallCandidates.newBuilder()
        .addCandidates(IceCandidate.newBuilder().setCandidate(line).setSdpMid("0"))
        .build();
  }

  private CallResult act(RawSession session, CallRequest.Builder request) {
    CallRequest built = request.build();
    session.send(ClientFrame.newBuilder().setCall(built).build());
    return session
        .expect(
            f ->
                f.hasCallResult()
                    && f.getCallResult().getCorrelationId() == built.getCorrelationId(),
            WAIT)
        .getCallResult();
  }

  private static CallEvent event(RawSession session, CallRef call, Predicate<CallEvent> kind) {
    return event(session, call, kind, WAIT);
  }

  private static CallEvent event(
      RawSession session, CallRef call, Predicate<CallEvent> kind, Duration timeout) {
    return session
        .expect(
            f ->
                f.hasCallEvent()
                    && f.getCallEvent().getCall().equals(call)
                    && kind.test(f.getCallEvent()),
            timeout)
        .getCallEvent();
  }

  /** The first frame matching each of {@code wanted}, whatever their order; others are skipped. */
  private static List<ServerFrame> awaitAll(
      RawSession session, List<Predicate<ServerFrame>> wanted) {
    ServerFrame[] found = new ServerFrame[wanted.size()];
    int missing = wanted.size();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (missing > 0 && System.nanoTime() < deadline) {
      ServerFrame frame;
      try {
        frame = session.poll(Duration.ofMillis(100));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      for (int i = 0; frame != null && i < found.length; i++) {
        if (found[i] == null && wanted.get(i).test(frame)) {
          found[i] = frame;
          missing--;
          break;
        }
      }
    }
    assertEquals(0, missing, "frames not received within " + WAIT + ": " + List.of(found));
    return List.of(found);
  }

  /** The missed-call record delivered to the session's platform, acknowledged. */
  private static CallRecord record(RawSession session, String messageId) {
    ServerFrame delivery = delivery(session, messageId, WAIT);
    if (delivery == null) {
      throw new AssertionError("no record " + messageId + " delivered");
    }
    return delivery.getDelivery().getMessage().getCallRecord();
  }

  private static ServerFrame delivery(RawSession session, String messageId, Duration timeout) {
    try {
      ServerFrame frame =
          session.expect(
              f ->
                  f.hasDelivery()
                      && f.getDelivery().getMessage().getMessageId().equals(messageId)
                      && f.getDelivery().getMessage().hasCallRecord(),
              timeout);
      session.ack(frame.getDelivery().getMailbox(), frame.getDelivery().getSequence());
      return frame;
    } catch (AssertionError none) {
      return null;
    }
  }

  private static String format(io.peyvand.protocol.v1.UserAddress a) {
    return a.getPlatformId() + ":" + a.getUserId();
  }
}
