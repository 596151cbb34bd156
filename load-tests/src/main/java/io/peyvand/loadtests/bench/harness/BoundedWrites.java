package io.peyvand.loadtests.bench.harness;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Statement;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Asynchronous CQL writes with at most {@code inFlight} unanswered, counting the failed ones and
 * keeping the first failure: how the Cassandra ceiling and the broker benchmarks' bulk writes load
 * Cassandra.
 */
public final class BoundedWrites {
  private final CqlSession session;
  private final int inFlight;
  private final Semaphore slots;
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();

  public BoundedWrites(CqlSession session, int inFlight) {
    this.session = session;
    this.inFlight = inFlight;
    this.slots = new Semaphore(inFlight);
  }

  /** Sends {@code statement} once fewer than {@code inFlight} writes are unanswered. */
  public void execute(Statement<?> statement) throws InterruptedException {
    slots.acquire();
    session
        .executeAsync(statement)
        .whenComplete(
            (rs, error) -> {
              if (error != null) {
                failed.incrementAndGet();
                firstFailure.compareAndSet(null, error);
              }
              slots.release();
            });
  }

  /** Waits until every write sent was answered; how many failed. */
  public int awaitAll() throws InterruptedException {
    slots.acquire(inFlight);
    slots.release(inFlight);
    return failed.get();
  }

  /** The first write that failed, or null. */
  public Throwable firstFailure() {
    return firstFailure.get();
  }
}
