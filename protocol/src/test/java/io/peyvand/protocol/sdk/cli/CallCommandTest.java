package io.peyvand.protocol.sdk.cli;

import static io.peyvand.protocol.sdk.Waits.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.protocol.sdk.CallRequests;
import io.peyvand.protocol.sdk.ScriptedBroker;
import io.peyvand.protocol.sdk.UserAddresses;
import io.peyvand.protocol.v1.CallAccepted;
import io.peyvand.protocol.v1.CallAnswer;
import io.peyvand.protocol.v1.CallEndReason;
import io.peyvand.protocol.v1.CallEnded;
import io.peyvand.protocol.v1.CallEvent;
import io.peyvand.protocol.v1.CallInvite;
import io.peyvand.protocol.v1.CallMedia;
import io.peyvand.protocol.v1.CallRef;
import io.peyvand.protocol.v1.CallRequest;
import io.peyvand.protocol.v1.CallResult;
import io.peyvand.protocol.v1.CallRinging;
import io.peyvand.protocol.v1.CallState;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.UserAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code call} against a scripted broker: what it sends, the lines it prints, its exit status. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CallCommandTest {
  private static final UserAddress ALICE = UserAddresses.parse("eitaa:alice");
  private static final UserAddress BOB = UserAddresses.parse("bale:bob");
  private static final CallRef C1 = CallRequests.ref(ALICE, "c-1");
  private static final String INVITED =
      "invited bale:bob (call c-1, audio, ringing until 2023-11-14T22:14:20Z)";
  private static final String RELAY =
      "relay username=1700007200:eitaa:alice"
          + " uris=turn:turn.example.ir:3478?transport=udp,turns:turn.example.ir:5349"
          + " expires 2023-11-15T00:13:20Z";

  @RegisterExtension final ScriptedBroker broker = ScriptedBroker.perClass("call-cli-test");

  /** A running {@code call --broker <the scripted broker> ARGS}. */
  private final class Calling extends CliThread {
    Calling(String... options) {
      super(
          "call-under-test",
          "call",
          CliThread.concat(new String[] {"--broker", "127.0.0.1:" + broker.port()}, options));
    }

    /** Waits for the command to end; its exit status. */
    int exit() throws InterruptedException {
      thread.join(20_000);
      assertFalse(thread.isAlive(), "the command ended; it printed: " + out + err);
      return status.get();
    }
  }

  private static CallEvent event(CallEvent.Builder event) {
    return event.setCall(C1).setCallee(BOB).build();
  }

  private static CallEvent ringing() {
    return event(CallEvent.newBuilder().setRinging(CallRinging.getDefaultInstance()));
  }

  private static CallEvent answered() {
    return event(CallEvent.newBuilder().setAnswered(CallAnswer.newBuilder().setSdpAnswer("v=0")));
  }

  private static CallEvent ended(CallEndReason reason) {
    return event(CallEvent.newBuilder().setEnded(CallEnded.newBuilder().setReason(reason)));
  }

  private void invited() throws Exception {
    eventually("the invite reached the broker", () -> broker.calls.size() == 1);
  }

  /** {@code call --from eitaa:alice --to bale:bob --id c-1 OPTIONS}. */
  private Calling aliceCallingBob(String... options) {
    return new Calling(
        CliThread.concat(
            new String[] {"--from", "eitaa:alice", "--to", "bale:bob", "--id", "c-1"}, options));
  }

  private void noPasswordIn(Calling call) {
    assertFalse(
        (call.out.toString() + call.err).contains(ScriptedBroker.RELAY.getPassword()),
        "the relay password is never printed");
  }

  @Test
  void anAnsweredCallIsHungUpAfterTheDelayAndExitsZero() throws Exception {
    Calling call = aliceCallingBob("--hangup-after", "1");
    invited();
    broker.push(ringing());
    broker.push(answered());
    assertEquals(0, call.exit(), call.err.toString());
    assertEquals(List.of(INVITED, RELAY, "ringing", "answered", "hung up"), call.lines());
    assertTrue(call.err.toString().contains("hanging up in 1 s"), call.err.toString());
    noPasswordIn(call);

    assertEquals(2, broker.calls.size());
    CallRequest invite = broker.calls.get(0);
    assertEquals(C1, invite.getCall());
    CallInvite sent = invite.getInvite();
    assertEquals(BOB, sent.getCallee());
    assertEquals(List.of(CallMedia.AUDIO), sent.getMediaList());
    assertTrue(sent.getSdpOffer().startsWith("v=0\r\n"), sent.getSdpOffer());
    assertFalse(sent.getSdpOffer().contains("m=video"));
    assertEquals(0, sent.getLifetimeSeconds());
    assertEquals(
        CallRequests.hangup(C1).toBuilder()
            .setCorrelationId(broker.calls.get(1).getCorrelationId())
            .build(),
        broker.calls.get(1));

    assertEquals("eitaa", broker.hellos.get(0).getPlatformId(), "the caller's platform");
    assertFalse(broker.hellos.get(0).getRingCalls(), "the caller's session does not ring");
    assertEquals("peyvand-cli-call", broker.hellos.get(0).getSessionName(), "default name");
  }

  @Test
  void aCallTheOtherSideHangsUpEndsWithoutAHangupOfItsOwn() throws Exception {
    Calling call = aliceCallingBob("--hangup-after", "60");
    invited();
    broker.push(answered());
    broker.push(ended(CallEndReason.ENDED));
    assertEquals(0, call.exit(), call.err.toString());
    assertEquals(List.of(INVITED, RELAY, "answered", "ended: ended"), call.lines());
    assertEquals(1, broker.calls.size(), "no hangup: the call had ended");
  }

  @Test
  void anUnansweredVideoCallPrintsNoAnswerAndExitsZero() throws Exception {
    Calling call = aliceCallingBob("--video", "--lifetime", "75");
    invited();
    broker.push(ringing());
    broker.push(ended(CallEndReason.NO_ANSWER));
    assertEquals(0, call.exit(), call.err.toString());
    assertEquals(
        List.of(INVITED.replace("audio,", "audio+video,"), RELAY, "ringing", "ended: no-answer"),
        call.lines());
    CallInvite sent = broker.calls.get(0).getInvite();
    assertEquals(List.of(CallMedia.AUDIO, CallMedia.VIDEO), sent.getMediaList());
    assertTrue(sent.getSdpOffer().contains("m=video"), sent.getSdpOffer());
    assertEquals(75, sent.getLifetimeSeconds());
  }

  @Test
  void aCallThatFailedExitsOne() throws Exception {
    Calling call = aliceCallingBob();
    invited();
    broker.push(ended(CallEndReason.FAILED));
    assertEquals(1, call.exit());
    assertEquals(List.of(INVITED, RELAY, "ended: failed"), call.lines());
  }

  @Test
  void anInviteThatGaveWayToTheOtherUsersCallPrintsTheKeptCall() throws Exception {
    broker.onCall =
        request ->
            CallResult.newBuilder()
                .setCorrelationId(request.getCorrelationId())
                .setCall(request.getCall())
                .setAccepted(
                    CallAccepted.newBuilder()
                        .setState(CallState.ENDED_STATE)
                        .setEnded(
                            CallEnded.newBuilder()
                                .setReason(CallEndReason.REPLACED)
                                .setKept(CallRequests.ref(BOB, "b-9"))))
                .build();
    Calling call = aliceCallingBob();
    assertEquals(0, call.exit());
    assertEquals(
        List.of("invited bale:bob (call c-1, audio)", "ended: replaced (kept bale:bob/b-9)"),
        call.lines());
  }

  @Test
  void aRefusedInvitePrintsTheCodeAndMessageAndExitsOne() throws Exception {
    broker.onCall =
        request ->
            ScriptedBroker.callRefused(
                request, ErrorCode.RECIPIENT_NOT_ACCEPTING, "bale:bob does not accept eitaa:alice");
    Calling call = new Calling("--from", "eitaa:alice", "--to", "bale:bob");
    assertEquals(1, call.exit());
    assertEquals(
        List.of("refused RECIPIENT_NOT_ACCEPTING: bale:bob does not accept eitaa:alice"),
        call.lines());
    assertTrue(broker.calls.get(0).getCall().getCallId().startsWith("cli-"), "a generated id");
  }

  @Test
  void aCallTheProtocolRefusesIsNotSentAndExitsTwo() throws Exception {
    Calling call = new Calling("--from", "eitaa:alice", "--to", "eitaa:bob");
    assertEquals(2, call.exit());
    assertTrue(
        call.err.toString().startsWith("not sent: INVALID_ARGUMENT: invite.callee"),
        call.err.toString());
    Calling tooLong = new Calling("--from", "eitaa:alice", "--to", "bale:bob", "--lifetime", "300");
    assertEquals(2, tooLong.exit());
    assertTrue(tooLong.err.toString().contains("lifetime_seconds"), tooLong.err.toString());
    assertEquals(List.of(), broker.hellos, "no session opened");
    assertEquals(List.of(), broker.calls);
  }

  @Test
  void usageErrorsExitTwoAndNameTheOption() throws Exception {
    Calling noCallee = new Calling("--from", "eitaa:alice");
    assertEquals(2, noCallee.exit());
    assertTrue(noCallee.err.toString().contains("--to"), noCallee.err.toString());

    Calling badCaller = new Calling("--from", "alice", "--to", "bale:bob");
    assertEquals(2, badCaller.exit());
    assertTrue(
        badCaller.err.toString().contains("--from: expected PLATFORM:USER"),
        badCaller.err.toString());

    Calling negative =
        new Calling("--from", "eitaa:alice", "--to", "bale:bob", "--hangup-after", "-1");
    assertEquals(2, negative.exit());
    assertTrue(negative.err.toString().contains("--hangup-after"), negative.err.toString());
    assertEquals(List.of(), broker.calls);
  }

  @Test
  void helpSaysItCarriesSignallingOnly() throws Exception {
    Calling help = new Calling("--help");
    assertEquals(0, help.exit());
    String text = help.out.toString().replaceAll("\\s+", " ");
    assertTrue(text.contains("no media"), text);
    for (String option :
        List.of("--from", "--to", "--video", "--id", "--hangup-after", "--broker", "--pki-dir")) {
      assertTrue(text.contains(option), option + " in " + text);
    }
  }

  @Test
  void afterAReconnectionTheCallIsResumedOnTheNewSession() throws Exception {
    Calling call = aliceCallingBob("--hangup-after", "3");
    invited();
    broker.push(answered());
    eventually(() -> "answered: " + call.out, () -> call.out.toString().contains("answered"));
    broker.dropSession();
    eventually("resumed", () -> broker.calls.size() == 2);
    assertEquals(0, call.exit(), call.err.toString());
    assertTrue(broker.calls.get(1).hasResume());
    assertEquals(C1, broker.calls.get(1).getCall());
    assertTrue(broker.calls.get(2).hasHangup(), "hung up on the new session");
    assertEquals(2, broker.hellos.size());
    assertEquals(List.of(INVITED, RELAY, "answered", "resumed", "hung up"), call.lines());
  }

  @Test
  void interruptedAsByCtrlCItHangsUp() throws Exception {
    Calling call = aliceCallingBob();
    invited();
    eventually(() -> "invited: " + call.out, () -> call.out.toString().contains("invited"));
    call.thread.interrupt();
    assertEquals(0, call.exit(), call.err.toString());
    assertEquals(List.of(INVITED, RELAY, "hung up"), call.lines());
    assertTrue(broker.calls.get(1).hasHangup());
  }
}
