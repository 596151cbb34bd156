package io.peyvand.broker.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Asks are counted, and what follows a reply runs on the actor system's dispatcher: never on a
 * thread started for it (docs/DELIVERY-PATH.md, step 1). With Pekko's ask alone, on a machine of
 * fewer than three cores, each continuation ran on a new thread.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AsksTest {
  private final ActorTestKit testKit = ActorTestKit.create("AsksTest");

  private record Echo(String text, ActorRef<String> replyTo) {}

  @AfterAll
  void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void repliesContinueOnTheDispatcherAndStartNoThread() throws Exception {
    ActorRef<Echo> echo =
        testKit.spawn(
            Behaviors.receiveMessage(
                m -> {
                  m.replyTo().tell(m.text());
                  return Behaviors.same();
                }));
    Asks asks = Asks.get(testKit.system());
    // Warm up: the dispatcher's threads exist once it has run something.
    asks.<Echo, String>ask(echo, r -> new Echo("warm", r), Duration.ofSeconds(5))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    long asked = asks.count();
    long threads = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount();
    for (int i = 0; i < 200; i++) {
      String thread =
          asks.<Echo, String>ask(echo, r -> new Echo("salam", r), Duration.ofSeconds(5))
              .thenApply(reply -> Thread.currentThread().getName())
              .toCompletableFuture()
              .get(5, TimeUnit.SECONDS);
      // On the dispatcher, or on this thread when the reply was there before the continuation:
      // never on a thread of the common pool or one started for it.
      assertTrue(
          thread.contains("dispatcher") || thread.equals(Thread.currentThread().getName()),
          "continued on " + thread);
    }
    assertEquals(asked + 200, asks.count());
    long started = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount() - threads;
    assertTrue(started < 20, started + " threads started for 200 asks");
  }

  @Test
  void anUnansweredAskFailsWithATimeout() {
    ActorRef<Echo> silent = testKit.spawn(Behaviors.receiveMessage(m -> Behaviors.same()));
    CompletionException failed =
        org.junit.jupiter.api.Assertions.assertThrows(
            CompletionException.class,
            () ->
                Asks.get(testKit.system())
                    .<Echo, String>ask(silent, r -> new Echo("?", r), Duration.ofMillis(100))
                    .toCompletableFuture()
                    .join());
    assertInstanceOf(TimeoutException.class, failed.getCause());
  }
}
