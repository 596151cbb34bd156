package io.peyvand.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The writer never sends a write after its deadline: such a write fails unsent, whether it was
 * still queued or was to be sent again alone after its group failed. (Sent late, it would reach
 * Cassandra after its entity was told it failed and replace the row a later incarnation wrote at
 * the same sequence number.) A session that records what it is asked to send stands for Cassandra.
 */
class GroupCommitWriterTest {
  private static final ActorTestKit testKit = ActorTestKit.create("GroupCommitWriterTest");

  /** Every request the writer sends, completed by the test. */
  private final List<CompletableFuture<AsyncResultSet>> requests = new CopyOnWriteArrayList<>();

  private final CqlSession session = (CqlSession) Proxy.newProxyInstance(
      CqlSession.class.getClassLoader(), new Class<?>[] {CqlSession.class},
      (proxy, method, args) -> {
        if (method.getName().equals("executeAsync")) {
          CompletableFuture<AsyncResultSet> request = new CompletableFuture<>();
          requests.add(request);
          return request;
        }
        throw new UnsupportedOperationException(method.getName());
      });

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private GroupCommitWriter writer(int maxInFlight) {
    return new GroupCommitWriter(session, "profile", 64, 1 << 20, maxInFlight, Runnable::run,
        JournalMetrics.get(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(testKit.system())));
  }

  private static long in(long millis) {
    return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
  }

  @Test
  void aWriteStillQueuedAtItsDeadlineFailsUnsent() throws Exception {
    GroupCommitWriter writer = writer(1);
    CompletableFuture<Void> first = writer.submit(List.of(), 0, in(60_000));
    CompletableFuture<Void> late = writer.submit(List.of(), 0, in(50));
    assertEquals(1, requests.size(), "the only request slot carries the first write");
    Thread.sleep(100);
    requests.get(0).complete(null);
    assertNull(first.get(5, TimeUnit.SECONDS));
    ExecutionException failed = assertThrows(ExecutionException.class,
        () -> late.get(5, TimeUnit.SECONDS));
    assertInstanceOf(GroupCommitWriter.WriteExpiredException.class, failed.getCause());
    assertEquals(1, requests.size(), "the expired write was never sent");
  }

  @Test
  void aWriteIsNotSentAgainAloneAfterItsDeadline() throws Exception {
    GroupCommitWriter writer = writer(1);
    CompletableFuture<Void> hold = writer.submit(List.of(), 0, in(60_000));
    // Both queue behind the first and leave together as one group.
    CompletableFuture<Void> patient = writer.submit(List.of(), 0, in(60_000));
    CompletableFuture<Void> hasty = writer.submit(List.of(), 0, in(300));
    requests.get(0).complete(null);
    assertNull(hold.get(5, TimeUnit.SECONDS));
    assertEquals(2, requests.size(), "the two queued writes left as one group");
    Thread.sleep(400);
    // The group fails (a timeout, Cassandra away): each write is sent again alone, unless its
    // deadline passed.
    requests.get(1).completeExceptionally(new RuntimeException("request timed out"));
    assertEquals(3, requests.size(), "only the patient write was sent again");
    requests.get(2).complete(null);
    assertNull(patient.get(5, TimeUnit.SECONDS));
    ExecutionException failed = assertThrows(ExecutionException.class,
        () -> hasty.get(5, TimeUnit.SECONDS));
    assertInstanceOf(GroupCommitWriter.WriteExpiredException.class, failed.getCause());
    assertTrue(writer.splits() >= 1);
  }
}
