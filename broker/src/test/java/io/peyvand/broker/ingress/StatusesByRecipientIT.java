package io.peyvand.broker.ingress;

import static io.peyvand.broker.ingress.RawSession.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.broker.TestBroker;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import io.peyvand.protocol.sdk.DeliveryHandler;
import io.peyvand.protocol.sdk.PeyvandClient;
import io.peyvand.protocol.sdk.SubmitOutcome;
import io.peyvand.protocol.v1.Capabilities;
import io.peyvand.protocol.v1.Delivery;
import io.peyvand.protocol.v1.MessageStatus;
import io.peyvand.protocol.v1.PlatformInfo;
import io.peyvand.protocol.v1.StatusDelivery;
import io.peyvand.protocol.v1.UserAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Statuses by recipient (PROTOCOL.md §6.3) over real gRPC and a real Cassandra, with the SDK on
 * both sides: Eitaa declares the capability, its users write to Bale's, Bale acknowledges and
 * reads. Eitaa gets every DELIVERED and READ status as a StatusDelivery of the recipient's stream,
 * numbered 1, 2, ... per recipient in order, and the senders' mailboxes never store anything.
 * Withdrawn, the capability no longer applies to the next message.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatusesByRecipientIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();
  private static final int RECIPIENTS = 4;
  private static final int PER_RECIPIENT = 25;

  @RegisterExtension
  final TestBroker node = TestBroker.perClass(cassandra, TestBroker.BALE_AND_EITAA);

  private PeyvandClient adapter(String platform, DeliveryHandler handler) throws Exception {
    return Conversations.connected(node.sdk(platform), platform + "-test", handler);
  }

  private static PlatformInfo declare(PeyvandClient client, boolean byRecipient) throws Exception {
    PlatformInfo info = client.platformInfo().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Capabilities capabilities =
        info.getCapabilities().toBuilder().setStatusesByRecipient(byRecipient).build();
    return client
        .configurePlatform(capabilities, info.getDefaultOptedIn())
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  private static void await(BooleanSupplier done, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 60 s: " + what);
      }
      Thread.sleep(50);
    }
  }

  private long rows(String persistenceId) {
    return cassandra
        .session()
        .execute(
            "SELECT count(*) FROM "
                + cassandra.keyspace()
                + ".messages WHERE persistence_id = ? AND partition_nr = 0",
            persistenceId)
        .one()
        .getLong(0);
  }

  @Test
  void statusesComeFromTheRecipientsMailboxesInTheirOwnStreams() throws Exception {
    ConcurrentLinkedQueue<StatusDelivery> statuses = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Delivery> atEitaa = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Delivery> atBale = new ConcurrentLinkedQueue<>();
    DeliveryHandler eitaaHandler =
        DeliveryHandler.withStatuses(
            DeliveryHandler.of(atEitaa::add),
            status -> {
              statuses.add(status);
              return CompletableFuture.completedFuture(null);
            });
    try (PeyvandClient eitaa = adapter("eitaa", eitaaHandler);
        PeyvandClient bale = adapter("bale", DeliveryHandler.of(atBale::add))) {
      assertTrue(declare(eitaa, true).getCapabilities().getStatusesByRecipient());

      List<CompletableFuture<?>> sending = new ArrayList<>();
      for (int r = 0; r < RECIPIENTS; r++) {
        for (int i = 0; i < PER_RECIPIENT; i++) {
          sending.add(
              eitaa
                  .submit(text("s" + r + "-" + i, "eitaa:alice" + r, "bale:bob" + r, "salam " + i))
                  .toCompletableFuture());
        }
      }
      for (CompletableFuture<?> sent : sending) {
        assertInstanceOf(SubmitOutcome.Accepted.class, sent.get(30, TimeUnit.SECONDS));
      }
      int total = RECIPIENTS * PER_RECIPIENT;
      await(
          () -> atBale.stream().filter(Delivery::hasMessage).count() >= total,
          "every message at Bale");
      // Bob0 reads his first ten messages.
      bale.readReceipt(
          UserAddress.newBuilder().setPlatformId("bale").setUserId("bob0").build(), 10);
      await(
          () -> statuses.stream().filter(s -> !s.getRedelivery()).count() >= total + 10,
          "every DELIVERED and ten READ statuses at Eitaa (" + statuses.size() + " so far)");

      Map<String, Long> next = new HashMap<>();
      int read = 0;
      for (StatusDelivery s : statuses) {
        String recipient = s.getRecipient().getPlatformId() + ":" + s.getRecipient().getUserId();
        assertFalse(s.getRedelivery(), "nothing failed, nothing comes twice: " + s);
        long expected = next.merge(recipient, 1L, Long::sum);
        assertEquals(expected, s.getSequence(), "dense, in order per recipient: " + s);
        String r = recipient.substring("bale:bob".length());
        assertEquals("alice" + r, s.getSender().getUserId());
        assertEquals(
            recipient,
            s.getStatus().getRecipient().getPlatformId()
                + ":"
                + s.getStatus().getRecipient().getUserId());
        assertTrue(s.getStatus().getMessageId().startsWith("s" + r + "-"), s.toString());
        if (s.getStatus().getKind() == MessageStatus.Kind.READ) {
          read++;
          assertEquals("bale:bob0", recipient);
        }
      }
      assertEquals(10, read);
      assertEquals(total + 10, statuses.size());
      assertTrue(atEitaa.isEmpty(), "no Delivery of a sender's mailbox: " + atEitaa);
      for (int r = 0; r < RECIPIENTS; r++) {
        assertEquals(
            0, rows("UserMailbox|eitaa:alice" + r), "the sender's mailbox stored" + " nothing");
      }

      // Withdrawn: the next message's status goes through the sender's mailbox again.
      assertFalse(declare(eitaa, false).getCapabilities().getStatusesByRecipient());
      assertInstanceOf(
          SubmitOutcome.Accepted.class,
          eitaa
              .submit(text("after", "eitaa:carol", "bale:bob0", "salam"))
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS));
      await(
          () ->
              atEitaa.stream()
                  .anyMatch(d -> d.hasStatus() && d.getStatus().getMessageId().equals("after")),
          "the status of the sender's mailbox");
      assertTrue(rows("UserMailbox|eitaa:carol") > 0);
    }
  }
}
