package io.peyvand.broker.ingress;

import static io.peyvand.broker.ingress.RawSession.text;
import static io.peyvand.broker.ingress.RawSession.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.broker.TestBroker;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import io.peyvand.protocol.v1.Delivery;
import io.peyvand.protocol.v1.MessageStatus;
import io.peyvand.protocol.v1.ServerFrame;
import io.peyvand.protocol.v1.SubmitResult;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The retention period end to end: a real broker on the real Cassandra, whose expiry sweep ({@code
 * peyvand.mailbox.expiry-sweep-interval}) wakes the mailboxes of a platform that has no session; an
 * item older than the retention period is given up and its sender's platform receives FAILED
 * (RETENTION_EXPIRED) over the wire. Nothing else wakes the recipient's mailbox here: its platform
 * never connects until the end, so its mailbox has nothing in flight and does not tick.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RetentionIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();
  private static final Duration RETENTION = Duration.ofSeconds(2);
  private static final Duration WAIT = Duration.ofSeconds(60);

  @RegisterExtension
  final TestBroker node =
      TestBroker.perClass(
          cassandra,
          TestBroker.BALE_AND_EITAA
              + """
                peyvand.mailbox.retention = %d ms
                peyvand.mailbox.expiry-sweep-interval = 3s
                """
                  .formatted(RETENTION.toMillis()));

  @Test
  void aMessageItsRecipientsPlatformNeverTookFailsAndTheSendersPlatformIsToldOverTheWire()
      throws Exception {
    Delivery failed;
    SubmitResult result;
    try (RawSession eitaa = RawSession.hello(node, "eitaa")) {
      result =
          eitaa.submitAndAwait(
              text("expires-1", "eitaa:alice", "bale:bob", "nobody home on bale"), WAIT);
      assertTrue(result.hasAccepted(), result.toString());
      failed =
          eitaa.expect(f -> f.hasDelivery() && f.getDelivery().hasStatus(), WAIT).getDelivery();
      eitaa.ack(failed.getMailbox(), failed.getSequence());
    }
    MessageStatus status = failed.getStatus();
    assertEquals(user("eitaa:alice"), failed.getMailbox(), "in the sender's mailbox");
    assertEquals("expires-1", status.getMessageId());
    assertEquals(user("bale:bob"), status.getRecipient());
    assertEquals(MessageStatus.Kind.FAILED, status.getKind());
    assertEquals(MessageStatus.Failure.RETENTION_EXPIRED, status.getFailure());
    assertEquals(result.getAccepted().getSequence(), status.getRecipientSequence());
    long heldMs = status.getAtMs() - result.getAccepted().getAcceptedAtMs();
    assertTrue(
        heldMs >= RETENTION.toMillis(),
        "failed only once the retention period was over, not after " + heldMs + " ms");

    // Given up: bale, connecting at last, is pushed nothing of it.
    try (RawSession bale = RawSession.hello(node, "bale")) {
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (System.nanoTime() < deadline) {
        ServerFrame frame = bale.poll(Duration.ofMillis(200));
        assertFalse(
            frame != null && frame.hasDelivery(), "bale was pushed the expired message: " + frame);
      }
    }
  }
}
