package io.peyvand.broker.ingress.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.broker.TestConfig;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A request body whose reader stops is read to its end instead of cancelled, and cancelled only
 * when its client is still sending after the drain time.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DrainingBodyTest {
  @JUnit5TestKit
  private final ActorTestKit testKit = ActorTestKit.create("DrainingBodyTest", TestConfig.local());

  @Test
  void aBodyIsReadToItsEndAfterItsReaderStops() throws Exception {
    AtomicInteger sent = new AtomicInteger();
    CompletableFuture<Done> ended = new CompletableFuture<>();
    Source.range(1, 1000)
        .map(
            i -> {
              sent.incrementAndGet();
              return ByteString.fromString("x");
            })
        .watchTermination((m, done) -> done.whenComplete((d, e) -> ended.complete(Done.done())))
        .via(new DrainingBody(Duration.ofSeconds(30), 1 << 20))
        .take(1)
        .runWith(Sink.ignore(), testKit.system());
    ended.get(5, TimeUnit.SECONDS);
    assertEquals(1000, sent.get(), "every element of the body was read");
  }

  @Test
  void aClientSendingMoreThanTheDrainBytesIsCutOff() throws Exception {
    AtomicInteger sent = new AtomicInteger();
    CompletableFuture<Done> ended = new CompletableFuture<>();
    Source.repeat(ByteString.fromArray(new byte[1000]))
        .map(
            b -> {
              sent.incrementAndGet();
              return b;
            })
        .watchTermination((m, done) -> done.whenComplete((d, e) -> ended.complete(Done.done())))
        .via(new DrainingBody(Duration.ofSeconds(30), 10_000))
        .take(1)
        .runWith(Sink.ignore(), testKit.system());
    ended.get(5, TimeUnit.SECONDS);
    assertTrue(sent.get() >= 11 && sent.get() < 100, "cut off after 10,000 bytes: " + sent);
  }

  @Test
  void aClientStillSendingAfterTheDrainTimeIsCutOff() throws Exception {
    CompletableFuture<Throwable> ended = new CompletableFuture<>();
    long started = System.nanoTime();
    Source.tick(Duration.ZERO, Duration.ofMillis(10), ByteString.fromString("x"))
        .watchTermination((m, done) -> done.whenComplete((d, e) -> ended.complete(e)))
        .via(new DrainingBody(Duration.ofMillis(300), 1 << 20))
        .take(1)
        .runWith(Sink.ignore(), testKit.system());
    assertFalse(ended.isDone());
    ended.get(5, TimeUnit.SECONDS);
    assertTrue(
        System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(300),
        "drained for the drain time before cancelling");
  }
}
