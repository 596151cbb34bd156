package io.peyvand.protocol.sdk;

import static io.peyvand.protocol.sdk.Waits.await;
import static io.peyvand.protocol.sdk.Waits.connected;
import static io.peyvand.protocol.sdk.Waits.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.protocol.sdk.SubmitOutcome.Accepted;
import io.peyvand.protocol.sdk.SubmitOutcome.Refused;
import io.peyvand.protocol.v1.Delivery;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.UserAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The client against a real pekko-grpc server on loopback with scripted broker behaviour. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PeyvandClientTest {
  private static final UserAddress BOB = UserAddresses.parse("bale:bob");
  private static final UserAddress CAROL = UserAddresses.parse("bale:carol");
  private static final UserAddress ALICE = UserAddresses.parse("eitaa:alice");

  @RegisterExtension final ScriptedBroker broker = ScriptedBroker.perClass("client-test");

  private PeyvandClientBuilder client(DeliveryHandler handler) {
    return broker
        .client("client-test", handler)
        .submitRetry(
            new RetryPolicy(5, new Backoff(Duration.ofMillis(10), Duration.ofMillis(50), 0)));
  }

  private static Envelope envelope(String messageId) {
    return ScriptedBroker.salam(messageId, BOB, ALICE);
  }

  private static DeliveryHandler recordingInto(List<Delivery> handled) {
    return DeliveryHandler.of(handled::add);
  }

  @Test
  void submitCompletesAcceptedWithTheBrokersSequence() throws Exception {
    broker.onSubmit = submit -> ScriptedBroker.accepted(submit, 12);
    try (PeyvandClient client = connected(client(delivery -> null))) {
      SubmitOutcome outcome = await(client.submit(envelope("m-1")));
      assertEquals(new Accepted("m-1", 12, 1, false), outcome);
      assertEquals("bale", broker.hellos.get(0).getPlatformId());
      assertEquals(1, broker.hellos.get(0).getProtocolVersion());
    }
  }

  @Test
  void sessionDroppedMidSubmitReconnectsAndResubmitsTheSameMessageId() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    broker.onSubmit =
        submit -> calls.incrementAndGet() == 1 ? null : ScriptedBroker.accepted(submit, 7);
    try (PeyvandClient client = connected(client(delivery -> null))) {
      SubmitOutcome outcome = await(client.submit(envelope("m-dropped")));
      assertEquals(new Accepted("m-dropped", 7, 1, false), outcome);
      assertEquals(2, broker.hellos.size(), "a second Hello after the drop");
      assertEquals(
          List.of("m-dropped", "m-dropped"),
          broker.submits.stream().map(s -> s.getEnvelope().getMessageId()).toList());
    }
  }

  @Test
  void submitMadeBeforeTheSessionOpensIsSentOnceItIs() throws Exception {
    try (PeyvandClient client = client(delivery -> null).build()) {
      CompletionStage<SubmitOutcome> outcome = client.submit(envelope("m-early"));
      client.connect();
      assertInstanceOf(Accepted.class, await(outcome));
      assertEquals(1, broker.submits.size());
    }
  }

  @Test
  void retryableRefusalIsRetriedWithTheSameMessageId() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    broker.onSubmit =
        submit ->
            calls.incrementAndGet() == 1
                ? ScriptedBroker.refused(submit, ErrorCode.UNAVAILABLE, 30)
                : ScriptedBroker.accepted(submit, 3);
    try (PeyvandClient client = connected(client(delivery -> null))) {
      assertEquals(new Accepted("m-retry", 3, 1, false), await(client.submit(envelope("m-retry"))));
      assertEquals(2, broker.submits.size());
      assertEquals(broker.submits.get(0).getEnvelope(), broker.submits.get(1).getEnvelope());
    }
  }

  @Test
  void finalRefusalIsNotRetried() throws Exception {
    broker.onSubmit =
        submit -> ScriptedBroker.refused(submit, ErrorCode.RECIPIENT_NOT_ACCEPTING, 0);
    try (PeyvandClient client = connected(client(delivery -> null))) {
      Refused refused = (Refused) await(client.submit(envelope("m-final")));
      assertEquals(ErrorCode.RECIPIENT_NOT_ACCEPTING, refused.error().getCode());
      Thread.sleep(100);
      assertEquals(1, broker.submits.size());
    }
  }

  @Test
  void exhaustedRetriesCompleteWithTheLastRefusal() throws Exception {
    broker.onSubmit = submit -> ScriptedBroker.refused(submit, ErrorCode.RATE_LIMITED, 0);
    try (PeyvandClient client =
        connected(
            client(delivery -> null)
                .submitRetry(
                    new RetryPolicy(
                        3, new Backoff(Duration.ofMillis(5), Duration.ofMillis(5), 0))))) {
      Refused refused = (Refused) await(client.submit(envelope("m-limited")));
      assertEquals(ErrorCode.RATE_LIMITED, refused.error().getCode());
      assertEquals(3, broker.submits.size());
    }
  }

  @Test
  void closingFailsAnUnansweredSubmitWithNotAnswered() throws Exception {
    broker.onSubmit = submit -> ScriptedBroker.NO_ANSWER;
    PeyvandClient client = connected(client(delivery -> null));
    CompletionStage<SubmitOutcome> outcome = client.submit(envelope("m-unanswered"));
    eventually("the submit reached the broker", () -> broker.submits.size() == 1);
    client.close();
    ExecutionException failure = assertThrows(ExecutionException.class, () -> await(outcome));
    assertInstanceOf(NotAnsweredException.class, failure.getCause());
  }

  @Test
  void deliveriesAreHandledOnceAndAcknowledgedCumulatively() throws Exception {
    List<Delivery> handled = new CopyOnWriteArrayList<>();
    try (PeyvandClient client = connected(client(recordingInto(handled)))) {
      broker.push(ScriptedBroker.message(BOB, 1, false, "one"));
      broker.push(ScriptedBroker.message(BOB, 2, false, "two"));
      broker.push(ScriptedBroker.message(CAROL, 1, false, "hi carol"));
      broker.push(ScriptedBroker.message(BOB, 3, false, "three"));
      eventually("bob acknowledged up to 3", () -> broker.acksOf(BOB).contains(3L));
      eventually("carol acknowledged up to 1", () -> broker.acksOf(CAROL).contains(1L));
      assertEquals(4, handled.size());
      List<Long> bobAcks = broker.acksOf(BOB);
      assertEquals(
          bobAcks.stream().sorted().distinct().toList(),
          bobAcks,
          "cumulative: each acknowledgement higher than the last");
    }
  }

  @Test
  void outOfOrderCompletionIsAcknowledgedOnlyWhenContiguous() throws Exception {
    Map<Long, CompletableFuture<Void>> inHand = new ConcurrentHashMap<>();
    DeliveryHandler handler =
        delivery -> inHand.computeIfAbsent(delivery.getSequence(), s -> new CompletableFuture<>());
    try (PeyvandClient client = connected(client(handler))) {
      for (long s = 1; s <= 3; s++) {
        broker.push(ScriptedBroker.message(BOB, s, false, "m" + s));
      }
      eventually("three in hand", () -> inHand.size() == 3);
      inHand.get(3L).complete(null);
      inHand.get(2L).complete(null);
      Thread.sleep(150);
      assertEquals(List.of(), broker.acksOf(BOB), "1 is not handled: nothing to acknowledge");
      inHand.get(1L).complete(null);
      eventually("acknowledged up to 3", () -> broker.acksOf(BOB).equals(List.of(3L)));
    }
  }

  @Test
  void redeliveredHandledDeliveryIsAcknowledgedAgainButNotHandledAgain() throws Exception {
    List<Delivery> handled = new CopyOnWriteArrayList<>();
    try (PeyvandClient client = connected(client(recordingInto(handled)))) {
      broker.push(ScriptedBroker.message(BOB, 1, false, "once"));
      eventually("acknowledged", () -> broker.acksOf(BOB).equals(List.of(1L)));
      broker.push(ScriptedBroker.message(BOB, 1, true, "once"));
      eventually("acknowledged again", () -> broker.acksOf(BOB).equals(List.of(1L, 1L)));
      assertEquals(1, handled.size());
    }
  }

  @Test
  void failingHandlerLeavesTheDeliveryUnacknowledgedUntilRedeliveredAndHandled() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    DeliveryHandler handler =
        delivery ->
            calls.incrementAndGet() == 1
                ? CompletableFuture.failedFuture(new IllegalStateException("storage down"))
                : CompletableFuture.completedFuture(null);
    try (PeyvandClient client = connected(client(handler))) {
      broker.push(ScriptedBroker.message(BOB, 1, false, "fails first"));
      eventually("handled once", () -> calls.get() == 1);
      Thread.sleep(150);
      assertEquals(List.of(), broker.acksOf(BOB));
      broker.push(ScriptedBroker.message(BOB, 1, true, "fails first"));
      eventually("acknowledged after the redelivery", () -> broker.acksOf(BOB).equals(List.of(1L)));
      assertEquals(2, calls.get());
    }
  }

  @Test
  void withoutAutomaticAcknowledgementTheAdapterAcknowledgesAndSendsReceipts() throws Exception {
    List<Delivery> handled = new CopyOnWriteArrayList<>();
    try (PeyvandClient client = connected(client(recordingInto(handled)).autoAcknowledge(false))) {
      broker.push(ScriptedBroker.message(BOB, 5, false, "ack me yourself"));
      eventually("handled", () -> handled.size() == 1);
      Thread.sleep(100);
      assertEquals(List.of(), broker.acksOf(BOB));
      client.acknowledge(BOB, 5);
      client.readReceipt(BOB, 5);
      eventually("acknowledged", () -> broker.acksOf(BOB).equals(List.of(5L)));
      eventually("read receipt", () -> broker.receipts.size() == 1);
      assertEquals(5, broker.receipts.get(0).getUpToSequence());
    }
  }

  @Test
  void acknowledgingByHandIsRefusedWithAutomaticAcknowledgement() {
    try (PeyvandClient client = client(delivery -> null).build()) {
      assertThrows(IllegalStateException.class, () -> client.acknowledge(BOB, 1));
    }
  }

  @Test
  void aRefusedSessionStopsTheClientAndFailsItsSubmits() throws Exception {
    broker.refuseHello =
        Error.newBuilder()
            .setCode(ErrorCode.UNKNOWN_PLATFORM)
            .setMessage("bale is not registered")
            .build();
    try (PeyvandClient client = client(delivery -> null).build()) {
      CompletionStage<SubmitOutcome> outcome = client.submit(envelope("m-never"));
      ExecutionException failure =
          assertThrows(ExecutionException.class, () -> await(client.connect()));
      SessionRefusedException refused =
          assertInstanceOf(SessionRefusedException.class, failure.getCause());
      assertEquals(ErrorCode.UNKNOWN_PLATFORM, refused.error().getCode());
      assertTrue(
          assertThrows(ExecutionException.class, () -> await(outcome)).getCause()
              instanceof SessionRefusedException);
      Thread.sleep(200);
      assertEquals(1, broker.hellos.size(), "no reconnection after a final refusal");
    }
  }
}
