package io.peyvand.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.broker.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PostRateTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-05T12:00:00Z"));

  @Test
  void theBurstIsTakenAtOnceThenTokensComeBackAtTheRateAndTheWaitIsSaid() {
    PostRate rate = new PostRate(2, 3, clock);
    for (int i = 0; i < 3; i++) {
      assertEquals(0, rate.take(), "post " + i + " of the burst");
    }
    long wait = rate.take();
    assertTrue(
        wait > 0 && wait <= 500, "at 2 per second the next token is at most 500 ms away: " + wait);
    clock.advance(Duration.ofMillis(wait));
    assertEquals(0, rate.take(), "a token after the wait said");
    assertTrue(rate.take() > 0, "and only one");
    clock.advance(Duration.ofSeconds(10));
    for (int i = 0; i < 3; i++) {
      assertEquals(0, rate.take(), "refilled to the burst, never beyond: " + i);
    }
    assertTrue(rate.take() > 0);
  }

  @Test
  void aFractionalRateIsKept() {
    PostRate rate = new PostRate(0.5, 1, clock);
    assertEquals(0, rate.take());
    assertEquals(2000, rate.take(), "one token every two seconds");
  }

  @Test
  void aRateOfZeroTurnsTheLimitOff() {
    PostRate rate = new PostRate(0, 1, clock);
    for (int i = 0; i < 1000; i++) {
      assertEquals(0, rate.take());
    }
  }
}
