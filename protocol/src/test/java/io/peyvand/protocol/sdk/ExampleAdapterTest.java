package io.peyvand.protocol.sdk;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.protocol.sdk.SubmitOutcome.Accepted;
import io.peyvand.protocol.v1.CallEndReason;
import io.peyvand.protocol.v1.CallEnded;
import io.peyvand.protocol.v1.CallEvent;
import io.peyvand.protocol.v1.CallInvited;
import io.peyvand.protocol.v1.CallMedia;
import io.peyvand.protocol.v1.CallRef;
import io.peyvand.protocol.v1.CallRequest;
import io.peyvand.protocol.v1.CallResult;
import io.peyvand.protocol.v1.CallState;
import io.peyvand.protocol.v1.ChangeMembersRequest;
import io.peyvand.protocol.v1.CreateGroupRequest;
import io.peyvand.protocol.v1.Delivery;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.GroupAddress;
import io.peyvand.protocol.v1.GroupInfo;
import io.peyvand.protocol.v1.LookupRequest;
import io.peyvand.protocol.v1.LookupResult;
import io.peyvand.protocol.v1.MessageStatus;
import io.peyvand.protocol.v1.NumberMatch;
import io.peyvand.protocol.v1.UserAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The example SDK.md quotes does what SDK.md says, against a scripted broker. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExampleAdapterTest {
  private static final UserAddress BOB = UserAddresses.parse("bale:bob");

  @RegisterExtension final ScriptedBroker broker = ScriptedBroker.perClass("example-test");

  @Test
  void makesAGroupPostsToItAndStoresAndAcknowledgesItsPosts() throws Exception {
    GroupAddress family =
        GroupAddress.newBuilder().setPlatformId("bale").setGroupId("family").build();
    broker.onGroupCall =
        request ->
            java.util.concurrent.CompletableFuture.completedFuture(
                GroupInfo.newBuilder().setGroup(family).setTitle("Family").build());
    broker.onSubmit = submit -> ScriptedBroker.accepted(submit, 3);
    try (ExampleAdapter adapter = new ExampleAdapter("127.0.0.1", broker.port())) {
      adapter.start();
      adapter
          .createGroup("bob", "family", "Family", List.of("eitaa:alice", "rubika:carol"))
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      assertEquals(2, broker.groupCalls.size());
      assertEquals("Family", ((CreateGroupRequest) broker.groupCalls.get(0)).getTitle());
      assertEquals(2, ((ChangeMembersRequest) broker.groupCalls.get(1)).getChangesCount());

      Accepted accepted =
          (Accepted)
              adapter
                  .post("bale-2001", "bob", family, "salam all")
                  .toCompletableFuture()
                  .get(10, TimeUnit.SECONDS);
      assertEquals(3, accepted.sequence());
      assertEquals(family, broker.submits.get(0).getEnvelope().getGroup());

      // Items 1-3 are acknowledged already (the broker's cursor): 4 is the next one owed.
      broker.push(
          ScriptedBroker.post(family, 4, false, "salam from alice").toBuilder()
              .setAcknowledgedUpTo(3)
              .build());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!broker.acksOf(family).contains(4L)) {
        assertTrue(System.nanoTime() < deadline, "acknowledged within 10 s");
        Thread.sleep(10);
      }
      assertEquals(List.of("4: salam from alice"), adapter.groupChat("bale:family"));
    }
  }

  @Test
  void publishesANumberAndSyncsAContactBookInCallsOfAtMostAThousand() throws Exception {
    UserAddress sara = UserAddresses.parse("eitaa:sara");
    broker.onDirectoryCall =
        request -> {
          if (!(request instanceof LookupRequest lookup)) {
            return ScriptedBroker.directoryAnswer(request);
          }
          LookupResult.Builder found = LookupResult.newBuilder();
          for (String number : lookup.getPhoneNumbersList()) {
            NumberMatch.Builder match = NumberMatch.newBuilder().setPhoneNumber(number);
            if (number.equals("0912 000 1200")) {
              match.addUsers(sara);
            }
            found.addMatches(match);
          }
          return CompletableFuture.completedFuture(found.build());
        };
    try (ExampleAdapter adapter = new ExampleAdapter("127.0.0.1", broker.port())) {
      assertEquals(
          "0912 345 6789",
          adapter.makeFindable("ali", "0912 345 6789").toCompletableFuture().get(10, SECONDS));
      List<String> contactBook =
          IntStream.range(0, 1500).mapToObj(i -> String.format("0912 000 %04d", i)).toList();
      assertEquals(
          Map.of("0912 000 1200", List.of(sara)),
          adapter.syncContacts("ali", contactBook).toCompletableFuture().get(10, SECONDS));
      assertEquals(
          List.of(1000, 500),
          broker.directoryCalls.stream()
              .skip(1)
              .map(call -> ((LookupRequest) call).getPhoneNumbersCount())
              .toList());
    }
  }

  @Test
  void sendsStoresDeliveriesAndStatusesAndAcknowledgesThem() throws Exception {
    broker.onSubmit = submit -> ScriptedBroker.accepted(submit, 41);
    try (ExampleAdapter adapter = new ExampleAdapter("127.0.0.1", broker.port())) {
      adapter.start();
      assertEquals(
          41L,
          adapter
              .send("bale-1001", "bob", "eitaa:alice", "salam")
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS));
      assertEquals("bale-1001", broker.submits.get(0).getEnvelope().getMessageId());

      broker.push(ScriptedBroker.message(BOB, 1, false, "salam bob"));
      broker.push(
          Delivery.newBuilder()
              .setMailbox(BOB)
              .setSequence(2)
              .setStatus(
                  MessageStatus.newBuilder()
                      .setMessageId("bale-1001")
                      .setKind(MessageStatus.Kind.DELIVERED))
              .build());
      adapter.markRead("bob", 1);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!broker.acksOf(BOB).contains(2L) || broker.receipts.isEmpty()) {
        assertTrue(System.nanoTime() < deadline, "acknowledged and receipt sent within 10 s");
        Thread.sleep(10);
      }
      assertEquals(List.of("m-1: salam bob"), adapter.inbox("bob"));
      assertEquals(MessageStatus.Kind.DELIVERED, adapter.status("bale-1001"));
    }
  }

  @Test
  void ringsForBalesUsersAnswersPlacesAndHangsUpCalls() throws Exception {
    UserAddress sara = UserAddresses.parse("eitaa:sara");
    CallRef incoming = CallRequests.ref(sara, "e-7");
    try (ExampleAdapter adapter = new ExampleAdapter("127.0.0.1", broker.port())) {
      adapter.start();
      assertTrue(broker.hellos.get(0).getRingCalls(), "the call handler makes the session ring");

      broker.push(
          CallEvent.newBuilder()
              .setCall(incoming)
              .setCallee(BOB)
              .addMedia(CallMedia.AUDIO)
              .setInvited(CallInvited.newBuilder().setCaller(sara).setSdpOffer("v=0 offer"))
              .build());
      assertTrue(callRequest(0).hasRinging());
      assertEquals(incoming, broker.calls.get(0).getCall());
      assertEquals("ringing", adapter.callState("eitaa:sara/e-7"));
      assertTrue(adapter.answerCall(incoming, "v=0 answer").toCompletableFuture().get(10, SECONDS));
      assertEquals("v=0 answer", callRequest(1).getAnswer().getSdpAnswer());
      broker.push(
          CallEvent.newBuilder()
              .setCall(incoming)
              .setCallee(BOB)
              .setEnded(CallEnded.newBuilder().setReason(CallEndReason.ENDED))
              .build());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!"ended ENDED".equals(adapter.callState("eitaa:sara/e-7"))) {
        assertTrue(System.nanoTime() < deadline, "ended within 10 s");
        Thread.sleep(10);
      }

      CallResult placed =
          adapter
              .placeCall("bale-call-1", "bob", "eitaa:sara", "v=0 offer", true)
              .toCompletableFuture()
              .get(10, SECONDS);
      assertEquals(CallState.RINGING, placed.getAccepted().getState());
      assertEquals(2, callRequest(2).getInvite().getMediaCount());
      CallRef outgoing = CallRequests.ref(BOB, "bale-call-1");
      assertEquals(
          CallState.ENDED_STATE,
          adapter.hangUp(outgoing).toCompletableFuture().get(10, SECONDS).getAccepted().getState());

      broker.onCall =
          request ->
              ScriptedBroker.callRefused(
                  request, ErrorCode.CALL_ALREADY_ANSWERED, "another session answered");
      assertFalse(adapter.answerCall(incoming, "v=0 late").toCompletableFuture().get(10, SECONDS));
    }
  }

  /**
   * The {@code index}th call request the broker received, once it has it: the scripted broker
   * records a request after it offers the answer, so a client may see the answer first.
   */
  private CallRequest callRequest(int index) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (broker.calls.size() <= index) {
      assertTrue(System.nanoTime() < deadline, "call request " + index + " received within 10 s");
      Thread.sleep(10);
    }
    return broker.calls.get(index);
  }
}
