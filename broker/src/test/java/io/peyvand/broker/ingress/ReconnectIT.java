package io.peyvand.broker.ingress;

import static io.peyvand.broker.ingress.RawSession.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.broker.TestBroker;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import io.peyvand.protocol.v1.Delivery;
import io.peyvand.protocol.v1.InterconnectClient;
import io.peyvand.protocol.v1.ServerFrame;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The recipient's platform disconnects halfway, with deliveries unacknowledged, while messages keep
 * coming; when it reconnects, everything pending arrives, in order per mailbox, and anything seen
 * twice is flagged as a redelivery.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReconnectIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();
  private static final int USERS = 3;

  @RegisterExtension
  final TestBroker node = TestBroker.perClass(cassandra, TestBroker.BALE_AND_EITAA);

  private void submit(InterconnectClient eitaa, String batch, int count, Set<String> ids)
      throws Exception {
    for (int i = 0; i < count; i++) {
      String id = batch + "-" + i;
      assertTrue(
          TestBroker.submit(
                  eitaa, "eitaa", text(id, "eitaa:alice", "bale:user" + (i % USERS), batch + i))
              .hasAccepted());
      ids.add(id);
    }
  }

  @Test
  void pendingMessagesArriveAfterTheRecipientsPlatformReconnects() throws Exception {
    InterconnectClient eitaa = node.interconnect("eitaa");
    Set<String> sent = new HashSet<>();
    Set<String> received = new HashSet<>();
    Map<String, Long> highest = new HashMap<>();

    try (RawSession first = RawSession.hello(node, "bale")) {
      submit(eitaa, "before", 60, sent);
      for (int i = 0; i < 20; i++) { // take some, acknowledge some, then vanish
        Delivery d = first.expect(ServerFrame::hasDelivery, Duration.ofSeconds(20)).getDelivery();
        check(d, highest);
        received.add(d.getMessage().getMessageId());
        if (i < 10) {
          first.ack(d.getMailbox(), d.getSequence());
        }
      }
    }
    submit(eitaa, "while-away", 60, sent);

    try (RawSession second = RawSession.hello(node, "bale")) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!received.containsAll(sent) && System.nanoTime() < deadline) {
        ServerFrame frame = second.poll(Duration.ofSeconds(1));
        if (frame != null && frame.hasDelivery()) {
          Delivery d = frame.getDelivery();
          check(d, highest);
          received.add(d.getMessage().getMessageId());
          second.ack(d.getMailbox(), d.getSequence());
        }
      }
    }
    eitaa.close();
    Set<String> missing = new HashSet<>(sent);
    missing.removeAll(received);
    assertEquals(Set.of(), missing);
  }

  /** In order per mailbox; anything at or below what was seen must be flagged. */
  private static void check(Delivery d, Map<String, Long> highest) {
    String mailbox = d.getMailbox().getUserId();
    long seen = highest.getOrDefault(mailbox, 0L);
    if (d.getSequence() <= seen) {
      assertTrue(d.getRedelivery(), "seen before but not flagged: " + d);
    } else {
      assertEquals(seen + 1, d.getSequence(), "out of order in " + mailbox);
      highest.put(mailbox, d.getSequence());
    }
  }
}
