package io.peyvand.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GroupFeedTest {
  private static final Set<String> FOUR = Set.of("rubika", "eitaa", "bale", "soroush");

  private static List<Long> sequences(List<GroupFeed.Item<String>> items) {
    return items.stream().map(GroupFeed.Item::sequence).toList();
  }

  @Test
  void eachPlatformIsOwedEveryItemOfItsAudienceInOrderUntilItAcknowledges() {
    GroupFeed<String> feed = new GroupFeed<>();
    for (int i = 1; i <= 5; i++) {
      feed.append(1000 + i, "post " + i, FOUR);
    }
    assertEquals(List.of(1L, 2L, 3L), sequences(feed.owed("bale", 3)));
    assertTrue(feed.acknowledge("bale", 3));
    assertEquals(List.of(4L, 5L), sequences(feed.owed("bale", 10)));
    assertEquals(
        List.of(1L, 2L, 3L, 4L, 5L),
        sequences(feed.owed("eitaa", 10)),
        "an offline platform catches up from its own cursor");
    assertEquals(5, feed.size(), "kept while any platform still owes them");
  }

  @Test
  void pushesSayEverythingBelowThePlatformsFirstOwedItemIsSettled() {
    GroupFeed<String> feed = new GroupFeed<>();
    feed.append(1, "created", Set.of("eitaa"));
    feed.append(2, "bale's member added", Set.of("eitaa", "bale"));
    feed.append(3, "post", Set.of("eitaa", "bale"));
    assertEquals(1, feed.pushCursor("bale"), "item 1 was never owed to bale: it must not wait");
    assertEquals(0, feed.pushCursor("eitaa"));
    feed.acknowledge("bale", 2);
    assertEquals(2, feed.pushCursor("bale"));
    feed.append(4, "owed to eitaa only", Set.of("eitaa"));
    feed.append(5, "post", Set.of("eitaa", "bale"));
    feed.acknowledge("bale", 3);
    assertEquals(4, feed.pushCursor("bale"), "the gap at 4 is bridged once 3 is acknowledged");
    feed.acknowledge("bale", 5);
    assertEquals(5, feed.pushCursor("bale"), "owed nothing: the latest sequence");
  }

  @Test
  void anItemIsDroppedOnceEveryPlatformOfItsAudienceAcknowledgedIt() {
    GroupFeed<String> feed = new GroupFeed<>();
    feed.append(1, "to two", Set.of("bale", "eitaa"));
    feed.append(2, "to one", Set.of("bale"));
    feed.acknowledge("bale", 2);
    assertEquals(1, feed.size());
    feed.acknowledge("eitaa", 1);
    assertEquals(0, feed.size());
    assertEquals(Set.of(), feed.platformsOwed());
  }

  @Test
  void aPlatformOutsideTheAudienceIsOwedNothingAndAStaleAckChangesNothing() {
    GroupFeed<String> feed = new GroupFeed<>();
    feed.append(1, "a", Set.of("bale"));
    feed.append(2, "b", Set.of("bale", "rubika"));
    assertEquals(List.of(2L), sequences(feed.owed("rubika", 10)));
    assertTrue(feed.owed("soroush", 10).isEmpty());
    feed.acknowledge("bale", 2);
    assertFalse(feed.acknowledge("bale", 1));
    assertTrue(feed.mayAcknowledge(2));
    assertFalse(feed.mayAcknowledge(3));
  }

  @Test
  void anAcknowledgementTakesOffOnlyTheItemsOwedToThatPlatformAboveItsCursor() {
    GroupFeed<String> feed = new GroupFeed<>();
    feed.append(1, "a", Set.of("bale"));
    feed.append(2, "b", Set.of("bale", "rubika"));
    feed.append(3, "c", Set.of("rubika"));
    feed.append(4, "d", Set.of("bale", "rubika"));
    assertEquals(2, feed.owedUpTo("rubika", 3), "2 and 3, not 1 (not its audience)");
    assertEquals(3, feed.owedUpTo("bale", 4));
    feed.acknowledge("bale", 2);
    assertEquals(1, feed.owedUpTo("bale", 4), "above its cursor only");
    assertEquals(0, feed.owedUpTo("bale", 2), "a stale acknowledgement takes nothing");
    assertEquals(0, feed.owedUpTo("soroush", 4));
  }

  @Test
  void expiryGivesUpOldItemsForEveryPlatform() {
    GroupFeed<String> feed = new GroupFeed<>();
    feed.append(100, "old", FOUR);
    feed.append(200, "new", FOUR);
    assertEquals(1, feed.expire(150));
    assertEquals(List.of(2L), sequences(feed.owed("bale", 10)));
  }

  @Test
  void theWorkOfAnItemDoesNotGrowWithMembersOnlyWithPlatforms() {
    GroupFeed<String> feed = new GroupFeed<>();
    feed.append(1, "to a group of any size on four platforms", FOUR);
    assertEquals(Set.of("rubika", "eitaa", "bale", "soroush"), feed.platformsOwed());
  }
}
