package io.peyvand.broker.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.broker.TestConfig;
import io.peyvand.broker.model.Capabilities;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The catalog's cache when a Platform entity stops answering (its node unreachable): the copy held
 * is served, at once after the first failed read, instead of failing every submission for the ask
 * timeout; a platform never read still fails; a change is seen once the entity answers again. The
 * entity is a stand-in that answers {@code Get} from {@link #registered} while {@link #answering}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlatformCatalogTest {
  private static final Duration TTL = Duration.ofMillis(200);
  private static final Duration ASK = Duration.ofMillis(700);

  private final ActorTestKit testKit =
      ActorTestKit.create(
          "PlatformCatalogTest", TestConfig.inMemory("pekko.actor.provider = cluster"));
  private final AtomicReference<Boolean> answering = new AtomicReference<>(true);
  private final AtomicReference<Platform.Info> registered = new AtomicReference<>();
  private final AtomicInteger reads = new AtomicInteger();

  @BeforeAll
  void start() {
    TestConfig.joinItself(testKit.system());
    ClusterSharding.get(testKit.system())
        .init(
            Entity.of(
                Platform.ENTITY_KEY,
                context ->
                    Behaviors.receive(Platform.Command.class)
                        .onMessage(
                            Platform.Get.class,
                            get -> {
                              reads.incrementAndGet();
                              if (answering.get()) {
                                get.replyTo()
                                    .tell(
                                        new Platform.Lookup(Optional.ofNullable(registered.get())));
                              }
                              return Behaviors.same();
                            })
                        .build()));
  }

  @AfterAll
  void stop() {
    testKit.shutdownTestKit();
  }

  private static Platform.Info info(String displayName) {
    return new Platform.Info(
        "bale", displayName, Instant.parse("2026-12-04T10:00:00Z"), Capabilities.ALL, true);
  }

  private static Optional<Platform.Info> await(PlatformCatalog catalog, String platform)
      throws Exception {
    return catalog.get(platform).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void theCopyHeldIsServedWhileTheEntityDoesNotAnswer() throws Exception {
    PlatformCatalog catalog = new PlatformCatalog(testKit.system(), TTL, ASK);
    registered.set(info("Bale"));
    answering.set(true);
    assertEquals(Optional.of(info("Bale")), await(catalog, "bale"));

    answering.set(false);
    Thread.sleep(TTL.toMillis() + 50);
    // The first read after the copy expired waits for the ask timeout, then serves the copy.
    assertEquals(Optional.of(info("Bale")), await(catalog, "bale"));
    // Later lookups are served at once, while one read at a time goes on in the background.
    long begun = System.nanoTime();
    for (int i = 0; i < 50; i++) {
      assertEquals(Optional.of(info("Bale")), await(catalog, "bale"));
    }
    long tookMs = (System.nanoTime() - begun) / 1_000_000;
    assertTrue(tookMs < ASK.toMillis(), "50 lookups took " + tookMs + " ms: not one ask timeout");
    int readsBefore = reads.get();
    Thread.sleep(ASK.toMillis() + 300);
    await(catalog, "bale");
    assertTrue(reads.get() - readsBefore <= 3, "reads coalesce: " + (reads.get() - readsBefore));

    // The entity answers again, with a change: it is seen.
    registered.set(info("Bale Messenger"));
    answering.set(true);
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    Optional<Platform.Info> seen = await(catalog, "bale");
    while (!seen.equals(Optional.of(info("Bale Messenger"))) && System.nanoTime() < deadline) {
      Thread.sleep(50);
      seen = await(catalog, "bale");
    }
    assertEquals(Optional.of(info("Bale Messenger")), seen);
  }

  @Test
  void aPlatformNeverReadFailsWhileTheEntityDoesNotAnswer() {
    PlatformCatalog catalog = new PlatformCatalog(testKit.system(), TTL, ASK);
    answering.set(false);
    try {
      ExecutionException failed =
          assertThrows(ExecutionException.class, () -> await(catalog, "bale"));
      assertTrue(
          failed.getCause() instanceof java.util.concurrent.TimeoutException,
          failed.getCause().toString());
    } finally {
      answering.set(true);
    }
  }
}
