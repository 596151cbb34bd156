package io.peyvand.broker.service.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.broker.model.Quota;
import io.peyvand.broker.service.limits.SubmitLimits.RateLimit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SubmitLimitsTest {

  @Test
  void aUserOverItsBurstIsRefusedWithAWaitWhileOthersOfThePlatformAreNot() {
    SubmitLimits limits =
        new SubmitLimits(
            new SubmitLimits.Settings(new RateLimit(1000, 1000), new RateLimit(1, 2), 100));
    assertTrue(limits.tryAcquire("eitaa", "alice").isEmpty());
    assertTrue(limits.tryAcquire("eitaa", "alice").isEmpty());
    var refused = limits.tryAcquire("eitaa", "alice");
    assertTrue(
        refused.isPresent() && refused.getAsLong() > 0 && refused.getAsLong() <= 1000,
        refused.toString());
    assertTrue(limits.tryAcquire("eitaa", "bob").isEmpty());
  }

  @Test
  void aPlatformOverItsBurstIsRefusedAndOtherPlatformsAreNot() {
    SubmitLimits limits =
        new SubmitLimits(
            new SubmitLimits.Settings(new RateLimit(1, 3), new RateLimit(1000, 1000), 100));
    for (int i = 0; i < 3; i++) {
      assertTrue(limits.tryAcquire("eitaa", "user" + i).isEmpty());
    }
    assertTrue(limits.tryAcquire("eitaa", "user9").isPresent());
    assertTrue(limits.tryAcquire("bale", "user9").isEmpty());
  }

  @Test
  void aUserRefusalDoesNotSpendThePlatformsToken() {
    SubmitLimits limits =
        new SubmitLimits(new SubmitLimits.Settings(new RateLimit(1, 2), new RateLimit(1, 1), 100));
    assertTrue(limits.tryAcquire("eitaa", "alice").isEmpty());
    assertTrue(limits.tryAcquire("eitaa", "alice").isPresent()); // alice's bucket is empty
    assertTrue(limits.tryAcquire("eitaa", "bob").isEmpty(), "the platform still had a token");
  }

  @Test
  void aPlatformQuotaReplacesTheDefaultsForThatPlatformOnly() {
    SubmitLimits limits =
        new SubmitLimits(
            new SubmitLimits.Settings(new RateLimit(1, 1), new RateLimit(1000, 1000), 100));
    // 1/s: no token comes back during the test, however slow the machine (greedy refill at
    // 1000/s gave one back every millisecond and made this test depend on timing).
    Quota generous = new Quota(1, 5, 0, 0, 0);
    for (int i = 0; i < 5; i++) {
      assertTrue(limits.tryAcquire("eitaa", "user" + i, generous).isEmpty(), "token " + i);
    }
    assertTrue(limits.tryAcquire("eitaa", "user9", generous).isPresent(), "burst of 5 spent");
    assertTrue(limits.tryAcquire("bale", "user0").isEmpty());
    assertTrue(limits.tryAcquire("bale", "user1").isPresent(), "bale keeps the default burst 1");
  }

  @Test
  void aUserQuotaOfThePlatformAppliesToItsUsers() {
    SubmitLimits limits =
        new SubmitLimits(
            new SubmitLimits.Settings(new RateLimit(1000, 1000), new RateLimit(1, 1), 100));
    Quota chatty = new Quota(0, 0, 1, 3, 0);
    for (int i = 0; i < 3; i++) {
      assertTrue(limits.tryAcquire("eitaa", "alice", chatty).isEmpty());
    }
    assertTrue(limits.tryAcquire("eitaa", "alice", chatty).isPresent());
    assertTrue(
        limits.tryAcquire("eitaa", "alice", Quota.DEFAULTS).isPresent(),
        "back to the default burst of 1: still empty");
  }

  @Test
  void eachNodeAdmitsItsShareOfAClusterWideBurst() {
    AtomicInteger nodes = new AtomicInteger(3);
    SubmitLimits limits =
        new SubmitLimits(
            new SubmitLimits.Settings(new RateLimit(1, 9), new RateLimit(1000, 1000), 100),
            nodes::get);
    assertEquals(3, drain(limits, "eitaa"), "a third of the burst of 9 on each of 3 nodes");
    nodes.set(1);
    assertEquals(9, drain(limits, "bale"), "a single node admits the whole burst");
  }

  @Test
  void aNodeJoiningShrinksTheBucketsInProportion() {
    AtomicInteger nodes = new AtomicInteger(1);
    SubmitLimits limits =
        new SubmitLimits(
            new SubmitLimits.Settings(new RateLimit(1, 9), new RateLimit(1000, 1000), 100),
            nodes::get);
    assertTrue(limits.tryAcquire("eitaa", "first").isEmpty()); // the bucket exists, 8 of 9 left
    nodes.set(3);
    int admitted = drain(limits, "eitaa");
    assertTrue(admitted >= 2 && admitted <= 3, "8/9 of a bucket of 3, got " + admitted);
  }

  private static int drain(SubmitLimits limits, String platform) {
    int admitted = 0;
    while (limits.tryAcquire(platform, "u" + admitted).isEmpty()) {
      admitted++;
    }
    return admitted;
  }

  @Test
  void aShareIsNeverZero() {
    assertEquals(1, SubmitLimits.share(1, 3));
    assertEquals(4, SubmitLimits.share(10, 3));
    assertEquals(5000, SubmitLimits.share(5000, 1));
  }
}
