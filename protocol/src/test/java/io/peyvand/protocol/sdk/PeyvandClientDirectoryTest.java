package io.peyvand.protocol.sdk;

import static io.peyvand.protocol.sdk.Waits.assertRefusedBeforeSending;
import static io.peyvand.protocol.sdk.Waits.await;
import static io.peyvand.protocol.sdk.Waits.refusalOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.LookupRequest;
import io.peyvand.protocol.v1.LookupResult;
import io.peyvand.protocol.v1.PublishResult;
import io.peyvand.protocol.v1.UserAddress;
import io.peyvand.protocol.v1.WithdrawRequest;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.grpc.GrpcServiceException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The client's directory calls against a real pekko-grpc server on loopback with scripted broker
 * behaviour: sent as their requests and answered, checked before sending, refusals mapped back to
 * error codes with the broker's retry hint, UNAVAILABLE retried on the next node.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PeyvandClientDirectoryTest {
  private static final UserAddress ALI = UserAddresses.parse("bale:ali");
  private static final UserAddress SARA = UserAddresses.parse("eitaa:sara");

  @RegisterExtension final ScriptedBroker broker = ScriptedBroker.perClass("client-directory-test");

  private PeyvandClient client() {
    return broker.client("client-directory-test", delivery -> null).build();
  }

  @Test
  void aLookupIsSentAsItsRequestAndAnsweredWithoutASession() throws Exception {
    broker.onDirectoryCall =
        request -> CompletableFuture.completedFuture(ScriptedBroker.SAMPLE_MATCHES);
    try (PeyvandClient client = client()) {
      assertEquals(
          ScriptedBroker.SAMPLE_MATCHES, await(client.lookup(ALI, ScriptedBroker.SAMPLE_NUMBERS)));
      assertEquals(
          List.of(
              LookupRequest.newBuilder()
                  .setAsker(ALI)
                  .addAllPhoneNumbers(ScriptedBroker.SAMPLE_NUMBERS)
                  .build()),
          broker.directoryCalls);
      assertEquals(0, broker.hellos.size(), "a unary call needs no session");
    }
  }

  @Test
  void publishAndWithdrawReachTheBrokerAsTheirRequests() throws Exception {
    try (PeyvandClient client = client()) {
      PublishResult published = await(client.publish(ALI, "0912 345 6789", true));
      assertEquals(ALI, published.getUser());
      assertEquals(1, await(client.withdraw(ALI, "09123456789")).getWithdrawn());
      await(client.withdrawAll(ALI));
      assertEquals(
          List.of(
              ScriptedBroker.SAMPLE_PUBLISH,
              WithdrawRequest.newBuilder().setUser(ALI).setPhoneNumber("09123456789").build(),
              WithdrawRequest.newBuilder().setUser(ALI).build()),
          broker.directoryCalls);
    }
  }

  @Test
  void aRefusalCarriesItsCodeAndTheRetryHintOfTheTrailerIfAny() throws Exception {
    try (PeyvandClient client = client()) {
      broker.onDirectoryCall =
          ScriptedBroker.refusing(
              ErrorCode.RATE_LIMITED, "the asker has looked up as many new numbers", 1500);
      CallRefusedException limited = refusalOf(client.lookup(ALI, List.of("09123456789")));
      assertFalse(limited.local());
      assertEquals(ErrorCode.RATE_LIMITED, limited.code());
      assertEquals("the asker has looked up as many new numbers", limited.error().getMessage());
      assertEquals(1500, limited.retryAfterMs());
      assertEquals(1500, limited.error().getRetryAfterMs());
      assertTrue(limited.retryable());
      assertEquals(
          Status.Code.RESOURCE_EXHAUSTED,
          ((StatusRuntimeException) limited.getCause()).getStatus().getCode());
      assertEquals(1, broker.directoryCalls.size(), "a refusal is an answer: not sent again");

      broker.onDirectoryCall =
          ScriptedBroker.refusing(ErrorCode.NOT_PERMITTED, "SetConsent first", 0);
      CallRefusedException noConsent = refusalOf(client.publish(ALI, "09123456789", false));
      assertEquals(ErrorCode.NOT_PERMITTED, noConsent.code());
      assertEquals(0, noConsent.retryAfterMs(), "no trailer, no hint");
      assertFalse(noConsent.retryable());
    }
  }

  @Test
  void actingForAUserOfAnotherPlatformIsRefusedBeforeSending() throws Exception {
    try (PeyvandClient client = client()) {
      assertRefusedBeforeSending(
          client.lookup(SARA, List.of("09123456789")),
          ErrorCode.NOT_PERMITTED,
          "asker.platform_id is \"eitaa\"");
      assertEquals(ErrorCode.NOT_PERMITTED, refusalOf(client.withdrawAll(SARA)).code());
      assertEquals(ErrorCode.NOT_PERMITTED, refusalOf(client.publish(SARA, "0912", false)).code());
      assertEquals(List.of(), broker.directoryCalls, "nothing was sent");
    }
  }

  @Test
  void aMalformedUserTooManyNumbersOrNoNumberToPublishAreRefusedBeforeSending() throws Exception {
    try (PeyvandClient client = client()) {
      CallRefusedException tooMany =
          refusalOf(
              client.lookup(
                  ALI, Collections.nCopies(PeyvandClient.MAX_LOOKUP_NUMBERS + 1, "09123456789")));
      assertTrue(tooMany.local());
      assertEquals(ErrorCode.INVALID_ARGUMENT, tooMany.code());
      assertTrue(
          tooMany.error().getMessage().startsWith("phone_numbers has 1001 numbers"),
          tooMany.error().getMessage());

      UserAddress malformed = UserAddress.newBuilder().setPlatformId("bale").build();
      CallRefusedException noUser = refusalOf(client.publish(malformed, "09123456789", false));
      assertEquals(ErrorCode.INVALID_ADDRESS, noUser.code());
      assertTrue(noUser.error().getMessage().startsWith("user.user_id"), noUser.getMessage());

      CallRefusedException noNumber = refusalOf(client.publish(ALI, " ", false));
      assertEquals(ErrorCode.INVALID_ARGUMENT, noNumber.code());
      assertEquals(List.of(), broker.directoryCalls, "nothing was sent");

      // Exactly the most is sent.
      await(
          client.lookup(ALI, Collections.nCopies(PeyvandClient.MAX_LOOKUP_NUMBERS, "09123456789")));
      assertEquals(1, broker.directoryCalls.size());
    }
  }

  @Test
  void anUnavailableCallIsSentAgainToTheNextNode() throws Exception {
    broker.onDirectoryCall =
        request ->
            CompletableFuture.failedFuture(
                new GrpcServiceException(Status.UNAVAILABLE.withDescription("draining")));
    try (ScriptedBroker next = ScriptedBroker.start(broker.system());
        PeyvandClient client =
            broker
                .client("client-directory-test", delivery -> null)
                .brokers(
                    List.of(
                        new BrokerEndpoint("127.0.0.1", broker.port()),
                        new BrokerEndpoint("127.0.0.1", next.port())))
                .submitRetry(
                    new RetryPolicy(
                        3, new Backoff(Duration.ofMillis(10), Duration.ofMillis(50), 0)))
                .build()) {
      LookupResult found = await(client.lookup(ALI, List.of("09123456789")));
      assertEquals("09123456789", found.getMatches(0).getPhoneNumber());
      assertEquals(1, broker.directoryCalls.size(), "first to the first node");
      assertEquals(1, next.directoryCalls.size(), "then to the next");
      assertEquals(broker.directoryCalls, next.directoryCalls, "the same request");
    }
  }
}
