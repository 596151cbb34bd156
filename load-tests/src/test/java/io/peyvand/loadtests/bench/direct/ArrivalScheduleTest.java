package io.peyvand.loadtests.bench.direct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ArrivalScheduleTest {
  private final ArrivalSchedule schedule = new ArrivalSchedule(1, 100, 20, 60);

  @Test
  void theRateRampsThenPlateausThenStops() {
    assertEquals(1, schedule.rate(0), 1e-9);
    assertEquals(50.5, schedule.rate(10), 1e-9);
    assertEquals(100, schedule.rate(20), 1e-9);
    assertEquals(100, schedule.rate(79), 1e-9);
    assertEquals(0, schedule.rate(81), 1e-9);
    // (1 + 100) / 2 * 20 during the ramp, 100 * 60 at the plateau.
    assertEquals(1010 + 6000, schedule.expected(1000), 1e-6);
  }

  @Test
  void theInverseUndoesTheCumulativeRate() {
    for (double t = 0; t <= 80; t += 0.7) {
      assertEquals(t, schedule.inverse(schedule.expected(t)), 1e-6, "at " + t);
    }
    assertEquals(Double.POSITIVE_INFINITY, schedule.inverse(schedule.expected(80) + 1));
    ArrivalSchedule flat = new ArrivalSchedule(10, 10, 5, 5);
    assertEquals(2.5, flat.inverse(25), 1e-9);
  }

  @Test
  void streamsOfFractionsAddUpToTheScheduleInEachPhase() {
    SplittableRandom random = new SplittableRandom(5);
    double[] fractions = {0.45, 0.25, 0.2, 0.1};
    int inRamp = 0;
    int atPlateau = 0;
    for (int run = 0; run < 20; run++) {
      for (double f : fractions) {
        double t = 0;
        while ((t = schedule.next(t, f, random)) != Double.POSITIVE_INFINITY) {
          assertTrue(t >= 0 && t <= 80, "within the schedule: " + t);
          if (t < 20) {
            inRamp++;
          } else {
            atPlateau++;
          }
        }
      }
    }
    assertEquals(1010, inRamp / 20.0, 1010 * 0.03);
    assertEquals(6000, atPlateau / 20.0, 6000 * 0.02);
  }

  @Test
  void refusesNonsense() {
    assertThrows(IllegalArgumentException.class, () -> new ArrivalSchedule(1, 0, 10, 10));
    assertThrows(IllegalArgumentException.class, () -> new ArrivalSchedule(1, 10, -1, 10));
  }
}
