package io.peyvand.broker.delivery;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/** Test probes that stand for a platform's sessions, registered as real sessions are. */
public final class TestSessions {
  private TestSessions() {}

  /**
   * A probe registered with the Receptionist as a session of {@code platform}, once this node's
   * {@link SessionDirectory} knows at least {@code count} sessions of it (within {@code wait}).
   */
  public static TestProbe<Deliver> register(
      ActorTestKit kit, String platform, int count, Duration wait) {
    TestProbe<Deliver> probe = kit.createTestProbe(Deliver.class);
    kit.system()
        .receptionist()
        .tell(Receptionist.register(SessionDirectory.keyFor(platform), probe.ref()));
    SessionDirectory directory = SessionDirectory.get(kit.system());
    directory.watch(platform);
    long deadline = System.nanoTime() + wait.toNanos();
    while (directory.sessionCount(platform) < count && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertTrue(
        directory.sessionCount(platform) >= count,
        "the directory knows "
            + directory.sessionCount(platform)
            + " sessions of "
            + platform
            + ", not "
            + count);
    return probe;
  }

  /** What {@code session} was pushed within {@code wait}, or null if nothing. */
  public static Deliver poll(TestProbe<Deliver> session, Duration wait) {
    try {
      return session.receiveMessage(wait);
    } catch (AssertionError nothing) {
      return null;
    }
  }
}
