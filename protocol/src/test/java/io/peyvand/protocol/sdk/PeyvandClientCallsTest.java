package io.peyvand.protocol.sdk;

import static io.peyvand.protocol.sdk.Waits.await;
import static io.peyvand.protocol.sdk.Waits.connected;
import static io.peyvand.protocol.sdk.Waits.eventually;
import static io.peyvand.protocol.sdk.Waits.failureOf;
import static io.peyvand.protocol.sdk.Waits.refusalBeforeSending;
import static io.peyvand.protocol.sdk.Waits.refusalOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.protocol.v1.CallAccepted;
import io.peyvand.protocol.v1.CallAnswer;
import io.peyvand.protocol.v1.CallEndReason;
import io.peyvand.protocol.v1.CallEnded;
import io.peyvand.protocol.v1.CallEvent;
import io.peyvand.protocol.v1.CallInvited;
import io.peyvand.protocol.v1.CallMedia;
import io.peyvand.protocol.v1.CallRef;
import io.peyvand.protocol.v1.CallRequest;
import io.peyvand.protocol.v1.CallResult;
import io.peyvand.protocol.v1.CallRinging;
import io.peyvand.protocol.v1.CallState;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.UserAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The client's calls (calls.proto) against a scripted broker: requests correlated with their
 * results, checked before sending, failed when unanswered; events handed to the CallHandler; the
 * Hello's ring_calls following the handler.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PeyvandClientCallsTest {
  private static final UserAddress ALI = UserAddresses.parse("bale:ali");
  private static final UserAddress SARA = UserAddresses.parse("eitaa:sara");
  private static final CallRef OUTGOING = CallRequests.ref(ALI, "c-1");
  private static final CallRef INCOMING = CallRequests.ref(SARA, "e-7");

  @RegisterExtension final ScriptedBroker broker = ScriptedBroker.perClass("client-calls-test");

  private PeyvandClientBuilder client() {
    return broker.client("client-calls-test", delivery -> null);
  }

  private static CallRequest invite(String callId) {
    return CallRequests.invite(CallRequests.ref(ALI, callId), SARA, "v=0 offer", false);
  }

  private static CallResult accepted(CallRequest request, CallState state) {
    return CallResult.newBuilder()
        .setCorrelationId(request.getCorrelationId())
        .setCall(request.getCall())
        .setAccepted(CallAccepted.newBuilder().setState(state))
        .build();
  }

  @Test
  void twoCallsAnsweredOutOfOrderEachGetTheirOwnResult() throws Exception {
    broker.onCall = request -> ScriptedBroker.NO_CALL_RESULT;
    try (PeyvandClient client = connected(client().callHandler(event -> {}))) {
      // Both ask for the same correlation id: the client replaces it with its own.
      CompletionStage<CallResult> first =
          client.call(invite("c-1").toBuilder().setCorrelationId(7).build());
      CompletionStage<CallResult> second =
          client.call(
              CallRequests.hangup(CallRequests.ref(ALI, "c-2")).toBuilder()
                  .setCorrelationId(7)
                  .build());
      eventually("both reached the broker", () -> broker.calls.size() == 2);
      CallRequest sentFirst = broker.calls.get(0);
      CallRequest sentSecond = broker.calls.get(1);
      assertEquals("c-1", sentFirst.getCall().getCallId());
      assertNotEquals(
          sentFirst.getCorrelationId(), sentSecond.getCorrelationId(), "a correlation id each");

      broker.push(accepted(sentSecond, CallState.ENDED_STATE));
      CallResult secondResult = await(second);
      assertEquals("c-2", secondResult.getCall().getCallId());
      assertEquals(CallState.ENDED_STATE, secondResult.getAccepted().getState());
      assertFalse(first.toCompletableFuture().isDone(), "the first still waits for its own");

      broker.push(accepted(sentFirst, CallState.RINGING));
      CallResult firstResult = await(first);
      assertEquals("c-1", firstResult.getCall().getCallId());
      assertEquals(CallState.RINGING, firstResult.getAccepted().getState());
    }
  }

  /** Invites to call c-1, the broker answering nothing; the stage, once the request was sent. */
  private CompletionStage<CallResult> inviteLeftUnanswered(PeyvandClient client) throws Exception {
    broker.onCall = request -> ScriptedBroker.NO_CALL_RESULT;
    CompletionStage<CallResult> call = client.call(invite("c-1"));
    eventually("sent", () -> broker.calls.size() == 1);
    return call;
  }

  @Test
  void aResultNothingWaitsForIsIgnored() throws Exception {
    try (PeyvandClient client = connected(client())) {
      CompletionStage<CallResult> call = inviteLeftUnanswered(client);
      CallRequest sent = broker.calls.get(0);
      broker.push(
          accepted(
              sent.toBuilder().setCorrelationId(sent.getCorrelationId() + 100).build(),
              CallState.RINGING));
      Thread.sleep(100);
      assertFalse(call.toCompletableFuture().isDone());
      broker.push(accepted(sent, CallState.RINGING));
      assertEquals(CallState.RINGING, await(call).getAccepted().getState());
    }
  }

  @Test
  void aRefusalByTheBrokerCompletesTheStageWithTheRefusedResult() throws Exception {
    broker.onCall =
        request -> ScriptedBroker.callRefused(request, ErrorCode.UNKNOWN_CALL, "no such call");
    try (PeyvandClient client = connected(client())) {
      CallResult result = await(client.call(CallRequests.hangup(OUTGOING)));
      assertTrue(result.hasRefused());
      assertEquals(ErrorCode.UNKNOWN_CALL, result.getRefused().getCode());
    }
  }

  @Test
  void invalidRequestsAreRefusedLocallyAndNotSent() throws Exception {
    try (PeyvandClient client = connected(client())) {
      CallRefusedException noSdp =
          refusalBeforeSending(client.call(CallRequests.invite(OUTGOING, SARA, "", false)));
      assertEquals(ErrorCode.INVALID_FRAME, noSdp.code());
      assertTrue(noSdp.getMessage().contains("invite.sdp_offer"), noSdp.getMessage());

      CallRefusedException sameSide =
          refusalOf(
              client.call(
                  CallRequests.invite(OUTGOING, UserAddresses.parse("bale:bob"), "v=0", false)));
      assertEquals(ErrorCode.INVALID_ARGUMENT, sameSide.code());

      CallRefusedException notOurCaller =
          refusalBeforeSending(client.call(CallRequests.invite(INCOMING, ALI, "v=0", false)));
      assertEquals(ErrorCode.NOT_PERMITTED, notOurCaller.code());

      CallRefusedException noAnswerIsNotARejection =
          refusalOf(client.call(CallRequests.reject(INCOMING, CallEndReason.NO_ANSWER)));
      assertEquals(ErrorCode.INVALID_ARGUMENT, noAnswerIsNotARejection.code());

      // A valid request afterwards is the first, and only, the broker sees.
      await(client.call(CallRequests.answer(INCOMING, "v=0 answer")));
      assertEquals(1, broker.calls.size());
      assertTrue(broker.calls.get(0).hasAnswer());
    }
  }

  @Test
  void withoutASessionNothingIsSent() throws Exception {
    try (PeyvandClient client = client().build()) {
      NotAnsweredException failure =
          assertInstanceOf(NotAnsweredException.class, failureOf(client.call(invite("c-1"))));
      assertTrue(failure.getMessage().startsWith("not sent"), failure.getMessage());
      assertEquals(0, broker.hellos.size());
    }
  }

  @Test
  void aSessionLostBeforeTheAnswerFailsTheCallWhichIsNotSentAgain() throws Exception {
    try (PeyvandClient client = connected(client())) {
      CompletionStage<CallResult> call = inviteLeftUnanswered(client);
      broker.dropSession();
      assertInstanceOf(NotAnsweredException.class, failureOf(call));
      eventually("reconnected", () -> broker.hellos.size() == 2 && client.isConnected());
      Thread.sleep(100);
      assertEquals(1, broker.calls.size(), "a call request is sent once");
    }
  }

  @Test
  void noAnswerWithinTheCallTimeoutFailsNotAnswered() throws Exception {
    broker.onCall = request -> ScriptedBroker.NO_CALL_RESULT;
    try (PeyvandClient client = connected(client().callTimeout(Duration.ofMillis(200)))) {
      NotAnsweredException failure =
          assertInstanceOf(NotAnsweredException.class, failureOf(client.call(invite("c-1"))));
      assertTrue(failure.getMessage().contains("call-timeout"), failure.getMessage());
    }
  }

  @Test
  void closingFailsAnUnansweredCallWithNotAnswered() throws Exception {
    broker.onCall = request -> ScriptedBroker.NO_CALL_RESULT;
    PeyvandClient client = connected(client());
    CompletionStage<CallResult> call = client.call(invite("c-1"));
    eventually("sent", () -> broker.calls.size() == 1);
    client.close();
    assertInstanceOf(NotAnsweredException.class, failureOf(call));
  }

  @Test
  void callEventsReachTheHandlerInOrder() throws Exception {
    List<CallEvent> seen = new CopyOnWriteArrayList<>();
    List<CallEvent> pushed =
        List.of(
            CallEvent.newBuilder()
                .setCall(INCOMING)
                .setCallee(ALI)
                .addMedia(CallMedia.AUDIO)
                .setInvited(
                    CallInvited.newBuilder()
                        .setCaller(SARA)
                        .setSdpOffer("v=0 offer")
                        .setRelay(ScriptedBroker.RELAY))
                .build(),
            CallEvent.newBuilder()
                .setCall(OUTGOING)
                .setCallee(SARA)
                .setRinging(CallRinging.getDefaultInstance())
                .build(),
            CallEvent.newBuilder()
                .setCall(OUTGOING)
                .setCallee(SARA)
                .setAnswered(CallAnswer.newBuilder().setSdpAnswer("v=0 answer"))
                .build(),
            CallEvent.newBuilder()
                .setCall(INCOMING)
                .setCallee(ALI)
                .setEnded(CallEnded.newBuilder().setReason(CallEndReason.ANSWERED_ELSEWHERE))
                .build());
    try (PeyvandClient client = connected(client().callHandler(seen::add))) {
      pushed.forEach(broker::push);
      eventually("all four handled", () -> seen.size() == 4);
      assertEquals(pushed, seen);
    }
  }

  @Test
  void aFailingHandlerDoesNotStopTheNextEvents() throws Exception {
    List<CallEvent> seen = new CopyOnWriteArrayList<>();
    CallHandler handler =
        event -> {
          seen.add(event);
          if (seen.size() == 1) {
            throw new IllegalStateException("the app crashed on the first");
          }
        };
    CallEvent ringing =
        CallEvent.newBuilder()
            .setCall(OUTGOING)
            .setCallee(SARA)
            .setRinging(CallRinging.getDefaultInstance())
            .build();
    try (PeyvandClient client = connected(client().callHandler(handler))) {
      broker.push(ringing);
      broker.push(ringing);
      eventually("both handled", () -> seen.size() == 2);
      assertEquals(
          CallState.RINGING,
          await(client.call(CallRequests.ringing(INCOMING))).getAccepted().getState());
    }
  }

  @Test
  void aCallHandlerMakesTheSessionRingAndNoHandlerLeavesItSilent() throws Exception {
    try (PeyvandClient silent = connected(client())) {
      assertFalse(broker.hellos.get(0).getRingCalls(), "no call handler: no ringing");
    }
    broker.reset();
    try (PeyvandClient ringing = connected(client().callHandler(event -> {}))) {
      assertTrue(broker.hellos.get(0).getRingCalls(), "a call handler: ring_calls");
    }
    broker.reset();
    try (PeyvandClient callerOnly = connected(client().callHandler(event -> {}).ringCalls(false))) {
      assertFalse(broker.hellos.get(0).getRingCalls(), "ringCalls(false) wins");
    }
  }

  @Test
  void ringingWithoutAHandlerIsRefusedAtBuild() {
    IllegalStateException refused =
        assertThrows(IllegalStateException.class, () -> client().ringCalls(true).build());
    assertTrue(refused.getMessage().contains("callHandler"), refused.getMessage());
  }

  @Test
  void eventsWithoutAHandlerAreDroppedAndTheSessionGoesOn() throws Exception {
    try (PeyvandClient client = connected(client())) {
      broker.push(
          CallEvent.newBuilder()
              .setCall(OUTGOING)
              .setCallee(SARA)
              .setRinging(CallRinging.getDefaultInstance())
              .build());
      assertEquals(CallState.RINGING, await(client.call(invite("c-9"))).getAccepted().getState());
      assertEquals(1, broker.hellos.size(), "the same session");
    }
  }
}
