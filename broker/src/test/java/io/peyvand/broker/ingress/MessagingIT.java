package io.peyvand.broker.ingress;

import static io.peyvand.broker.ingress.RawSession.text;
import static io.peyvand.broker.ingress.RawSession.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.broker.TestBroker;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import io.peyvand.protocol.v1.Delivery;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.InterconnectClient;
import io.peyvand.protocol.v1.MessageStatus;
import io.peyvand.protocol.v1.ServerFrame;
import io.peyvand.protocol.v1.SubmitRequest;
import io.peyvand.protocol.v1.SubmitResult;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Messages cross from one platform to another over real gRPC with mutual TLS, stored in the real
 * Cassandra.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MessagingIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();
  private static final Duration WAIT = Duration.ofSeconds(20);

  private TestBroker node;
  private ActorSystem<Void> system;
  private int port;

  @BeforeAll
  void start() throws Exception {
    node =
        TestBroker.start(
            "MessagingIT",
            cassandra,
            TestBroker.BALE_AND_EITAA + "\npeyvand.mailbox.redelivery-after = 2s");
    system = node.system();
    port = node.grpcPort();
  }

  @AfterAll
  void stop() {
    node.close();
  }

  @Test
  void aMessageIsAcceptedDeliveredAcknowledgedAndItsSenderToldDelivered() {
    try (RawSession bale = RawSession.hello(node, "bale");
        RawSession eitaa = RawSession.hello(node, "eitaa")) {
      eitaa.submit(7, text("m-1", "eitaa:alice", "bale:bob", "salam"));
      SubmitResult result = eitaa.expect(ServerFrame::hasSubmitResult, WAIT).getSubmitResult();
      assertEquals(7, result.getCorrelationId());
      assertTrue(result.hasAccepted(), result.toString());
      long sequence = result.getAccepted().getSequence();

      Delivery delivery = bale.expect(ServerFrame::hasDelivery, WAIT).getDelivery();
      assertEquals(user("bale:bob"), delivery.getMailbox());
      assertEquals(sequence, delivery.getSequence());
      assertEquals("salam", delivery.getMessage().getText().getBody());
      assertFalse(delivery.getRedelivery());
      bale.ack(delivery.getMailbox(), delivery.getSequence());

      Delivery status =
          eitaa.expect(f -> f.hasDelivery() && f.getDelivery().hasStatus(), WAIT).getDelivery();
      assertEquals(user("eitaa:alice"), status.getMailbox());
      assertEquals("m-1", status.getStatus().getMessageId());
      assertEquals(MessageStatus.Kind.DELIVERED, status.getStatus().getKind());
      assertEquals(sequence, status.getStatus().getRecipientSequence());
      eitaa.ack(status.getMailbox(), status.getSequence());
    }
  }

  @Test
  void aResubmittedMessageIdIsAnsweredDuplicateWithTheOriginalSequence() throws Exception {
    InterconnectClient client = node.interconnect("eitaa");
    try {
      SubmitResult first =
          client
              .submit(
                  SubmitRequest.newBuilder()
                      .setPlatformId("eitaa")
                      .setEnvelope(text("dup-1", "eitaa:carol", "bale:dave", "once"))
                      .build())
              .toCompletableFuture()
              .get(20, TimeUnit.SECONDS);
      SubmitResult again =
          client
              .submit(
                  SubmitRequest.newBuilder()
                      .setPlatformId("eitaa")
                      .setEnvelope(text("dup-1", "eitaa:carol", "bale:dave", "once"))
                      .build())
              .toCompletableFuture()
              .get(20, TimeUnit.SECONDS);
      assertTrue(first.hasAccepted(), first.toString());
      assertTrue(again.hasDuplicate(), again.toString());
      assertEquals(first.getAccepted().getSequence(), again.getDuplicate().getSequence());
    } finally {
      client.close();
    }
  }

  @Test
  void aSenderNotOnTheSubmittingPlatformIsRefused() throws Exception {
    InterconnectClient client = node.interconnect("eitaa");
    try {
      SubmitResult refused =
          client
              .submit(
                  SubmitRequest.newBuilder()
                      .setPlatformId("eitaa")
                      .setEnvelope(text("x-1", "bale:mallory", "bale:dave", "spoof"))
                      .build())
              .toCompletableFuture()
              .get(20, TimeUnit.SECONDS);
      assertEquals(ErrorCode.SENDER_NOT_ON_PLATFORM, refused.getRefused().getCode());
    } finally {
      client.close();
    }
  }
}
