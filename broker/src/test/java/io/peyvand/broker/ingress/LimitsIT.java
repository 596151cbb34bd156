package io.peyvand.broker.ingress;

import static io.peyvand.broker.ingress.RawSession.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.broker.TestBroker;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.ServerFrame;
import io.peyvand.protocol.v1.SubmitResult;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A flood over the rate limit is refused RATE_LIMITED with when to retry, only for the flooding
 * sender; other users and other platforms go on; sessions per platform are capped; and every
 * refusal is counted in /metrics.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LimitsIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();

  private TestBroker node;

  @BeforeAll
  void start() throws Exception {
    node =
        TestBroker.start(
            "LimitsIT",
            cassandra,
            TestBroker.BALE_AND_EITAA
                + """
        peyvand.limits.submit-per-user { rate = 1, burst = 3 }
        peyvand.limits.sessions-per-platform = 2
        """);
  }

  @AfterAll
  void stop() {
    node.close();
  }

  private SubmitResult submit(String platform, String id, String from, String to) throws Exception {
    return node.submit(platform, text(id, from, to, "x"));
  }

  @Test
  void aFloodingSenderIsRateLimitedAndNobodyElseIs() throws Exception {
    int accepted = 0;
    SubmitResult limited = null;
    for (int i = 0; i < 10; i++) {
      SubmitResult r = submit("eitaa", "flood-" + i, "eitaa:flooder", "bale:bob");
      if (r.hasAccepted()) {
        accepted++;
      } else {
        limited = r;
      }
    }
    assertTrue(accepted >= 3 && accepted < 10, "accepted " + accepted);
    assertEquals(ErrorCode.RATE_LIMITED, limited.getRefused().getCode(), limited.toString());
    assertTrue(limited.getRefused().getRetryAfterMs() > 0, limited.toString());
    assertTrue(limited.getRefused().getMessage().contains("flooder"), limited.toString());

    assertTrue(submit("eitaa", "calm-1", "eitaa:calm", "bale:bob").hasAccepted());
    assertTrue(submit("bale", "other-1", "bale:bob", "eitaa:alice").hasAccepted());

    String metrics = node.metrics();
    assertTrue(
        metrics.contains("peyvand_refusals_total{code=\"RATE_LIMITED\",platform=\"eitaa\"}"),
        metrics);
  }

  @Test
  void sessionsPerPlatformAreCapped() {
    try (RawSession one = RawSession.hello(node, "bale");
        RawSession two = RawSession.hello(node, "bale");
        RawSession three = RawSession.open(node, "bale")) {
      three.send(
          io.peyvand.protocol.v1.ClientFrame.newBuilder()
              .setHello(
                  io.peyvand.protocol.v1.Hello.newBuilder()
                      .setProtocolVersion(1)
                      .setPlatformId("bale"))
              .build());
      ServerFrame refused = three.expect(ServerFrame::hasError, Duration.ofSeconds(20));
      assertEquals(ErrorCode.RATE_LIMITED, refused.getError().getError().getCode());
      assertTrue(refused.getError().getClosing());
      try (RawSession eitaa = RawSession.hello(node, "eitaa")) {
        assertTrue(eitaa.ended() == null, "another platform still connects");
      }
    }
    // Closed sessions no longer count: two new ones are welcomed (hello waits for Welcome).
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      try (RawSession again = RawSession.hello(node, "bale");
          RawSession andAgain = RawSession.hello(node, "bale")) {
        break;
      } catch (AssertionError stillCounted) {
        if (System.nanoTime() > deadline) {
          throw stillCounted;
        }
      }
    }
  }
}
