package io.peyvand.broker.ingress.ws;

import static io.peyvand.broker.ingress.RawSession.text;
import static io.peyvand.broker.ingress.RawSession.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.broker.TestBroker;
import io.peyvand.broker.ingress.RawSession;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import io.peyvand.protocol.v1.ClientFrame;
import io.peyvand.protocol.v1.Delivery;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.Hello;
import io.peyvand.protocol.v1.MessageStatus;
import io.peyvand.protocol.v1.Ping;
import io.peyvand.protocol.v1.ReadReceipt;
import io.peyvand.protocol.v1.ServerFrame;
import io.peyvand.protocol.v1.SessionError;
import io.peyvand.protocol.v1.Submit;
import io.peyvand.protocol.v1.SubmitResult;
import io.peyvand.protocol.v1.Welcome;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sessions over a real WebSocket (the JDK's client) on the HTTP port: the same frames as gRPC,
 * stored in the real Cassandra; messages that are not frames are refused without ending the
 * session.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebSocketIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();
  private static final Duration WAIT = Duration.ofSeconds(20);

  /** The default of peyvand.websocket.max-frame-bytes (1 MiB). */
  private static final int MAX_MESSAGE_BYTES = 1024 * 1024;

  @RegisterExtension
  final TestBroker node = TestBroker.perClass(cassandra, TestBroker.BALE_AND_EITAA);

  @Test
  void helloIsAnsweredByWelcome() {
    try (RawWebSocket eitaa = RawWebSocket.open(node, "eitaa")) {
      eitaa.send(
          ClientFrame.newBuilder()
              .setHello(
                  Hello.newBuilder()
                      .setProtocolVersion(1)
                      .setPlatformId("eitaa")
                      .setSessionName("web-1"))
              .build());
      Welcome welcome = eitaa.expect(ServerFrame::hasWelcome, WAIT).getWelcome();
      assertEquals(1, welcome.getProtocolVersion());
      assertTrue(welcome.getSessionId().startsWith("eitaa-"), welcome.getSessionId());
      assertTrue(welcome.getLimits().getMaxContentBytes() > 0, welcome.toString());
    }
  }

  @Test
  void aMessageSubmittedOverWebSocketIsDeliveredToAWebSocketSessionAndAcknowledged() {
    try (RawWebSocket bale = RawWebSocket.hello(node, "bale");
        RawWebSocket eitaa = RawWebSocket.hello(node, "eitaa")) {
      eitaa.send(
          ClientFrame.newBuilder()
              .setSubmit(
                  Submit.newBuilder()
                      .setCorrelationId(11)
                      .setEnvelope(text("ws-1", "eitaa:alice", "bale:bob", "salam over ws")))
              .build());
      SubmitResult result = eitaa.expect(ServerFrame::hasSubmitResult, WAIT).getSubmitResult();
      assertEquals(11, result.getCorrelationId());
      assertTrue(result.hasAccepted(), result.toString());

      Delivery delivery = bale.expect(ServerFrame::hasDelivery, WAIT).getDelivery();
      assertEquals(user("bale:bob"), delivery.getMailbox());
      assertEquals(result.getAccepted().getSequence(), delivery.getSequence());
      assertEquals("salam over ws", delivery.getMessage().getText().getBody());
      bale.ack(delivery.getMailbox(), delivery.getSequence());

      // The acknowledgement took effect: the sender's platform is told DELIVERED.
      Delivery status =
          eitaa.expect(f -> f.hasDelivery() && f.getDelivery().hasStatus(), WAIT).getDelivery();
      assertEquals("ws-1", status.getStatus().getMessageId());
      assertEquals(MessageStatus.Kind.DELIVERED, status.getStatus().getKind());
    }
  }

  @Test
  void aWebSocketSendersMessageReachesAGrpcRecipientAndItsStatusesComeBackOverWebSocket() {
    try (RawWebSocket eitaa = RawWebSocket.hello(node, "eitaa");
        RawSession bale = RawSession.hello(node, "bale")) {
      Envelope sent =
          text("ws-g-1", "eitaa:wsara", "bale:gbehrouz", "from a WebSocket adapter").toBuilder()
              .setReplyToMessageId("ws-g-0")
              .build();
      eitaa.send(
          ClientFrame.newBuilder()
              .setSubmit(Submit.newBuilder().setCorrelationId(21).setEnvelope(sent))
              .build());
      SubmitResult result =
          eitaa
              .expect(
                  f -> f.hasSubmitResult() && f.getSubmitResult().getCorrelationId() == 21, WAIT)
              .getSubmitResult();
      assertTrue(result.hasAccepted(), result.toString());
      long sequence = result.getAccepted().getSequence();

      Delivery delivery =
          bale.expect(
                  f ->
                      f.hasDelivery() && f.getDelivery().getMailbox().equals(user("bale:gbehrouz")),
                  WAIT)
              .getDelivery();
      assertEquals(sequence, delivery.getSequence());
      assertEquals(sent, delivery.getMessage(), "every field as submitted over WebSocket");
      bale.ack(delivery.getMailbox(), sequence);
      bale.send(
          ClientFrame.newBuilder()
              .setReadReceipt(
                  ReadReceipt.newBuilder()
                      .setReader(user("bale:gbehrouz"))
                      .setUpToSequence(sequence))
              .build());

      Set<MessageStatus.Kind> told = EnumSet.noneOf(MessageStatus.Kind.class);
      while (!told.containsAll(EnumSet.of(MessageStatus.Kind.DELIVERED, MessageStatus.Kind.READ))) {
        Delivery status =
            eitaa
                .expect(
                    f ->
                        f.hasDelivery() && f.getDelivery().getMailbox().equals(user("eitaa:wsara")),
                    WAIT)
                .getDelivery();
        assertEquals("ws-g-1", status.getStatus().getMessageId(), status.toString());
        assertEquals(user("bale:gbehrouz"), status.getStatus().getRecipient());
        assertEquals(sequence, status.getStatus().getRecipientSequence());
        told.add(status.getStatus().getKind());
        eitaa.ack(status.getMailbox(), status.getSequence());
      }
    }
  }

  @Test
  void messagesThatAreNotFramesAreRefusedAndTheSessionGoesOn() {
    byte[] submit =
        ClientFrame.newBuilder()
            .setSubmit(
                Submit.newBuilder()
                    .setCorrelationId(3)
                    .setEnvelope(text("ws-t", "eitaa:alice", "bale:bob", "cut short")))
            .build()
            .toByteArray();
    byte[] garbage = new byte[16];
    Arrays.fill(garbage, (byte) 0xFF); // a varint that never ends: not protobuf
    try (RawWebSocket eitaa = RawWebSocket.hello(node, "eitaa")) {
      eitaa.sendBytes(garbage);
      assertUndecodable(assertRefusedButOpen(eitaa, ErrorCode.INVALID_FRAME));
      assertPingAnswered(eitaa, 1);

      eitaa.sendBytes(Arrays.copyOf(submit, submit.length / 2));
      assertUndecodable(assertRefusedButOpen(eitaa, ErrorCode.INVALID_FRAME));
      assertPingAnswered(eitaa, 2);

      eitaa.sendText("{\"hello\": {}}");
      SessionError text = assertRefusedButOpen(eitaa, ErrorCode.INVALID_FRAME);
      assertTrue(text.getError().getMessage().contains("not text"), text.toString());
      assertPingAnswered(eitaa, 3);
    }
  }

  @Test
  void aFirstFrameOtherThanHelloIsRefusedAndTheSessionClosed() throws Exception {
    try (RawWebSocket session = RawWebSocket.open(node, "eitaa")) {
      session.send(ClientFrame.newBuilder().setPing(Ping.newBuilder().setNonce(9)).build());
      SessionError error = session.expect(ServerFrame::hasError, WAIT).getError();
      assertEquals(ErrorCode.HELLO_REQUIRED, error.getError().getCode());
      assertTrue(error.getClosing(), error.toString());
      String closed = session.closed().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertTrue(closed.startsWith("1000"), closed);
    }
  }

  @Test
  void aMessageOverTheMaximumIsRefusedAndTheBrokerStaysUp() throws Exception {
    try (RawWebSocket eitaa = RawWebSocket.hello(node, "eitaa")) {
      eitaa.sendBytes(new byte[MAX_MESSAGE_BYTES + 1]);
      SessionError error = assertRefusedButOpen(eitaa, ErrorCode.INVALID_FRAME);
      assertTrue(
          error.getError().getMessage().contains("at most " + MAX_MESSAGE_BYTES + " bytes"),
          error.toString());
      assertPingAnswered(eitaa, 4);
    }
    HttpResponse<String> ready = node.get("/health/ready");
    assertEquals(200, ready.statusCode(), ready.body());
  }

  @Test
  void aPlainRequestToTheWebSocketPathIsRefused() throws Exception {
    HttpResponse<String> plain =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .sslContext(node.tls().platform("eitaa"))
            .build()
            .send(HttpRequest.newBuilder(node.uri("/v1/ws")).build(), BodyHandlers.ofString());
    assertEquals(400, plain.statusCode(), plain.body());
  }

  private static SessionError assertRefusedButOpen(RawWebSocket session, ErrorCode code) {
    SessionError error = session.expect(ServerFrame::hasError, WAIT).getError();
    assertEquals(code, error.getError().getCode(), error.toString());
    assertFalse(error.getClosing(), error.toString());
    return error;
  }

  private static void assertUndecodable(SessionError error) {
    assertTrue(error.getError().getMessage().contains("could not be decoded"), error.toString());
  }

  private static void assertPingAnswered(RawWebSocket session, long nonce) {
    session.send(ClientFrame.newBuilder().setPing(Ping.newBuilder().setNonce(nonce)).build());
    assertEquals(nonce, session.expect(ServerFrame::hasPong, WAIT).getPong().getNonce());
  }
}
