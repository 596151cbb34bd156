package io.peyvand.broker.ingress;

import static io.peyvand.broker.ingress.RawSession.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.broker.TestBroker;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import io.peyvand.protocol.sdk.DeliveryHandler;
import io.peyvand.protocol.sdk.PeyvandClient;
import io.peyvand.protocol.sdk.SubmitOutcome;
import io.peyvand.protocol.v1.Delivery;
import io.peyvand.protocol.v1.MessageStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two platforms, each an adapter built on the SDK over real gRPC, send 1,000 messages each way
 * (conversations in parallel, each conversation in order). Every message arrives; a delivery seen
 * twice is always flagged as a redelivery; each conversation arrives in the order it was sent; and
 * every sender's platform gets a DELIVERED status for every message.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoPlatformsIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();
  private static final int CONVERSATIONS = 10;
  private static final int PER_CONVERSATION = 100;

  private TestBroker node;
  private ActorSystem<Void> system;
  private int port;

  /** What one adapter saw, in arrival order. */
  private static final class Seen {
    final ConcurrentLinkedQueue<Delivery> deliveries = new ConcurrentLinkedQueue<>();
    final DeliveryHandler handler = DeliveryHandler.of(deliveries::add);
  }

  @BeforeAll
  void start() throws Exception {
    node = TestBroker.start("TwoPlatformsIT", cassandra, TestBroker.BALE_AND_EITAA);
    system = node.system();
    port = node.grpcPort();
  }

  @AfterAll
  void stop() {
    node.close();
  }

  private PeyvandClient adapter(String platform, Seen seen) throws Exception {
    PeyvandClient client = PeyvandClient.builder()
        .broker("127.0.0.1", port)
        .platformId(platform)
        .sessionName(platform + "-test")
        .actorSystem(system)
        .deduplicate(false) // the test wants to see every delivery, duplicates included
        .deliveryHandler(seen.handler)
        .build();
    client.connect().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return client;
  }

  /** Sends one conversation's messages one after another; completes when all are accepted. */
  private static CompletableFuture<Void> conversation(PeyvandClient client, String from, String to,
      String tag) {
    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    for (int i = 0; i < PER_CONVERSATION; i++) {
      String id = tag + "-" + i;
      String body = tag + " " + i;
      chain = chain.thenCompose(ignored -> client.submit(text(id, from, to, body))
          .thenAccept(outcome -> {
            if (!(outcome instanceof SubmitOutcome.Accepted)) {
              throw new AssertionError(id + " not accepted: " + outcome);
            }
          }).toCompletableFuture());
    }
    return chain;
  }

  @Test
  void aThousandMessagesEachWayArriveOnceInOrderWithStatuses() throws Exception {
    Seen atBale = new Seen();
    Seen atEitaa = new Seen();
    try (PeyvandClient bale = adapter("bale", atBale);
        PeyvandClient eitaa = adapter("eitaa", atEitaa)) {
      List<CompletableFuture<Void>> sending = new ArrayList<>();
      for (int c = 0; c < CONVERSATIONS; c++) {
        sending.add(conversation(eitaa, "eitaa:e" + c, "bale:b" + c, "e2b" + c));
        sending.add(conversation(bale, "bale:b" + c, "eitaa:e" + c, "b2e" + c));
      }
      CompletableFuture.allOf(sending.toArray(CompletableFuture[]::new)).get(180, TimeUnit.SECONDS);

      int expected = CONVERSATIONS * PER_CONVERSATION;
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (System.nanoTime() < deadline && !(complete(atBale, expected)
          && complete(atEitaa, expected))) {
        Thread.sleep(200);
      }
      check(atBale, "e2b", expected);
      check(atEitaa, "b2e", expected);
    }
  }

  /** Every message and every DELIVERED status of the other side's messages has arrived. */
  private static boolean complete(Seen seen, int expected) {
    Set<String> messages = ConcurrentHashMap.newKeySet();
    Set<String> statuses = ConcurrentHashMap.newKeySet();
    for (Delivery d : seen.deliveries) {
      if (d.hasMessage()) {
        messages.add(d.getMessage().getMessageId());
      } else if (d.getStatus().getKind() == MessageStatus.Kind.DELIVERED) {
        statuses.add(d.getStatus().getMessageId());
      }
    }
    return messages.size() == expected && statuses.size() == expected;
  }

  private static void check(Seen seen, String incomingTag, int expected) {
    Map<String, Long> highest = new ConcurrentHashMap<>();
    Map<String, Integer> nextInConversation = new ConcurrentHashMap<>();
    Set<String> messages = ConcurrentHashMap.newKeySet();
    Set<String> delivered = ConcurrentHashMap.newKeySet();
    int flaggedRepeats = 0;
    for (Delivery d : seen.deliveries) {
      String mailbox = d.getMailbox().getPlatformId() + ":" + d.getMailbox().getUserId();
      long seenUpTo = highest.getOrDefault(mailbox, 0L);
      if (d.getSequence() <= seenUpTo) {
        assertTrue(d.getRedelivery(), "a repeated delivery without the redelivery flag: " + d);
        flaggedRepeats++;
        continue;
      }
      assertEquals(seenUpTo + 1, d.getSequence(), "mailbox " + mailbox + " skipped a sequence");
      highest.put(mailbox, d.getSequence());
      if (d.hasMessage()) {
        String id = d.getMessage().getMessageId();
        assertTrue(id.startsWith(incomingTag), id);
        String conversation = id.substring(0, id.indexOf('-'));
        int index = Integer.parseInt(id.substring(id.indexOf('-') + 1));
        assertEquals(nextInConversation.getOrDefault(conversation, 0), index,
            "conversation " + conversation + " out of order");
        nextInConversation.put(conversation, index + 1);
        assertTrue(messages.add(id), "message delivered twice unflagged: " + id);
      } else {
        assertEquals(MessageStatus.Kind.DELIVERED, d.getStatus().getKind());
        delivered.add(d.getStatus().getMessageId());
      }
    }
    assertEquals(expected, messages.size(), "messages received");
    assertEquals(expected, delivered.size(), "DELIVERED statuses received");
    System.out.printf("%s: %d messages, %d statuses, %d flagged redeliveries%n", incomingTag,
        messages.size(), delivered.size(), flaggedRepeats);
  }
}
