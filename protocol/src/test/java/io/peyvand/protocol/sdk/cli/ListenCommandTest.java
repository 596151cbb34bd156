package io.peyvand.protocol.sdk.cli;

import static io.peyvand.protocol.sdk.Waits.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.protocol.sdk.CallRequests;
import io.peyvand.protocol.sdk.ScriptedBroker;
import io.peyvand.protocol.sdk.UserAddresses;
import io.peyvand.protocol.v1.CallEndReason;
import io.peyvand.protocol.v1.CallEnded;
import io.peyvand.protocol.v1.CallEvent;
import io.peyvand.protocol.v1.CallInvited;
import io.peyvand.protocol.v1.CallMedia;
import io.peyvand.protocol.v1.CallRef;
import io.peyvand.protocol.v1.CallRequest;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.GroupAddress;
import io.peyvand.protocol.v1.GroupDelivery;
import io.peyvand.protocol.v1.MembershipChange;
import io.peyvand.protocol.v1.MessageStatus;
import io.peyvand.protocol.v1.UserAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code listen} against a scripted broker, stopped by interrupting it as Ctrl-C would. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ListenCommandTest {
  private static final UserAddress BOB = UserAddresses.parse("bale:bob");

  @RegisterExtension final ScriptedBroker broker = ScriptedBroker.perClass("listen-test");

  /** A running {@code listen}; {@link #stop()} interrupts it and returns its exit status. */
  private final class Listening extends CliThread {
    Listening(String... options) {
      this("127.0.0.1:" + broker.port(), options);
    }

    /** Listening with {@code --broker brokers}. */
    Listening(String brokers, String[] options) {
      super(
          "listen-under-test",
          "listen",
          CliThread.concat(new String[] {"--broker", brokers, "--platform", "bale"}, options));
    }

    int stop() throws InterruptedException {
      thread.interrupt();
      thread.join(10_000);
      return status.get();
    }
  }

  @Test
  void givenSeveralNodesItListensOnTheFirstThatCanBeReached() throws Exception {
    int closedPort = ScriptedBroker.closedPort();
    Listening listen =
        new Listening("127.0.0.1:" + closedPort + ",127.0.0.1:" + broker.port(), new String[0]);
    eventually(
        () -> "listening: " + listen.err,
        () ->
            listen
                .err
                .toString()
                .contains("listening for bale deliveries at 127.0.0.1:" + broker.port() + " "));
    assertTrue(
        listen.err.toString().contains("connected to 127.0.0.1:" + broker.port()),
        listen.err.toString());
    UserAddress dave = UserAddresses.parse("bale:dave");
    broker.push(ScriptedBroker.message(dave, 1, false, "via the second node"));
    eventually("acknowledged", () -> broker.acksOf(dave).contains(1L));
    assertEquals(0, listen.stop());
    assertEquals(List.of("bale:dave #1 from eitaa:alice: via the second node"), listen.lines());
  }

  @Test
  void printsEachDeliveryOnOneLineAndAcknowledgesIt() throws Exception {
    Listening listen = new Listening();
    eventually("listening", () -> listen.err.toString().contains("listening for bale"));
    broker.push(ScriptedBroker.message(BOB, 12, false, "salam"));
    broker.push(
        ScriptedBroker.status(
                BOB, 13, "m-123", UserAddresses.parse("eitaa:alice"), MessageStatus.Kind.DELIVERED)
            .setAcknowledgedUpTo(12)
            .build());
    eventually("acknowledged", () -> broker.acksOf(BOB).contains(13L));
    assertEquals(0, listen.stop());
    assertEquals(
        List.of(
            "bale:bob #12 from eitaa:alice: salam",
            "bale:bob #13 status DELIVERED of message m-123 to eitaa:alice"),
        listen.lines());
  }

  @Test
  void printsGroupDeliveriesWithGroupSequenceAndItemAndAcknowledgesThemPerGroup() throws Exception {
    GroupAddress family =
        GroupAddress.newBuilder().setPlatformId("eitaa").setGroupId("family").build();
    Listening listen = new Listening();
    eventually("listening", () -> listen.err.toString().contains("listening for bale"));
    broker.push(
        ScriptedBroker.post(family, 7, false, "salam all").toBuilder()
            .setAcknowledgedUpTo(6)
            .build());
    eventually("first acknowledged", () -> broker.acksOf(family).contains(7L));
    broker.push(
        GroupDelivery.newBuilder()
            .setGroup(family)
            .setSequence(8)
            .setAcknowledgedUpTo(7)
            .setChange(
                MembershipChange.newBuilder()
                    .setActor(UserAddresses.parse("eitaa:alice"))
                    .setUser(BOB)
                    .setKind(MembershipChange.Kind.REMOVED))
            .build());
    eventually("acknowledged", () -> broker.acksOf(family).contains(8L));
    broker.push(ScriptedBroker.post(family, 8, true, "ignored: already handled"));
    eventually("acknowledged again", () -> broker.acksOf(family).size() == 3);
    assertEquals(0, listen.stop());
    assertEquals(
        List.of(
            "eitaa:family #7 post from eitaa:alice: salam all",
            "eitaa:family #8 REMOVED bale:bob by eitaa:alice"),
        listen.lines());
    assertEquals(List.of(), broker.acks, "no mailbox acknowledgement for a group");
  }

  @Test
  void withoutAcknowledgementGroupRedeliveriesArePrintedFlagged() throws Exception {
    GroupAddress family =
        GroupAddress.newBuilder().setPlatformId("eitaa").setGroupId("family").build();
    assertEquals(
        List.of(
            "eitaa:family #1 post from eitaa:alice: hi",
            "eitaa:family #1 post from eitaa:alice: hi (redelivery)"),
        printedWithoutAcknowledgement(
            () -> {
              broker.push(ScriptedBroker.post(family, 1, false, "hi"));
              broker.push(ScriptedBroker.post(family, 1, true, "hi"));
            }));
    assertEquals(List.of(), broker.groupAcks);
  }

  @Test
  void withoutAcknowledgementRedeliveriesArePrintedAndNothingIsAcknowledged() throws Exception {
    assertEquals(
        List.of(
            "bale:bob #1 from eitaa:alice: hi", "bale:bob #1 from eitaa:alice: hi (redelivery)"),
        printedWithoutAcknowledgement(
            () -> {
              broker.push(ScriptedBroker.message(BOB, 1, false, "hi"));
              broker.push(ScriptedBroker.message(BOB, 1, true, "hi"));
            }));
    assertEquals(List.of(), broker.acks);
  }

  /**
   * Listens with {@code --no-ack} while {@code pushes} pushes an item and its redelivery; the two
   * lines printed, once the command stopped with status 0.
   */
  private List<String> printedWithoutAcknowledgement(Runnable pushes) throws Exception {
    Listening listen = new Listening("--no-ack");
    eventually("listening", () -> listen.err.toString().contains("acknowledging nothing"));
    pushes.run();
    eventually("both printed", () -> listen.out.toString().lines().count() == 2);
    Thread.sleep(100);
    assertEquals(0, listen.stop());
    return listen.lines();
  }

  @Test
  void aRefusedSessionExitsOneWithTheBrokersReason() throws Exception {
    broker.refuseHello =
        Error.newBuilder()
            .setCode(ErrorCode.UNKNOWN_PLATFORM)
            .setMessage("bale is not registered")
            .build();
    Listening listen = new Listening();
    listen.thread.join(10_000);
    assertEquals(1, listen.status.get());
    assertTrue(
        listen.err.toString().contains("UNKNOWN_PLATFORM: bale is not registered"),
        listen.err.toString());
  }

  private static final UserAddress SARA = UserAddresses.parse("eitaa:sara");
  private static final UserAddress ALI = UserAddresses.parse("bale:ali");
  private static final CallRef E7 = CallRequests.ref(SARA, "e-7");
  private static final String CALL = "call eitaa:sara/e-7 to bale:ali: ";

  private static CallEvent invite(CallMedia... media) {
    return CallEvent.newBuilder()
        .setCall(E7)
        .setCallee(ALI)
        .addAllMedia(List.of(media))
        .setInvited(
            CallInvited.newBuilder()
                .setCaller(SARA)
                .setSdpOffer("v=0 offer")
                .setRingingUntilMs(ScriptedBroker.RINGING_UNTIL_MS)
                .setRelay(ScriptedBroker.RELAY))
        .build();
  }

  private static CallEvent ended(CallEndReason reason) {
    return CallEvent.newBuilder()
        .setCall(E7)
        .setCallee(ALI)
        .setEnded(CallEnded.newBuilder().setReason(reason))
        .build();
  }

  private static final String RELAY =
      CALL
          + "relay username=1700007200:eitaa:alice"
          + " uris=turn:turn.example.ir:3478?transport=udp,turns:turn.example.ir:5349"
          + " expires 2023-11-15T00:13:20Z";

  @Test
  void withAnswerCallsTheSessionRingsAndEveryInviteIsRungAndAnswered() throws Exception {
    Listening listen = new Listening("--answer-calls");
    eventually(
        () -> "listening: " + listen.err, () -> listen.err.toString().contains("answering calls"));
    assertTrue(broker.hellos.get(0).getRingCalls(), "the session declares ring_calls");
    broker.push(invite(CallMedia.AUDIO, CallMedia.VIDEO));
    eventually("ringing and answer sent", () -> broker.calls.size() == 2);
    eventually("four lines", () -> listen.out.toString().lines().count() == 4);
    broker.push(ended(CallEndReason.ENDED));
    eventually("five lines", () -> listen.out.toString().lines().count() == 5);
    assertEquals(0, listen.stop());
    assertEquals(
        List.of(
            CALL + "invited (audio+video, ringing until 2023-11-14T22:14:20Z)",
            RELAY,
            CALL + "sent ringing (state ringing)",
            CALL + "sent answer (state answered)",
            CALL + "ended: ended"),
        listen.lines());
    assertFalse(
        listen.out.toString().contains(ScriptedBroker.RELAY.getPassword()),
        "the relay password is never printed");
    CallRequest rang = broker.calls.get(0);
    CallRequest answer = broker.calls.get(1);
    assertEquals(E7, rang.getCall());
    assertTrue(rang.hasRinging());
    assertEquals(E7, answer.getCall());
    assertTrue(answer.getAnswer().getSdpAnswer().startsWith("v=0\r\n"));
    assertTrue(answer.getAnswer().getSdpAnswer().contains("m=video"), "video for a video call");
  }

  @Test
  void withDeclineCallsEveryInviteIsRejectedDeclined() throws Exception {
    Listening listen = new Listening("--decline-calls");
    eventually("listening", () -> listen.err.toString().contains("declining calls"));
    assertTrue(broker.hellos.get(0).getRingCalls());
    broker.push(invite(CallMedia.AUDIO));
    eventually("rejected", () -> broker.calls.size() == 1);
    eventually("three lines", () -> listen.out.toString().lines().count() == 3);
    assertEquals(0, listen.stop());
    assertEquals(
        CallRequests.reject(E7, CallEndReason.DECLINED).toBuilder()
            .setCorrelationId(broker.calls.get(0).getCorrelationId())
            .build(),
        broker.calls.get(0));
    assertEquals(
        List.of(
            CALL + "invited (audio, ringing until 2023-11-14T22:14:20Z)",
            RELAY,
            CALL + "sent reject declined (state ended)"),
        listen.lines());
  }

  @Test
  void aRefusedAnswerIsPrintedWithItsCode() throws Exception {
    broker.onCall =
        request ->
            request.hasAnswer()
                ? ScriptedBroker.callRefused(
                    request, ErrorCode.CALL_ALREADY_ANSWERED, "answered by another session")
                : ScriptedBroker.callAccepted(request);
    Listening listen = new Listening("--answer-calls");
    eventually("listening", () -> listen.err.toString().contains("answering calls"));
    broker.push(invite(CallMedia.AUDIO));
    broker.push(ended(CallEndReason.ANSWERED_ELSEWHERE));
    eventually("five lines", () -> listen.out.toString().lines().count() == 5);
    assertEquals(0, listen.stop());
    List<String> lines = listen.lines();
    assertTrue(lines.contains(CALL + "ended: answered-elsewhere"), lines.toString());
    assertTrue(
        lines.contains(
            CALL + "sent answer: refused CALL_ALREADY_ANSWERED: answered by another session"),
        lines.toString());
  }

  @Test
  void withoutCallOptionsTheSessionDoesNotRingAndPrintsNoCalls() throws Exception {
    Listening listen = new Listening();
    eventually("listening", () -> listen.err.toString().contains("listening for bale"));
    assertFalse(listen.err.toString().contains("calls"), listen.err.toString());
    assertFalse(broker.hellos.get(0).getRingCalls(), "no ring_calls");
    assertEquals("peyvand-cli-listen", broker.hellos.get(0).getSessionName(), "default name");
    broker.push(invite(CallMedia.AUDIO));
    broker.push(ScriptedBroker.message(BOB, 1, false, "after the call event"));
    eventually("acknowledged", () -> broker.acksOf(BOB).contains(1L));
    assertEquals(0, listen.stop());
    assertEquals(List.of("bale:bob #1 from eitaa:alice: after the call event"), listen.lines());
    assertEquals(List.of(), broker.calls);
  }

  @Test
  void answeringAndDecliningTogetherIsAUsageError() throws Exception {
    Listening listen = new Listening("--answer-calls", "--decline-calls");
    listen.thread.join(10_000);
    assertEquals(2, listen.status.get());
    assertTrue(listen.err.toString().contains("mutually exclusive"), listen.err.toString());
    assertEquals(List.of(), broker.hellos);
  }
}
