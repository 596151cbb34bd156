package io.peyvand.broker.ingress;

import static io.peyvand.broker.ingress.RawSession.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.broker.BrokerProcess;
import io.peyvand.broker.TestBroker;
import io.peyvand.broker.TestConfig;
import io.peyvand.broker.TestPki;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import io.peyvand.persistence.testkit.Ports;
import io.peyvand.protocol.v1.Delivery;
import io.peyvand.protocol.v1.InterconnectClient;
import io.peyvand.protocol.v1.ServerFrame;
import io.peyvand.protocol.v1.SubmitResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The broker process is killed (SIGKILL) after accepting messages and before delivering them; a new
 * broker process on the same Cassandra delivers every one of them once the recipient's platform
 * connects.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrashRecoveryIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();
  private static final int USERS = 10;
  private static final int PER_USER = 5;

  @JUnit5TestKit
  private final ActorTestKit client =
      ActorTestKit.create("CrashRecoveryClient", TestConfig.local());

  @Test
  void everythingAcceptedBeforeAHardStopIsDeliveredAfterARestart() throws Exception {
    String config =
        """
        pekko.persistence.cassandra.journal.keyspace = %1$s
        pekko.persistence.cassandra.snapshot.keyspace = %1$s
        datastax-java-driver.basic.contact-points = ["%2$s"]
        peyvand.platforms.bootstrap = [
          { id = "bale", display-name = "Bale", default-opted-in = true }
          { id = "eitaa", display-name = "Eitaa", default-opted-in = true }
        ]
        """
            .formatted(cassandra.keyspace(), cassandra.node().settings().cqlContactPoint());
    Path dir = Path.of("target", "crash-recovery");
    int grpc = Ports.free();
    int http = Ports.free();

    Set<String> accepted = new HashSet<>();
    try (BrokerProcess first = BrokerProcess.start(dir, "first", config, grpc, http)) {
      InterconnectClient eitaa =
          InterconnectClient.create(
              TestPki.grpc(client.system(), grpc, TestPki.shared().platform("eitaa")),
              client.system());
      for (int u = 0; u < USERS; u++) {
        for (int m = 0; m < PER_USER; m++) {
          String id = "crash-" + u + "-" + m;
          SubmitResult result =
              TestBroker.submit(
                  eitaa,
                  "eitaa",
                  text(id, "eitaa:alice", "bale:user" + u, "before the crash " + m));
          assertTrue(result.hasAccepted(), result.toString());
          accepted.add(id);
        }
      }
      eitaa.close();
      first.kill();
    }

    try (BrokerProcess second = BrokerProcess.start(dir, "second", config, grpc, http);
        RawSession bale =
            RawSession.hello(
                client.system(),
                InterconnectClient.create(
                    TestPki.grpc(
                        client.system(), second.grpcPort, TestPki.shared().platform("bale")),
                    client.system()),
                "bale")) {
      Set<String> received = new HashSet<>();
      Map<String, Long> lastSequence = new HashMap<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!received.containsAll(accepted) && System.nanoTime() < deadline) {
        ServerFrame frame = bale.poll(Duration.ofSeconds(1));
        if (frame == null || !frame.hasDelivery()) {
          continue;
        }
        Delivery d = frame.getDelivery();
        String mailbox = d.getMailbox().getUserId();
        long previous = lastSequence.getOrDefault(mailbox, 0L);
        assertTrue(
            d.getSequence() > previous || d.getRedelivery(),
            "an item seen before must be flagged: " + d);
        lastSequence.put(mailbox, Math.max(previous, d.getSequence()));
        received.add(d.getMessage().getMessageId());
        bale.ack(d.getMailbox(), d.getSequence());
      }
      Set<String> lost = new HashSet<>(accepted);
      lost.removeAll(received);
      assertEquals(Set.of(), lost, "accepted before the crash and never delivered");
    }
  }
}
