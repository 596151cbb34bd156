package io.peyvand.broker.ingress;

import static io.peyvand.broker.ingress.RawSession.text;
import static io.peyvand.broker.ingress.RawSession.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.peyvand.broker.TestBroker;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import io.peyvand.protocol.v1.Capabilities;
import io.peyvand.protocol.v1.ClientFrame;
import io.peyvand.protocol.v1.Delete;
import io.peyvand.protocol.v1.Delivery;
import io.peyvand.protocol.v1.Edit;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.MediaReference;
import io.peyvand.protocol.v1.MessageStatus;
import io.peyvand.protocol.v1.Reaction;
import io.peyvand.protocol.v1.ReadReceipt;
import io.peyvand.protocol.v1.ServerFrame;
import io.peyvand.protocol.v1.SubmitResult;
import io.peyvand.protocol.v1.Text;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Messages cross from one platform to another over real gRPC with mutual TLS, stored in the real
 * Cassandra: every content kind with its fields intact, read receipts back to the sender as READ,
 * and edits and deletes only by their author (and edits only within the recipient platform's
 * window). Bale and Eitaa carry the first tests; the later ones use Rubika, Soroush and Igap, each
 * with users of its own, and acknowledge everything they receive, so that no test sees another's
 * items.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MessagingIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();
  private static final Duration WAIT = Duration.ofSeconds(20);

  @RegisterExtension
  final TestBroker node =
      TestBroker.perClass(
          cassandra,
          TestBroker.FIVE_PLATFORMS
              + """
            peyvand.mailbox.redelivery-after = 2s
            """);

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
    SubmitResult first = node.submit("eitaa", text("dup-1", "eitaa:carol", "bale:dave", "once"));
    SubmitResult again = node.submit("eitaa", text("dup-1", "eitaa:carol", "bale:dave", "once"));
    assertTrue(first.hasAccepted(), first.toString());
    assertTrue(again.hasDuplicate(), again.toString());
    assertEquals(first.getAccepted().getSequence(), again.getDuplicate().getSequence());
  }

  @Test
  void aSenderNotOnTheSubmittingPlatformIsRefused() throws Exception {
    SubmitResult refused = node.submit("eitaa", text("x-1", "bale:mallory", "bale:dave", "spoof"));
    assertEquals(ErrorCode.SENDER_NOT_ON_PLATFORM, refused.getRefused().getCode());
  }

  private static Envelope.Builder envelope(String id, String sender, String recipient) {
    return Envelope.newBuilder()
        .setMessageId(id)
        .setSender(user(sender))
        .setRecipient(user(recipient))
        .setClientTimestampMs(System.currentTimeMillis());
  }

  /** The next delivery to {@code mailbox} (a message or a status), skipping other frames. */
  private static Delivery next(RawSession session, String mailbox) {
    return session
        .expect(f -> f.hasDelivery() && f.getDelivery().getMailbox().equals(user(mailbox)), WAIT)
        .getDelivery();
  }

  private static void assertAccepted(SubmitResult result) {
    assertTrue(result.hasAccepted(), result.toString());
  }

  @Test
  void aReadReceiptOfTheRecipientsPlatformReachesTheSendersPlatformAsReadOfThatMessage() {
    try (RawSession rubika = RawSession.hello(node, "rubika");
        RawSession soroush = RawSession.hello(node, "soroush")) {
      SubmitResult first =
          soroush.submitAndAwait(text("rd-1", "soroush:sina", "rubika:reza", "one"), WAIT);
      SubmitResult second =
          soroush.submitAndAwait(text("rd-2", "soroush:sina", "rubika:reza", "two"), WAIT);
      assertAccepted(first);
      assertAccepted(second);
      assertEquals("rd-1", next(rubika, "rubika:reza").getMessage().getMessageId());
      Delivery last = next(rubika, "rubika:reza");
      assertEquals("rd-2", last.getMessage().getMessageId());
      rubika.ack(user("rubika:reza"), last.getSequence());

      // Reza read the first message only.
      rubika.send(
          ClientFrame.newBuilder()
              .setReadReceipt(
                  ReadReceipt.newBuilder()
                      .setReader(user("rubika:reza"))
                      .setUpToSequence(first.getAccepted().getSequence()))
              .build());

      // Sina's platform: DELIVERED for both, READ for the first; nothing else.
      Map<String, MessageStatus> statuses = new HashMap<>();
      while (statuses.size() < 3) {
        Delivery status = next(soroush, "soroush:sina");
        assertTrue(status.hasStatus(), status.toString());
        MessageStatus s = status.getStatus();
        assertEquals(user("rubika:reza"), s.getRecipient(), s.toString());
        assertTrue(
            statuses.put(s.getMessageId() + "/" + s.getKind(), s) == null || status.getRedelivery(),
            "a status stored once: " + s);
        soroush.ack(status.getMailbox(), status.getSequence());
      }
      MessageStatus read = statuses.get("rd-1/READ");
      assertTrue(read != null, statuses.toString());
      assertEquals(first.getAccepted().getSequence(), read.getRecipientSequence());
      assertEquals(MessageStatus.Failure.FAILURE_UNSPECIFIED, read.getFailure());
      assertTrue(read.getAtMs() >= first.getAccepted().getAcceptedAtMs(), read.toString());
      assertTrue(statuses.containsKey("rd-1/DELIVERED"), statuses.toString());
      assertTrue(statuses.containsKey("rd-2/DELIVERED"), statuses.toString());
      ServerFrame more =
          seenWithinTwoSeconds(
              soroush,
              f ->
                  f.hasDelivery()
                      && f.getDelivery().hasStatus()
                      && f.getDelivery().getStatus().getKind() == MessageStatus.Kind.READ
                      && f.getDelivery().getStatus().getMessageId().equals("rd-2"));
      assertEquals(null, more, "rd-2 was not read");
    }
  }

  /** The first frame matching within two seconds, or null. */
  private static ServerFrame seenWithinTwoSeconds(
      RawSession session, java.util.function.Predicate<ServerFrame> matching) {
    try {
      return session.expect(matching, Duration.ofSeconds(2));
    } catch (AssertionError none) {
      return null;
    }
  }

  @Test
  void repliesEditsDeletesReactionsAndMediaArriveWithEveryFieldAsSubmitted() throws Exception {
    byte[] media = "the bytes of a photo".getBytes(StandardCharsets.UTF_8);
    List<Envelope> sent =
        List.of(
            text("k-1", "soroush:sara", "rubika:roya", "salam"),
            envelope("k-2", "soroush:sara", "rubika:roya")
                .setReplyToMessageId("k-1")
                .setText(Text.newBuilder().setBody("an answer to k-1"))
                .build(),
            envelope("k-3", "soroush:sara", "rubika:roya")
                .setEdit(Edit.newBuilder().setTargetMessageId("k-1").setNewBody("salam, roya"))
                .build(),
            envelope("k-4", "soroush:sara", "rubika:roya")
                .setReaction(
                    Reaction.newBuilder().setTargetMessageId("k-1").setEmoji("\uD83D\uDC4D"))
                .build(),
            envelope("k-5", "soroush:sara", "rubika:roya")
                .setReaction(
                    Reaction.newBuilder()
                        .setTargetMessageId("k-1")
                        .setEmoji("\uD83D\uDC4D")
                        .setRemove(true))
                .build(),
            envelope("k-6", "soroush:sara", "rubika:roya")
                .setReplyToMessageId("k-2")
                .setMedia(
                    MediaReference.newBuilder()
                        .setUrl("https://media.soroush.example/p/k-6.jpg")
                        .setMimeType("image/jpeg")
                        .setSizeBytes(media.length)
                        .setSha256(
                            ByteString.copyFrom(MessageDigest.getInstance("SHA-256").digest(media)))
                        .setCaption("a photo"))
                .build(),
            envelope("k-7", "soroush:sara", "rubika:roya")
                .setDelete(Delete.newBuilder().setTargetMessageId("k-2"))
                .build());
    try (RawSession rubika = RawSession.hello(node, "rubika");
        RawSession soroush = RawSession.hello(node, "soroush")) {
      List<Long> sequences = new ArrayList<>();
      for (Envelope envelope : sent) {
        SubmitResult result = soroush.submitAndAwait(envelope, WAIT);
        assertAccepted(result);
        sequences.add(result.getAccepted().getSequence());
      }
      for (int i = 0; i < sent.size(); i++) {
        Delivery delivery = next(rubika, "rubika:roya");
        assertEquals(sequences.get(i), delivery.getSequence());
        assertEquals(sent.get(i), delivery.getMessage(), "every field as submitted");
      }
      rubika.ack(user("rubika:roya"), sequences.get(sequences.size() - 1));
      for (int i = 0; i < sent.size(); i++) {
        Delivery status = next(soroush, "soroush:sara");
        assertEquals(MessageStatus.Kind.DELIVERED, status.getStatus().getKind());
        soroush.ack(status.getMailbox(), status.getSequence());
      }
    }
  }

  @Test
  void onlyTheAuthorOfAMessageMayEditOrDeleteIt() {
    try (RawSession rubika = RawSession.hello(node, "rubika");
        RawSession soroush = RawSession.hello(node, "soroush");
        RawSession eitaa = RawSession.hello(node, "eitaa")) {
      SubmitResult original =
          soroush.submitAndAwait(
              text("own-1", "soroush:sina", "rubika:rana", "the original"), WAIT);
      assertAccepted(original);

      // Another user of the same platform, and a user of another platform, name Sina's message.
      List<Envelope> forged =
          List.of(
              envelope("forged-1", "soroush:sima", "rubika:rana")
                  .setEdit(Edit.newBuilder().setTargetMessageId("own-1").setNewBody("forged"))
                  .build(),
              envelope("forged-2", "soroush:sima", "rubika:rana")
                  .setDelete(Delete.newBuilder().setTargetMessageId("own-1"))
                  .build());
      for (Envelope envelope : forged) {
        assertNotPermitted(envelope, soroush.submitAndAwait(envelope, WAIT));
      }
      Envelope fromEitaa =
          envelope("forged-3", "eitaa:mallory", "rubika:rana")
              .setEdit(Edit.newBuilder().setTargetMessageId("own-1").setNewBody("forged"))
              .build();
      assertNotPermitted(fromEitaa, eitaa.submitAndAwait(fromEitaa, WAIT));

      // Sina may.
      Envelope edit =
          envelope("own-2", "soroush:sina", "rubika:rana")
              .setEdit(Edit.newBuilder().setTargetMessageId("own-1").setNewBody("edited"))
              .build();
      Envelope delete =
          envelope("own-3", "soroush:sina", "rubika:rana")
              .setDelete(Delete.newBuilder().setTargetMessageId("own-1"))
              .build();
      SubmitResult edited = soroush.submitAndAwait(edit, WAIT);
      SubmitResult deleted = soroush.submitAndAwait(delete, WAIT);
      assertAccepted(edited);
      assertAccepted(deleted);
      assertEquals(original.getAccepted().getSequence() + 1, edited.getAccepted().getSequence());
      assertEquals(original.getAccepted().getSequence() + 2, deleted.getAccepted().getSequence());

      // Rana's platform receives the original, Sina's edit and Sina's delete: nothing forged.
      assertEquals("own-1", next(rubika, "rubika:rana").getMessage().getMessageId());
      assertEquals(edit, next(rubika, "rubika:rana").getMessage());
      Delivery last = next(rubika, "rubika:rana");
      assertEquals(delete, last.getMessage());
      rubika.ack(user("rubika:rana"), last.getSequence());
      for (int i = 0; i < 3; i++) {
        soroush.ack(user("soroush:sina"), next(soroush, "soroush:sina").getSequence());
      }
    }
  }

  private static void assertNotPermitted(Envelope envelope, SubmitResult result) {
    assertTrue(result.hasRefused(), envelope.getMessageId() + " was not refused: " + result);
    assertEquals(ErrorCode.NOT_PERMITTED, result.getRefused().getCode(), result.toString());
    String kind = envelope.hasEdit() ? "edit" : "delete";
    assertTrue(
        result.getRefused().getMessage().startsWith(kind + ": ")
            && result.getRefused().getMessage().contains("own-1")
            && result.getRefused().getMessage().contains("author"),
        result.getRefused().getMessage());
  }

  @Test
  void anEditAfterTheRecipientPlatformsEditWindowIsRefused() throws Exception {
    try (RawSession igap = RawSession.hello(node, "igap");
        RawSession soroush = RawSession.hello(node, "soroush")) {
      node.configure(
          "igap",
          Capabilities.newBuilder().setEdits(true).setEditWindowSeconds(2).setDeletes(true));
      SubmitResult original =
          soroush.submitAndAwait(text("win-1", "soroush:sohrab", "igap:iman", "typo"), WAIT);
      assertAccepted(original);
      Envelope inTime =
          envelope("win-2", "soroush:sohrab", "igap:iman")
              .setEdit(Edit.newBuilder().setTargetMessageId("win-1").setNewBody("fixed"))
              .build();
      assertAccepted(soroush.submitAndAwait(inTime, WAIT));

      long waitMs = original.getAccepted().getAcceptedAtMs() + 2_500 - System.currentTimeMillis();
      Thread.sleep(Math.max(0, waitMs));
      Envelope late =
          envelope("win-3", "soroush:sohrab", "igap:iman")
              .setEdit(Edit.newBuilder().setTargetMessageId("win-1").setNewBody("too late"))
              .build();
      SubmitResult refused = soroush.submitAndAwait(late, WAIT);
      assertTrue(refused.hasRefused(), refused.toString());
      assertEquals(ErrorCode.CAPABILITY_NOT_SUPPORTED, refused.getRefused().getCode());
      assertTrue(
          refused.getRefused().getMessage().contains("within 2 s"),
          refused.getRefused().getMessage());

      assertEquals("win-1", next(igap, "igap:iman").getMessage().getMessageId());
      Delivery edit = next(igap, "igap:iman");
      assertEquals(inTime, edit.getMessage());
      igap.ack(user("igap:iman"), edit.getSequence());
      for (int i = 0; i < 2; i++) {
        soroush.ack(user("soroush:sohrab"), next(soroush, "soroush:sohrab").getSequence());
      }
    }
  }
}
