package io.peyvand.protocol.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2);

  @Test
  void doublesFromInitialUpToMax() {
    assertEquals(Duration.ofMillis(200), backoff.delay(1, 0.5));
    assertEquals(Duration.ofMillis(400), backoff.delay(2, 0.5));
    assertEquals(Duration.ofMillis(6400), backoff.delay(6, 0.5));
    assertEquals(Duration.ofSeconds(10), backoff.delay(7, 0.5));
    assertEquals(Duration.ofSeconds(10), backoff.delay(1000, 0.5));
  }

  @Test
  void jitterSpreadsEachWaitByTheFraction() {
    assertEquals(Duration.ofMillis(160), backoff.delay(1, 0));
    assertEquals(Duration.ofMillis(240), backoff.delay(1, 1));
  }

  @Test
  void refusesNonsense() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), 1.5));
  }
}
