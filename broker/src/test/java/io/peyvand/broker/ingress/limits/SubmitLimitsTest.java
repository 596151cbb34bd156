package io.peyvand.broker.ingress.limits;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SubmitLimitsTest {

  @Test
  void aUserOverItsBurstIsRefusedWithAWaitWhileOthersOfThePlatformAreNot() {
    SubmitLimits limits = new SubmitLimits(new SubmitLimits.Settings(1000, 1000, 1, 2, 100));
    assertTrue(limits.tryAcquire("eitaa", "alice").isEmpty());
    assertTrue(limits.tryAcquire("eitaa", "alice").isEmpty());
    var refused = limits.tryAcquire("eitaa", "alice");
    assertTrue(refused.isPresent() && refused.getAsLong() > 0 && refused.getAsLong() <= 1000,
        refused.toString());
    assertTrue(limits.tryAcquire("eitaa", "bob").isEmpty());
  }

  @Test
  void aPlatformOverItsBurstIsRefusedAndOtherPlatformsAreNot() {
    SubmitLimits limits = new SubmitLimits(new SubmitLimits.Settings(1, 3, 1000, 1000, 100));
    for (int i = 0; i < 3; i++) {
      assertTrue(limits.tryAcquire("eitaa", "user" + i).isEmpty());
    }
    assertTrue(limits.tryAcquire("eitaa", "user9").isPresent());
    assertTrue(limits.tryAcquire("bale", "user9").isEmpty());
  }

  @Test
  void aUserRefusalDoesNotSpendThePlatformsToken() {
    SubmitLimits limits = new SubmitLimits(new SubmitLimits.Settings(1, 2, 1, 1, 100));
    assertTrue(limits.tryAcquire("eitaa", "alice").isEmpty());
    assertTrue(limits.tryAcquire("eitaa", "alice").isPresent()); // alice's bucket is empty
    assertTrue(limits.tryAcquire("eitaa", "bob").isEmpty(), "the platform still had a token");
  }
}
