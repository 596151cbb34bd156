package io.peyvand.broker.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The node's directory of sessions on a local actor system: this node's own sessions count at once
 * and leave at once, the Receptionist's listing adds the others, a departed session stays out while
 * listed, and a mailbox keeps its session while the set is unchanged. Each test uses platforms of
 * its own, the directory being one per actor system.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionDirectoryTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private ActorTestKit kit;
  private SessionDirectory directory;

  @BeforeAll
  void start() {
    kit = ActorTestKit.create();
    directory = SessionDirectory.get(kit.system());
  }

  @AfterAll
  void stop() {
    kit.shutdownTestKit();
  }

  private ActorRef<Deliver> session() {
    return kit.createTestProbe(Deliver.class).ref();
  }

  @Test
  void aSessionOfThisNodeCountsAtOnceAndItsArrivalIsTold() {
    List<String> told = new CopyOnWriteArrayList<>();
    directory.onChange((platform, count) -> told.add(platform + "=" + count));
    ActorRef<Deliver> one = session();
    directory.connected("own-a", one);
    assertEquals(Optional.of(one), directory.sessionFor("own-a", "bale:ali"));
    assertEquals(1, directory.sessionCount("own-a"));
    assertTrue(told.contains("own-a=1"), told.toString());
    assertTrue(directory.platformsWithSessions().contains("own-a"));

    directory.disconnected("own-a", one);
    assertEquals(Optional.empty(), directory.sessionFor("own-a", "bale:ali"));
    assertEquals(0, directory.sessionCount("own-a"));
    assertTrue(directory.watchedPlatforms().contains("own-a"), "still watched, without sessions");
  }

  @Test
  void aMailboxKeepsItsSessionWhileTheSetIsUnchangedAndItsNextTurnIsAnother() {
    ActorRef<Deliver> one = session();
    ActorRef<Deliver> two = session();
    directory.connected("turns", one);
    directory.connected("turns", two);
    for (String mailbox : List.of("bale:ali", "bale:sara", "eitaa:reza")) {
      ActorRef<Deliver> usual = directory.sessionFor("turns", mailbox).orElseThrow();
      for (int i = 0; i < 5; i++) {
        assertEquals(usual, directory.sessionFor("turns", mailbox).orElseThrow(), mailbox);
      }
      assertNotEquals(usual, directory.sessionFor("turns", mailbox, 1).orElseThrow(), mailbox);
      assertEquals(usual, directory.sessionFor("turns", mailbox, 2).orElseThrow(), mailbox);
    }
  }

  @Test
  void aListedSessionThatDepartedStaysOutUntilTheListingDropsIt() throws Exception {
    TestProbe<Deliver> listed = TestSessions.register(kit, "listed", 1, WAIT);
    assertEquals(Optional.of(listed.ref()), directory.sessionFor("listed", "bale:ali"));

    directory.departed("listed", listed.ref());
    assertEquals(
        Optional.empty(),
        directory.sessionFor("listed", "bale:ali"),
        "answered gone: out at once, though the Receptionist still lists it");

    kit.system()
        .receptionist()
        .tell(Receptionist.deregister(SessionDirectory.keyFor("listed"), listed.ref()));
    TestProbe<Deliver> next = TestSessions.register(kit, "listed", 1, WAIT);
    assertEquals(Optional.of(next.ref()), directory.sessionFor("listed", "bale:ali"));
    assertEquals(1, directory.sessionCount("listed"), "the departed one is not back");
  }

  @Test
  void anEntityThatFoundNoSessionIsWokenOnceWhenOneConnects() {
    List<String> woken = new CopyOnWriteArrayList<>();
    Runnable mailbox = () -> woken.add("mailbox");
    Runnable group = () -> woken.add("group");
    assertEquals(Optional.empty(), directory.sessionFor("wait-a", "bale:ali", 0, mailbox));
    assertEquals(Optional.empty(), directory.sessionFor("wait-a", "bale:ali", 0, mailbox));
    assertEquals(Optional.empty(), directory.sessionFor("wait-a", "g", 0, group));
    assertEquals(2, directory.waitingFor("wait-a"), "each entity waits once");

    directory.connected("wait-a", session());
    assertEquals(List.of("group", "mailbox"), woken.stream().sorted().toList());
    assertEquals(0, directory.waitingFor("wait-a"));

    directory.connected("wait-a", session());
    assertEquals(2, woken.size(), "woken once, not at every later session");
    directory.sessionFor("wait-a", "bale:ali", 0, mailbox);
    assertEquals(0, directory.waitingFor("wait-a"), "nobody waits while a session is there");
  }

  @Test
  void aSessionOfAnotherNodeListedByTheReceptionistWakesTheWaitingToo() {
    List<String> woken = new CopyOnWriteArrayList<>();
    assertEquals(
        Optional.empty(), directory.sessionFor("wait-b", "bale:ali", 0, () -> woken.add("x")));
    TestSessions.register(kit, "wait-b", 1, WAIT);
    assertEquals(List.of("x"), woken);
  }

  @Test
  void anEntityThatStoppedWaitsNoMore() {
    List<String> woken = new CopyOnWriteArrayList<>();
    Runnable stopped = () -> woken.add("stopped");
    directory.sessionFor("wait-c", "bale:ali", 0, stopped);
    directory.sessionFor("wait-d", "bale:ali", 0, stopped);
    directory.stopWaiting(stopped);
    assertEquals(0, directory.waitingFor("wait-c"));
    assertEquals(0, directory.waitingFor("wait-d"));
    directory.connected("wait-c", session());
    assertEquals(List.of(), woken);
  }
}
