package io.peyvand.persistence.journal;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Group commit: the rows of many entities' atomic writes leave in few Cassandra requests, and each
 * write's future completes only when the request that carried it has been acknowledged at the write
 * profile's consistency.
 *
 * <p>Writes queue up; a drain task takes them in arrival order into a group of at most {@code
 * maxRows} rows and {@code maxBytes} payload bytes (never splitting one write) and sends the group
 * as one request: a single statement, or an unlogged batch. At most {@code maxInFlight} requests
 * are outstanding; while all are, the queue grows, so groups grow with the load and a lone write
 * waits for nothing but an executor hop. Every write is the rows of one Cassandra partition (plus,
 * for a new entity, its all_persistence_ids row), and Cassandra applies the mutation of one
 * partition atomically, even inside a batch that spans partitions: an entity's atomic write is all
 * or nothing whatever it was grouped with.
 *
 * <p>A write larger than {@code maxBytes} leaves alone, and never as a batch that spans partitions:
 * Cassandra refuses such a batch over its {@code batch_size_fail_threshold} (50 KiB by default),
 * for good, while a single statement or a batch of one partition is bounded only by the mutation
 * size (half the commit log segment, 16 MiB by default). Its event rows go as one request, its
 * all_persistence_ids row as another, and it completes when both did. (Before this, a mailbox's
 * first message over about 50 KB was refused by Cassandra every time it was sent.)
 *
 * <p>A request that fails takes no innocent with it: when it carried more than one write, each is
 * sent again on its own (the rows are idempotent upserts keyed by sequence number and time UUID),
 * and each completes with its own outcome. A write Cassandra rejects (or that times out alone)
 * fails only its own entity.
 *
 * <p>A write is never sent after its entity was told it failed. Pekko Persistence fails a write
 * that the journal has not completed within the circuit breaker's {@code call-timeout}; the entity
 * restarts, and its next incarnation may write the same sequence number again. Had the old write
 * still been sent (queued while Cassandra was away, or sent again alone after its group failed), it
 * would have reached Cassandra with a newer timestamp than the new incarnation's row, replaced that
 * row, and an acknowledged message could be lost. So each write carries a deadline, set by the
 * journal a little before the call-timeout from when Pekko called it: a write still queued, or to
 * be sent again, after it fails without being sent. A write sent before its deadline has an older
 * timestamp than any write of a later incarnation, which can only be sent after the deadline:
 * Cassandra keeps the later one.
 *
 * <p>Each request's latency and outcome, and the writes completed, are counted in {@link
 * JournalMetrics} (a few adder increments per request, none per row).
 */
final class GroupCommitWriter {
  /** The rows of one atomic write and the future its entity waits on. */
  static final class Write {
    /** The rows of the entity's own partition. */
    final List<BoundStatement> rows;

    /** Rows of other partitions (the all_persistence_ids row of a new entity), often none. */
    final List<BoundStatement> elsewhere;

    final int bytes;
    final long deadlineNanos;
    final CompletableFuture<Void> done = new CompletableFuture<>();

    Write(
        List<BoundStatement> rows, List<BoundStatement> elsewhere, int bytes, long deadlineNanos) {
      this.rows = rows;
      this.elsewhere = elsewhere;
      this.bytes = bytes;
      this.deadlineNanos = deadlineNanos;
    }

    int rowCount() {
      return rows.size() + elsewhere.size();
    }

    boolean expired(long nowNanos) {
      return nowNanos - deadlineNanos > 0;
    }
  }

  /** A write not sent because its entity had been told it failed (the call-timeout passed). */
  static final class WriteExpiredException extends RuntimeException {
    WriteExpiredException() {
      super(
          "not sent: the write waited past the journal's call-timeout (Cassandra unavailable or"
              + " overloaded); the entity was told it failed");
    }
  }

  private final CqlSession session;
  private final String profile;
  private final int maxRows;
  private final int maxBytes;
  private final int maxInFlight;
  private final Executor executor;
  private final JournalMetrics metrics;

  // guarded by this
  private final ArrayDeque<Write> queue = new ArrayDeque<>();
  private int inFlight;
  private boolean drainScheduled;

  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong writes = new AtomicLong();
  private final AtomicLong splits = new AtomicLong();

  GroupCommitWriter(
      CqlSession session,
      String profile,
      int maxRows,
      int maxBytes,
      int maxInFlight,
      Executor executor,
      JournalMetrics metrics) {
    this.metrics = metrics;
    this.session = session;
    this.profile = profile;
    this.maxRows = maxRows;
    this.maxBytes = maxBytes;
    this.maxInFlight = maxInFlight;
    this.executor = executor;
  }

  /**
   * Queues one atomic write: {@code rows} of the entity's partition, {@code elsewhere} rows of
   * other partitions, about {@code bytes} in all. The future completes when every row is durable,
   * or fails. It is not sent after {@code deadlineNanos} ({@link System#nanoTime()}): it fails
   * instead.
   */
  CompletableFuture<Void> submit(
      List<BoundStatement> rows, List<BoundStatement> elsewhere, int bytes, long deadlineNanos) {
    Write write = new Write(rows, elsewhere, bytes, deadlineNanos);
    synchronized (this) {
      queue.add(write);
      scheduleDrainLocked();
    }
    return write.done;
  }

  /** Requests sent (groups, plus writes sent again alone after a failed group). */
  long requests() {
    return requests.get();
  }

  /** Atomic writes completed or failed. */
  long writes() {
    return writes.get();
  }

  /** Failed groups of several writes that were split into writes sent alone. */
  long splits() {
    return splits.get();
  }

  private void scheduleDrainLocked() {
    if (!drainScheduled && inFlight < maxInFlight && !queue.isEmpty()) {
      drainScheduled = true;
      executor.execute(this::drain);
    }
  }

  private void drain() {
    while (true) {
      List<Write> group;
      List<Write> expired = new ArrayList<>();
      synchronized (this) {
        dropExpiredLocked(expired);
        if (inFlight >= maxInFlight || queue.isEmpty()) {
          drainScheduled = false;
          expired.forEach(this::expire);
          return;
        }
        group = takeGroupLocked();
        inFlight++;
      }
      expired.forEach(this::expire);
      send(group);
    }
  }

  /** Takes the writes at the head of the queue whose deadline passed. */
  private void dropExpiredLocked(List<Write> into) {
    long now = System.nanoTime();
    // Deadlines nearly follow the queue's order (the same time after each call of the journal):
    // every expired write is taken, wherever it is.
    for (Iterator<Write> it = queue.iterator(); it.hasNext(); ) {
      Write w = it.next();
      if (w.expired(now)) {
        it.remove();
        into.add(w);
      }
    }
  }

  private void expire(Write w) {
    writes.incrementAndGet();
    metrics.writes(1);
    WriteExpiredException expired = new WriteExpiredException();
    metrics.failed(expired);
    w.done.completeExceptionally(expired);
  }

  private List<Write> takeGroupLocked() {
    List<Write> group = new ArrayList<>();
    int rows = 0;
    int bytes = 0;
    while (!queue.isEmpty()) {
      Write next = queue.peek();
      if (!group.isEmpty() && (rows + next.rowCount() > maxRows || bytes + next.bytes > maxBytes)) {
        break;
      }
      queue.poll();
      group.add(next);
      rows += next.rowCount();
      bytes += next.bytes;
    }
    return group;
  }

  private void send(List<Write> group) {
    CompletionStage<?> result;
    long started = System.nanoTime();
    try {
      result = execute(group);
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    result.whenComplete(
        (rs, error) -> {
          metrics.request(System.nanoTime() - started, error);
          if (error == null) {
            metrics.writes(group.size());
            for (Write w : group) {
              writes.incrementAndGet();
              w.done.complete(null);
            }
          } else if (group.size() > 1) {
            splits.incrementAndGet();
            for (Write w : group) {
              sendAlone(w);
            }
          } else {
            writes.incrementAndGet();
            metrics.writes(1);
            group.get(0).done.completeExceptionally(error);
          }
          release();
        });
  }

  private void sendAlone(Write w) {
    if (w.expired(System.nanoTime())) {
      expire(w);
      return;
    }
    CompletionStage<?> result;
    long started = System.nanoTime();
    try {
      result = execute(List.of(w));
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    result.whenComplete(
        (rs, error) -> {
          metrics.request(System.nanoTime() - started, error);
          metrics.writes(1);
          writes.incrementAndGet();
          if (error == null) {
            w.done.complete(null);
          } else {
            w.done.completeExceptionally(error);
          }
        });
  }

  private void release() {
    synchronized (this) {
      inFlight--;
      scheduleDrainLocked();
    }
  }

  private CompletionStage<?> execute(List<Write> group) {
    requests.incrementAndGet();
    Write first = group.get(0);
    if (group.size() == 1 && first.bytes > maxBytes && !first.elsewhere.isEmpty()) {
      // Too large for a batch across partitions: each partition's rows in a request of its own.
      CompletableFuture<?> own = session.executeAsync(statement(first.rows)).toCompletableFuture();
      CompletableFuture<?> other =
          session.executeAsync(statement(first.elsewhere)).toCompletableFuture();
      return CompletableFuture.allOf(own, other);
    }
    List<BoundStatement> rows = new ArrayList<>();
    for (Write w : group) {
      rows.addAll(w.rows);
      rows.addAll(w.elsewhere);
    }
    return session.executeAsync(statement(rows));
  }

  /** One row as itself, several as an unlogged batch. */
  private Statement<?> statement(List<BoundStatement> rows) {
    if (rows.size() == 1) {
      return rows.get(0);
    }
    BatchStatementBuilder batch =
        BatchStatement.builder(BatchType.UNLOGGED)
            .setExecutionProfileName(profile)
            .setIdempotence(true);
    for (BoundStatement row : rows) {
      batch.addStatement(row);
    }
    return batch.build();
  }
}
