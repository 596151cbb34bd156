package io.peyvand.broker.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.broker.TestBroker;
import io.peyvand.broker.ingress.ws.RawWebSocket;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import io.peyvand.protocol.v1.ClientFrame;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.Hello;
import io.peyvand.protocol.v1.ServerFrame;
import io.peyvand.protocol.v1.SessionError;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sessions per client address over real sockets: the broker learns the address of gRPC and
 * WebSocket connections alike and counts their sessions together; the one over the limit is refused
 * before its Hello is read, and a session closed gives its place back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AddressLimitsIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();
  private static final Duration WAIT = Duration.ofSeconds(20);

  @RegisterExtension
  final TestBroker node =
      TestBroker.perClass(
          cassandra,
          TestBroker.BALE_AND_EITAA
              + """
        peyvand.limits.sessions-per-address { open-rate = 1000, open-burst = 1000, concurrent = 2 }
        """);

  @Test
  void oneAddressHoldsAtMostItsSessionsOverGrpcAndWebSocketTogether() throws Exception {
    try (RawSession grpc = RawSession.hello(node, "bale");
        RawWebSocket web = RawWebSocket.open(node, "eitaa")) {
      web.send(hello("eitaa"));
      web.expect(ServerFrame::hasWelcome, WAIT);
      try (RawSession third = RawSession.open(node, "bale")) {
        third.send(hello("bale"));
        SessionError error = third.expect(ServerFrame::hasError, WAIT).getError();
        assertEquals(ErrorCode.RATE_LIMITED, error.getError().getCode());
        assertTrue(
            error.getError().getMessage().contains("127.0.0.1"), error.getError().getMessage());
        assertTrue(error.getClosing());
      }
      try (RawWebSocket fourth = RawWebSocket.open(node, "eitaa")) {
        // Refused before its Hello is read: the broker may have closed before it is sent.
        assertEquals(
            ErrorCode.RATE_LIMITED,
            fourth.expect(ServerFrame::hasError, WAIT).getError().getError().getCode());
      }
    }
    // Both closed: the address has its places back (the broker sees the ends shortly after).
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      try (RawSession again = RawSession.open(node, "bale")) {
        again.send(hello("bale"));
        ServerFrame first = again.expect(f -> f.hasWelcome() || f.hasError(), WAIT);
        if (first.hasWelcome()) {
          break;
        }
        assertTrue(System.nanoTime() < deadline, "the places never came back: " + first);
      }
      Thread.sleep(200);
    }
  }

  private static ClientFrame hello(String platform) {
    return ClientFrame.newBuilder()
        .setHello(Hello.newBuilder().setProtocolVersion(1).setPlatformId(platform))
        .build();
  }
}
