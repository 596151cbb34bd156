package io.peyvand.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
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

  /** The statement of each request, in the same order. */
  private final List<Object> statements = new CopyOnWriteArrayList<>();

  private final CqlSession session =
      (CqlSession)
          Proxy.newProxyInstance(
              CqlSession.class.getClassLoader(),
              new Class<?>[] {CqlSession.class},
              (proxy, method, args) -> {
                if (method.getName().equals("executeAsync")) {
                  CompletableFuture<AsyncResultSet> request = new CompletableFuture<>();
                  statements.add(args[0]);
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
    return writer(maxInFlight, 1 << 20);
  }

  private GroupCommitWriter writer(int maxInFlight, int maxBytes) {
    return new GroupCommitWriter(
        session,
        "profile",
        64,
        maxBytes,
        maxInFlight,
        Runnable::run,
        JournalMetrics.get(
            org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(testKit.system())));
  }

  private static long in(long millis) {
    return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
  }

  @Test
  void aWriteStillQueuedAtItsDeadlineFailsUnsent() throws Exception {
    GroupCommitWriter writer = writer(1);
    CompletableFuture<Void> first = writer.submit(List.of(), List.of(), 0, in(60_000));
    CompletableFuture<Void> late = writer.submit(List.of(), List.of(), 0, in(50));
    assertEquals(1, requests.size(), "the only request slot carries the first write");
    Thread.sleep(100);
    requests.get(0).complete(null);
    assertNull(first.get(5, TimeUnit.SECONDS));
    ExecutionException failed =
        assertThrows(ExecutionException.class, () -> late.get(5, TimeUnit.SECONDS));
    assertInstanceOf(GroupCommitWriter.WriteExpiredException.class, failed.getCause());
    assertEquals(1, requests.size(), "the expired write was never sent");
  }

  @Test
  void aWriteIsNotSentAgainAloneAfterItsDeadline() throws Exception {
    GroupCommitWriter writer = writer(1);
    CompletableFuture<Void> hold = writer.submit(List.of(), List.of(), 0, in(60_000));
    // Both queue behind the first and leave together as one group.
    CompletableFuture<Void> patient = writer.submit(List.of(), List.of(), 0, in(60_000));
    CompletableFuture<Void> hasty = writer.submit(List.of(), List.of(), 0, in(300));
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
    ExecutionException failed =
        assertThrows(ExecutionException.class, () -> hasty.get(5, TimeUnit.SECONDS));
    assertInstanceOf(GroupCommitWriter.WriteExpiredException.class, failed.getCause());
    assertTrue(writer.splits() >= 1);
  }

  /** A stand-in for a bound row: only its identity matters to the writer. */
  private static BoundStatement row() {
    return (BoundStatement)
        Proxy.newProxyInstance(
            BoundStatement.class.getClassLoader(),
            new Class<?>[] {BoundStatement.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> proxy == args[0];
                  case "toString" -> "row";
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }

  /**
   * Cassandra refuses, for good, a batch that spans partitions over batch_size_fail_threshold: a
   * new entity's large first write goes as its own rows and its all_persistence_ids row apart.
   */
  @Test
  void aWriteOverTheBatchLimitNeverGoesAsABatchAcrossPartitions() throws Exception {
    GroupCommitWriter writer = writer(4, 1000);
    BoundStatement event = row();
    BoundStatement persistenceId = row();
    CompletableFuture<Void> large =
        writer.submit(List.of(event), List.of(persistenceId), 70_000, in(60_000));
    assertEquals(List.of(event, persistenceId), statements, "two requests of one row each");
    requests.get(0).complete(null);
    assertFalse(large.isDone(), "done only when both rows are stored");
    requests.get(1).complete(null);
    assertNull(large.get(5, TimeUnit.SECONDS));

    CompletableFuture<Void> small = writer.submit(List.of(row()), List.of(row()), 200, in(60_000));
    assertEquals(3, statements.size());
    assertInstanceOf(BatchStatement.class, statements.get(2), "a small write stays one request");
    requests.get(2).complete(null);
    assertNull(small.get(5, TimeUnit.SECONDS));
  }
}
