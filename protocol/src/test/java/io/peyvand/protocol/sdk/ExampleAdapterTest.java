package io.peyvand.protocol.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.peyvand.protocol.v1.Delivery;
import io.peyvand.protocol.v1.MessageStatus;
import io.peyvand.protocol.v1.UserAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The example SDK.md quotes does what SDK.md says, against a scripted broker. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExampleAdapterTest {
  private static final UserAddress BOB = UserAddresses.parse("bale:bob");

  private ActorSystem system;
  private ScriptedBroker broker;

  @BeforeAll
  void start() throws Exception {
    system = ActorSystem.create("example-test", ConfigFactory.parseString(
        "pekko.http.server.preview.enable-http2 = on").withFallback(ConfigFactory.load()));
    broker = ScriptedBroker.start(system);
  }

  @AfterAll
  void stop() throws Exception {
    broker.close();
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void sendsStoresDeliveriesAndStatusesAndAcknowledgesThem() throws Exception {
    broker.onSubmit = submit -> ScriptedBroker.accepted(submit, 41);
    try (ExampleAdapter adapter = new ExampleAdapter("127.0.0.1", broker.port())) {
      adapter.start();
      assertEquals(41L, adapter.send("bale-1001", "bob", "eitaa:alice", "salam")
          .toCompletableFuture().get(10, TimeUnit.SECONDS));
      assertEquals("bale-1001", broker.submits.get(0).getEnvelope().getMessageId());

      broker.push(ScriptedBroker.message(BOB, 1, false, "salam bob"));
      broker.push(Delivery.newBuilder().setMailbox(BOB).setSequence(2)
          .setStatus(MessageStatus.newBuilder().setMessageId("bale-1001")
              .setKind(MessageStatus.Kind.DELIVERED)).build());
      adapter.markRead("bob", 1);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!broker.acksOf(BOB).contains(2L) || broker.receipts.isEmpty()) {
        assertTrue(System.nanoTime() < deadline, "acknowledged and receipt sent within 10 s");
        Thread.sleep(10);
      }
      assertEquals(List.of("m-1: salam bob"), adapter.inbox("bob"));
      assertEquals(MessageStatus.Kind.DELIVERED, adapter.status("bale-1001"));
    }
  }
}
