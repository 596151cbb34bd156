package io.peyvand.broker.ingress;

import static io.peyvand.broker.ingress.RawSession.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.protocol.sdk.DeliveryHandler;
import io.peyvand.protocol.sdk.PeyvandClient;
import io.peyvand.protocol.sdk.PeyvandClientBuilder;
import io.peyvand.protocol.sdk.SubmitOutcome;
import io.peyvand.protocol.v1.Delivery;
import io.peyvand.protocol.v1.MessageStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Conversations between two platforms' adapters, for the tests that send many of them both ways
 * (TwoPlatformsIT, ClusterFailoverIT): a conversation is {@code n} messages {@code tag-0 ..
 * tag-(n-1)} from one user to another, each sent once the previous one is accepted. What an adapter
 * saw is checked for every guarantee of PROTOCOL.md §5: each message once (a repeat only flagged as
 * a redelivery), each mailbox without gaps, each conversation in order, and a DELIVERED status for
 * every message of the other side.
 */
final class Conversations {
  private Conversations() {}

  /** What one adapter saw, in arrival order. */
  static final class Seen {
    final ConcurrentLinkedQueue<Delivery> deliveries = new ConcurrentLinkedQueue<>();
    final DeliveryHandler handler = DeliveryHandler.of(deliveries::add);
  }

  /**
   * Builds and connects the adapter {@code builder} describes as session {@code sessionName},
   * handing every delivery to {@code handler}, repeats included (no deduplication: the tests want
   * to see every one); waits at most 30 s for the connection.
   */
  static PeyvandClient connected(
      PeyvandClientBuilder builder, String sessionName, DeliveryHandler handler) throws Exception {
    PeyvandClient client =
        builder.sessionName(sessionName).deduplicate(false).deliveryHandler(handler).build();
    client.connect().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return client;
  }

  /**
   * Starts {@code conversations} conversations each way between Eitaa's user {@code e<c>} and
   * Bale's {@code b<c>} ({@code e2b<c>} and {@code b2e<c>}), each of {@code perConversation}
   * messages, counting in {@code accepted}; one future per conversation.
   */
  static List<CompletableFuture<Void>> bothWays(
      PeyvandClient eitaa,
      PeyvandClient bale,
      int conversations,
      int perConversation,
      AtomicInteger accepted) {
    List<CompletableFuture<Void>> sending = new ArrayList<>();
    for (int c = 0; c < conversations; c++) {
      sending.add(send(eitaa, "eitaa:e" + c, "bale:b" + c, "e2b" + c, perConversation, accepted));
      sending.add(send(bale, "bale:b" + c, "eitaa:e" + c, "b2e" + c, perConversation, accepted));
    }
    return sending;
  }

  /**
   * Sends one conversation's {@code count} messages one after another, counting each accepted in
   * {@code accepted}; completes when all are accepted.
   */
  static CompletableFuture<Void> send(
      PeyvandClient client, String from, String to, String tag, int count, AtomicInteger accepted) {
    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    for (int i = 0; i < count; i++) {
      String id = tag + "-" + i;
      String body = tag + " " + i;
      chain =
          chain.thenCompose(
              ignored ->
                  client
                      .submit(text(id, from, to, body))
                      .thenAccept(
                          outcome -> {
                            if (!(outcome instanceof SubmitOutcome.Accepted)) {
                              throw new AssertionError(id + " not accepted: " + outcome);
                            }
                            accepted.incrementAndGet();
                          })
                      .toCompletableFuture());
    }
    return chain;
  }

  /** Waits up to {@code timeout} until both adapters saw {@code expected} of everything. */
  static void awaitComplete(Seen one, Seen other, int expected, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline
        && !(complete(one, expected) && complete(other, expected))) {
      Thread.sleep(200);
    }
  }

  /** Every message and every DELIVERED status of the other side's messages has arrived. */
  static boolean complete(Seen seen, int expected) {
    Set<String> messages = new HashSet<>();
    Set<String> statuses = new HashSet<>();
    for (Delivery d : seen.deliveries) {
      if (d.hasMessage()) {
        messages.add(d.getMessage().getMessageId());
      } else if (d.getStatus().getKind() == MessageStatus.Kind.DELIVERED) {
        statuses.add(d.getStatus().getMessageId());
      }
    }
    return messages.size() == expected && statuses.size() == expected;
  }

  /**
   * Checks what {@code seen} got: the messages tagged {@code incomingTag...} and the DELIVERED
   * statuses of its own, {@code expected} of each; prints the counts under {@code label}.
   */
  static void check(Seen seen, String incomingTag, int expected, String label) {
    Map<String, Long> highest = new HashMap<>();
    Map<String, Integer> nextInConversation = new HashMap<>();
    Set<String> messages = new HashSet<>();
    Set<String> delivered = new HashSet<>();
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
        assertEquals(
            nextInConversation.getOrDefault(conversation, 0),
            index,
            "conversation " + conversation + " out of order");
        nextInConversation.put(conversation, index + 1);
        assertTrue(messages.add(id), "message stored twice (a second sequence): " + id);
      } else {
        assertEquals(MessageStatus.Kind.DELIVERED, d.getStatus().getKind());
        delivered.add(d.getStatus().getMessageId());
      }
    }
    assertEquals(expected, messages.size(), "messages received");
    assertEquals(expected, delivered.size(), "DELIVERED statuses received");
    System.out.printf(
        "%s %s: %d messages, %d statuses, %d flagged redeliveries%n",
        label, incomingTag, messages.size(), delivered.size(), flaggedRepeats);
  }
}
