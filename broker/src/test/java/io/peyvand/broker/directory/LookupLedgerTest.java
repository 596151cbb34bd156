package io.peyvand.broker.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class LookupLedgerTest {
  private static final Instant T0 = Instant.parse("2026-12-05T08:00:00Z");
  private static final Allowance.Limits LIMITS = new Allowance.Limits(500, 50);

  private static List<Long> numbers(long from, long count) {
    return LongStream.range(from, from + count).boxed().toList();
  }

  @Test
  void aFirstContactSyncUpToTheBurstIsAdmittedAndResyncingItIsFree() {
    LookupLedger ledger = new LookupLedger(LIMITS, Duration.ofDays(30), T0);
    LookupLedger.Admission first = ledger.admit(T0, numbers(0, 500));
    assertTrue(first.admitted());
    assertEquals(500, first.newNumbers());
    for (int day = 1; day <= 20; day++) {
      LookupLedger.Admission again = ledger.admit(T0.plus(Duration.ofDays(day)), numbers(0, 500));
      assertTrue(again.admitted(), "day " + day);
      assertEquals(0, again.newNumbers());
    }
  }

  @Test
  void beyondTheAllowanceABatchIsRefusedWholeWithWhenItFits() {
    LookupLedger ledger = new LookupLedger(LIMITS, Duration.ofDays(30), T0);
    assertTrue(ledger.admit(T0, numbers(0, 480)).admitted());
    LookupLedger.Admission refused = ledger.admit(T0.plusSeconds(60), numbers(1_000, 100));
    assertFalse(refused.admitted());
    assertEquals(100, refused.newNumbers());
    // 80 tokens missing at 50 a day: about 38 hours.
    assertTrue(
        refused.retryAfter().compareTo(Duration.ofHours(37)) > 0
            && refused.retryAfter().compareTo(Duration.ofHours(39)) < 0,
        refused.retryAfter().toString());
    assertEquals(480, ledger.remembered(), "a refused batch is not remembered");
    assertTrue(ledger.admit(T0.plusSeconds(60), numbers(1_000, 20)).admitted(), "20 still fit");
    assertTrue(ledger.admit(T0.plus(Duration.ofDays(2)), numbers(2_000, 100)).admitted());
  }

  @Test
  void aScraperLearnsAtMostTheBurstPlusTheDailyTrickle() {
    LookupLedger ledger = new LookupLedger(LIMITS, Duration.ofDays(30), T0);
    long admitted = 0;
    Instant now = T0;
    for (long next = 0; next < 100_000; next += 100) {
      if (ledger.admit(now, numbers(next, 100)).admitted()) {
        admitted += 100;
      }
      now = now.plusSeconds(1);
    }
    // 100,000 numbers tried over 1,000 s: the burst and under one token of refill.
    assertEquals(500, admitted);
  }

  @Test
  void numbersNotLookedUpForLongerThanTheMemoryCostAgain() {
    LookupLedger ledger = new LookupLedger(LIMITS, Duration.ofDays(30), T0);
    assertTrue(ledger.admit(T0, numbers(0, 10)).admitted());
    assertEquals(10, ledger.admit(T0.plus(Duration.ofDays(31)), numbers(0, 10)).newNumbers());
  }
}
