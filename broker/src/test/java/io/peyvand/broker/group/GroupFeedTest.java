package io.peyvand.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.broker.TestConfig;
import io.peyvand.broker.delivery.Deliver;
import io.peyvand.broker.delivery.PushContext;
import io.peyvand.broker.delivery.SessionDirectory;
import io.peyvand.broker.model.Address;
import io.peyvand.broker.model.Content;
import io.peyvand.broker.model.Message;
import io.peyvand.broker.observability.MessageMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GroupFeedTest {
  @JUnit5TestKit
  private final ActorTestKit testKit = ActorTestKit.create("GroupFeedTest", TestConfig.local());

  private int groups;

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

  /**
   * The work one post makes in a group of {@code membersPerPlatform} members on each of four
   * platforms, with the real {@link GroupState} and {@link GroupFanout}: the items the post adds to
   * the log and keeps, how many items each platform is owed, and the frames pushed to each
   * platform's session (the tells). The membership's own items are acknowledged first, so only the
   * post's work is counted. Each call has platforms of its own, with one session each.
   */
  private Map<String, Integer> workOfOnePost(int membersPerPlatform) {
    String tag = "work" + ++groups;
    List<String> platforms = FOUR.stream().sorted().map(p -> tag + "-" + p).toList();
    GroupState state = new GroupState(GroupSettings.reference());
    Address group = new Address(platforms.get(0), "big");
    Address owner = new Address(platforms.get(0), "u0");
    state.apply(new Group.GroupCreated(Group.Kind.GROUP, "big", false, owner, 1));
    List<Membership.Change> added = new ArrayList<>();
    for (String platform : platforms) {
      for (int i = platform.equals(owner.platformId()) ? 1 : 0; i < membersPerPlatform; i++) {
        added.add(new Membership.Added(new Address(platform, "u" + i), Membership.Role.MEMBER));
      }
    }
    state.apply(new Group.MembersChanged(2, owner, added, 2));
    assertEquals(platforms.size() * membersPerPlatform, state.members().size());
    long before = state.feed().lastSequence();
    for (String platform : platforms) {
      state.feed().acknowledge(platform, before);
    }
    assertEquals(0, state.feed().size(), "the membership's items are all acknowledged");

    Message post = new Message("m-" + tag, owner, group, 1, "", new Content.Text("salam"));
    state.apply(new Group.PostAccepted(before + 1, post, 3));

    Map<String, Integer> work = new TreeMap<>();
    work.put("items appended", (int) (state.feed().lastSequence() - before));
    work.put("items kept", state.feed().size());
    Map<String, TestProbe<Deliver>> sessions = new TreeMap<>();
    for (String platform : platforms) {
      TestProbe<Deliver> session = testKit.createTestProbe(Deliver.class);
      SessionDirectory.get(testKit.system()).connected(platform, session.ref());
      sessions.put(platform, session);
      work.put(platform.substring(tag.length() + 1) + " owed", state.feed().owedCount(platform));
    }
    GroupFanout fanout =
        new GroupFanout(
            Deliver.Stream.group(group),
            new PushContext(
                SessionDirectory.get(testKit.system()),
                testKit.<Deliver.Busy>createTestProbe().ref(),
                MessageMetrics.get(testKit.system()),
                () -> {}),
            GroupSettings.reference(),
            Clock.systemUTC(),
            () -> {});
    fanout.deliverAll(state);
    for (Map.Entry<String, TestProbe<Deliver>> entry : sessions.entrySet()) {
      Deliver first = entry.getValue().receiveMessage(Duration.ofSeconds(10));
      assertEquals(before + 1, first.sequence(), "the post is pushed");
      int frames = 1;
      while (true) {
        try {
          entry.getValue().receiveMessage(Duration.ofMillis(300));
          frames++;
        } catch (AssertionError none) {
          break;
        }
      }
      work.put(entry.getKey().substring(tag.length() + 1) + " frames", frames);
    }
    return work;
  }

  @Test
  void theWorkOfAnItemDoesNotGrowWithMembersOnlyWithPlatforms() {
    Map<String, Integer> small = workOfOnePost(1);
    Map<String, Integer> big = workOfOnePost(2_000);
    Map<String, Integer> expected = new TreeMap<>();
    expected.put("items appended", 1);
    expected.put("items kept", 1);
    for (String platform : FOUR) {
      expected.put(platform + " owed", 1);
      expected.put(platform + " frames", 1);
    }
    assertEquals(expected, small, "one item, owed and pushed once to each of the four platforms");
    assertEquals(small, big, "8,000 members make the same work as four");
  }
}
