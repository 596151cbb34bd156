package io.peyvand.broker.ingress;

import io.peyvand.broker.TestBroker;
import io.peyvand.broker.ingress.Conversations.Seen;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import io.peyvand.protocol.sdk.PeyvandClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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

  @RegisterExtension
  final TestBroker node = TestBroker.perClass(cassandra, TestBroker.BALE_AND_EITAA);

  private PeyvandClient adapter(String platform, Seen seen) throws Exception {
    return Conversations.connected(node.sdk(platform), platform + "-test", seen.handler);
  }

  @Test
  void aThousandMessagesEachWayArriveOnceInOrderWithStatuses() throws Exception {
    Seen atBale = new Seen();
    Seen atEitaa = new Seen();
    try (PeyvandClient bale = adapter("bale", atBale);
        PeyvandClient eitaa = adapter("eitaa", atEitaa)) {
      AtomicInteger accepted = new AtomicInteger();
      List<CompletableFuture<Void>> sending =
          Conversations.bothWays(eitaa, bale, CONVERSATIONS, PER_CONVERSATION, accepted);
      CompletableFuture.allOf(sending.toArray(CompletableFuture[]::new)).get(180, TimeUnit.SECONDS);

      int expected = CONVERSATIONS * PER_CONVERSATION;
      Conversations.awaitComplete(atBale, atEitaa, expected, Duration.ofSeconds(120));
      Conversations.check(atBale, "e2b", expected, "TwoPlatformsIT");
      Conversations.check(atEitaa, "b2e", expected, "TwoPlatformsIT");
    }
  }
}
