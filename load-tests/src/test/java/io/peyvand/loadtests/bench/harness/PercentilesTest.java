package io.peyvand.loadtests.bench.harness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class PercentilesTest {

  @Test
  void nearestRankOfOneToHundredIsTheRankItself() {
    long[] shuffled = LongStream.rangeClosed(1, 100).map(i -> (i * 37) % 100 + 1).toArray();
    Percentiles p = Percentiles.of(shuffled);
    assertEquals(50, p.value(0.5));
    assertEquals(99, p.value(0.99));
    assertEquals(7, p.value(0.07), "0.07 * 100 is 7.000000000000001 in doubles: still rank 7");
    assertEquals(100, p.value(1.0));
    assertEquals(100, p.max());
    assertEquals(100, p.count());
  }

  @Test
  void aPercentileIsAlwaysOneOfTheSamplesRoundedUpInRank() {
    Percentiles p = Percentiles.of(new long[] {30, 10, 20});
    assertEquals(20, p.value(0.5), "rank ceil(1.5) = 2");
    assertEquals(30, p.value(0.99), "rank ceil(2.97) = 3");
    assertEquals(10, p.value(0.01), "rank ceil(0.03) = 1");
  }

  @Test
  void oneSlowSampleInAHundredIsTheMaxButNotTheP99() {
    long[] samples = new long[100];
    java.util.Arrays.fill(samples, 5);
    samples[42] = 5000;
    Percentiles p = Percentiles.of(samples);
    assertEquals(5, p.value(0.99));
    assertEquals(5000, p.max());
  }

  @Test
  void noSamplesGiveZeroes() {
    Percentiles p = Percentiles.of(new long[0]);
    assertEquals(0, p.value(0.5));
    assertEquals(0, p.max());
    assertEquals(0, p.count());
  }

  @Test
  void theSamplesGivenAreLeftUnsorted() {
    long[] samples = {3, 1, 2};
    Percentiles.of(samples);
    assertArrayEquals(new long[] {3, 1, 2}, samples);
  }

  @Test
  void aQuantileOutsideZeroToOneIsRefused() {
    Percentiles p = Percentiles.of(new long[] {1});
    assertThrows(IllegalArgumentException.class, () -> p.value(0));
    assertThrows(IllegalArgumentException.class, () -> p.value(1.5));
  }
}
