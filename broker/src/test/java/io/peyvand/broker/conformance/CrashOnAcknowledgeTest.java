package io.peyvand.broker.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CrashOnAcknowledgeTest {
  private final AtomicInteger crashes = new AtomicInteger();
  private final CrashOnAcknowledge crash = new CrashOnAcknowledge(crashes::incrementAndGet);

  @Test
  void crashesAtTheFirstAcknowledgeCoveringAMessageSent() {
    crash.sent(7);
    crash.acknowledged(6);
    assertFalse(crash.crashed(), "an Acknowledge below the scenario's messages is not theirs");
    assertEquals(-1, crash.crashedAt());
    crash.acknowledged(7);
    crash.sent(8);
    crash.acknowledged(8);
    assertEquals(1, crashes.get(), "crashed once");
    assertEquals(7, crash.crashedAt());
  }

  @Test
  void anAcknowledgeSeenBeforeTheSubmitIsAnsweredCrashesWhenItIs() {
    // The adapter acknowledged the push before the broker's answer to the kit's Submit arrived:
    // the CI failure "the adapter's process did not die after SIGKILL".
    crash.acknowledged(7);
    assertFalse(crash.crashed(), "nothing sent yet: not ours");
    crash.sent(7);
    assertEquals(1, crashes.get());
    assertEquals(7, crash.crashedAt());
  }

  @Test
  void twoThreadsRacingCrashExactlyOnce() throws Exception {
    for (int round = 0; round < 200; round++) {
      AtomicInteger count = new AtomicInteger();
      CrashOnAcknowledge racing = new CrashOnAcknowledge(count::incrementAndGet);
      CountDownLatch go = new CountDownLatch(1);
      List<Thread> threads = new ArrayList<>();
      threads.add(new Thread(() -> await(go, () -> racing.sent(5))));
      threads.add(new Thread(() -> await(go, () -> racing.acknowledged(5))));
      threads.add(new Thread(() -> await(go, () -> racing.acknowledged(6))));
      threads.forEach(Thread::start);
      go.countDown();
      for (Thread t : threads) {
        t.join();
      }
      assertEquals(1, count.get(), "round " + round);
      assertTrue(racing.crashedAt() == 5 || racing.crashedAt() == 6, "" + racing.crashedAt());
    }
  }

  private static void await(CountDownLatch go, Runnable then) {
    try {
      go.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    then.run();
  }
}
