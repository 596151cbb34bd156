package io.peyvand.broker.ingress;

import static io.peyvand.broker.ingress.RawSession.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.peyvand.broker.ActingGroups;
import io.peyvand.broker.TestBroker;
import io.peyvand.broker.TestGroups;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import io.peyvand.protocol.v1.Delete;
import io.peyvand.protocol.v1.Delivery;
import io.peyvand.protocol.v1.Edit;
import io.peyvand.protocol.v1.EncryptedPayload;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.GroupAddress;
import io.peyvand.protocol.v1.GroupDelivery;
import io.peyvand.protocol.v1.MediaReference;
import io.peyvand.protocol.v1.Reaction;
import io.peyvand.protocol.v1.SubmitResult;
import io.peyvand.protocol.v1.Text;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every envelope the protocol accepts is stored and delivered, at the largest size PROTOCOL.md §3.2
 * allows (65,536 bytes of content), for every content kind, as the first item of a mailbox that
 * never received anything and as a later one, and as a group's post. Found by an outside client
 * (issue 14): a mailbox's first message over about 50 KB was answered UNAVAILABLE after 5 s, every
 * time it was resent, because its journal write went to Cassandra as a batch over two partitions
 * larger than Cassandra accepts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MaxSizeContentIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int MAX = 65_536;

  @RegisterExtension
  final TestBroker node =
      TestBroker.perClass(
          cassandra,
          TestBroker.BALE_AND_EITAA
              + """
        peyvand.groups.posts-per-second = 0
        """);

  /** Persian text: two bytes a character, {@code bytes} bytes in all. */
  private static String persian(int bytes) {
    StringBuilder body = new StringBuilder(bytes / 2);
    for (int i = 0; i < bytes / 2; i++) {
      body.append((char) ('\u0627' + i % 20));
    }
    return body.toString();
  }

  private static byte[] random(int bytes, long seed) {
    byte[] out = new byte[bytes];
    new Random(seed).nextBytes(out);
    return out;
  }

  private static Envelope.Builder envelope(String id, String to) {
    return Envelope.newBuilder()
        .setMessageId(id)
        .setSender(user("eitaa:alice"))
        .setRecipient(user(to))
        .setClientTimestampMs(System.currentTimeMillis());
  }

  /** One envelope of each content kind with as much content as the protocol allows. */
  private static Map<String, Envelope.Builder> largestOfEachKind(String tag) {
    String url = "https://media.eitaa.example/" + "m".repeat(2048 - 28);
    Map<String, Envelope.Builder> kinds = new LinkedHashMap<>();
    kinds.put("text", Envelope.newBuilder().setText(Text.newBuilder().setBody(persian(MAX))));
    kinds.put(
        "edit",
        Envelope.newBuilder()
            .setEdit(
                Edit.newBuilder().setTargetMessageId(tag + "-text").setNewBody("e".repeat(MAX))));
    kinds.put(
        "media",
        Envelope.newBuilder()
            .setMedia(
                MediaReference.newBuilder()
                    .setUrl(url)
                    .setMimeType("image/jpeg")
                    .setSizeBytes(1 << 20)
                    .setSha256(ByteString.copyFrom(random(32, 1)))
                    .setCaption("c".repeat(MAX - url.length()))));
    kinds.put(
        "encrypted",
        Envelope.newBuilder()
            .setEncrypted(
                EncryptedPayload.newBuilder()
                    .setScheme("mls-1")
                    .setCiphertext(ByteString.copyFrom(random(MAX, 2)))));
    kinds.put(
        "reaction",
        Envelope.newBuilder()
            .setReaction(
                Reaction.newBuilder()
                    .setTargetMessageId(tag + "-text")
                    .setEmoji("\uD83D\uDC4D".repeat(8))));
    kinds.put(
        "delete",
        Envelope.newBuilder().setDelete(Delete.newBuilder().setTargetMessageId(tag + "-text")));
    return kinds;
  }

  private static SubmitResult submit(RawSession session, Envelope envelope) {
    return session.submitAndAwait(envelope, WAIT);
  }

  @Test
  void theLargestContentOfEveryKindIsStoredAndDeliveredFirstOrNot() {
    try (RawSession eitaa = RawSession.hello(node, "eitaa");
        RawSession bale = RawSession.hello(node, "bale")) {
      for (Map.Entry<String, Envelope.Builder> kind : largestOfEachKind("first").entrySet()) {
        // A recipient of its own per kind: the envelope is its mailbox's very first item...
        String recipient = "bale:new-" + kind.getKey();
        Envelope first =
            envelope("first-" + kind.getKey(), recipient)
                .mergeFrom(kind.getValue().build())
                .build();
        assertAcceptedAndDelivered(eitaa, bale, first);
        // ... and then a later one.
        Envelope second =
            envelope("second-" + kind.getKey(), recipient)
                .mergeFrom(kind.getValue().build())
                .build();
        assertAcceptedAndDelivered(eitaa, bale, second);
      }
    }
  }

  private void assertAcceptedAndDelivered(RawSession from, RawSession to, Envelope envelope) {
    SubmitResult result = submit(from, envelope);
    assertTrue(result.hasAccepted(), envelope.getMessageId() + ": " + result);
    Delivery delivery = to.delivery(envelope.getMessageId(), WAIT);
    assertEquals(envelope.getContentCase(), delivery.getMessage().getContentCase());
    assertEquals(
        envelope.toBuilder().clearClientTimestampMs().build(),
        delivery.getMessage().toBuilder().clearClientTimestampMs().build(),
        "delivered intact: " + envelope.getMessageId());
    assertFalse(delivery.getRedelivery());
    to.ack(delivery.getMailbox(), delivery.getSequence());
  }

  @Test
  void oneByteMoreIsRefusedForGoodNotAsRetryable() {
    try (RawSession eitaa = RawSession.hello(node, "eitaa")) {
      SubmitResult result =
          submit(
              eitaa,
              envelope("too-large", "bale:new-too-large")
                  .setText(Text.newBuilder().setBody("x".repeat(MAX + 1)))
                  .build());
      assertEquals(ErrorCode.CONTENT_TOO_LARGE, result.getRefused().getCode(), result.toString());
      assertEquals(0, result.getRefused().getRetryAfterMs());
    }
  }

  @Test
  void theLargestPostOfEveryKindIsStoredAndDeliveredToAGroupsPlatforms() throws Exception {
    ActingGroups groups = node.groups();
    GroupAddress group =
        GroupAddress.newBuilder().setPlatformId("eitaa").setGroupId("large").build();
    try (RawSession eitaa = RawSession.hello(node, "eitaa");
        RawSession bale = RawSession.hello(node, "bale")) {
      TestGroups.createWithMember(groups, group, user("eitaa:alice"), user("bale:bob"));
      for (Map.Entry<String, Envelope.Builder> kind : largestOfEachKind("post").entrySet()) {
        Envelope post =
            Envelope.newBuilder()
                .setMessageId("post-" + kind.getKey())
                .setSender(user("eitaa:alice"))
                .setGroup(group)
                .setClientTimestampMs(System.currentTimeMillis())
                .mergeFrom(kind.getValue().build())
                .build();
        SubmitResult result = submit(eitaa, post);
        assertTrue(result.hasAccepted(), post.getMessageId() + ": " + result);
        GroupDelivery delivery =
            bale.expect(
                    f ->
                        f.hasGroupDelivery()
                            && f.getGroupDelivery().getSequence()
                                == result.getAccepted().getSequence(),
                    WAIT)
                .getGroupDelivery();
        assertEquals(
            post.toBuilder().clearClientTimestampMs().build(),
            delivery.getPost().toBuilder().clearClientTimestampMs().build(),
            "delivered intact: " + post.getMessageId());
      }
    } finally {
      groups.close();
    }
  }
}
