package io.peyvand.loadtests.bench.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.peyvand.loadtests.bench.harness.Platforms;
import io.peyvand.protocol.v1.UserAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FanoutPlanTest {
  private static final List<String> FOUR = Platforms.parse("4");

  @Test
  void membersAreSpreadByMonthlyUsersAndTheGroupLivesAtTheFirstPlatform() {
    FanoutPlan plan = FanoutPlan.of("fanout-r1", "r1", FOUR, 10_000);
    assertEquals(
        Map.of("eitaa", 2472, "bale", 1854, "rubika", 4494, "soroush", 1180), plan.perPlatform());
    assertEquals(10_000, plan.total());
    assertEquals("eitaa", plan.group().getPlatformId());
    assertEquals(
        UserAddress.newBuilder().setPlatformId("eitaa").setUserId("r1-0").build(), plan.owner());
    assertEquals(
        Map.of("eitaa", 2, "bale", 2, "rubika", 5, "soroush", 1),
        FanoutPlan.of("fanout-r1", "r1", FOUR, 10).perPlatform());
  }

  @Test
  void postsComeFromEveryPlatformInTurnAndFromEachOfItsMembers() {
    FanoutPlan plan = FanoutPlan.of("fanout-r1", "r1", FOUR, 10);
    assertEquals(
        List.of(
            "eitaa:r1-0",
            "bale:r1-0",
            "rubika:r1-0",
            "soroush:r1-0",
            "eitaa:r1-1",
            "bale:r1-1",
            "rubika:r1-1",
            "soroush:r1-0",
            "eitaa:r1-0"),
        java.util.stream.IntStream.range(0, 9)
            .mapToObj(plan::poster)
            .map(u -> u.getPlatformId() + ":" + u.getUserId())
            .toList());
  }

  @Test
  void theOwnerIsNotAddedAgainAndBatchesHoldEveryOtherMemberOnce() {
    FanoutPlan plan = FanoutPlan.of("fanout-r1", "r1", FOUR, 2_500);
    List<List<UserAddress>> batches = plan.batches(1000);
    assertEquals(List.of(1000, 1000, 499), batches.stream().map(List::size).toList());
    Set<UserAddress> all = new HashSet<>();
    batches.forEach(all::addAll);
    assertEquals(2_499, all.size());
    assertFalse(all.contains(plan.owner()));
  }

  @Test
  void subscriptionBatchesAreOfOnePlatformEach() {
    FanoutPlan plan = FanoutPlan.of("fanout-r1", "r1", FOUR, 1_000_000);
    List<List<UserAddress>> rubika = plan.batchesOf("rubika", 10_000);
    assertEquals(45, rubika.size());
    assertEquals(10_000, rubika.get(0).size());
    assertEquals(plan.perPlatform().get("rubika") - 44 * 10_000, rubika.get(44).size());
    rubika.forEach(b -> b.forEach(u -> assertEquals("rubika", u.getPlatformId())));
  }
}
