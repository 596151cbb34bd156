package io.peyvand.persistence.lease;

import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.typesafe.config.Config;
import io.peyvand.persistence.cassandra.CqlStatements;
import io.peyvand.persistence.schema.SchemaSettings;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.coordination.lease.LeaseException;
import org.apache.pekko.coordination.lease.LeaseSettings;
import org.apache.pekko.coordination.lease.LeaseTimeoutException;
import org.apache.pekko.coordination.lease.javadsl.Lease;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Pekko {@link Lease} kept in Cassandra's {@code leases} table (migration V003) with lightweight
 * transactions, so that at most one owner holds a name at a time across every node that uses the
 * keyspace.
 *
 * <ul>
 *   <li>Acquiring inserts the row {@code IF NOT EXISTS}, with a time to live of {@code
 *       heartbeat-timeout}; an owner that holds it already renews it instead.
 *   <li>While held, the row is renewed every {@code heartbeat-interval} ({@code IF owner = me}). A
 *       renewal that finds another owner, or no renewal for {@code heartbeat-timeout} minus one
 *       interval (Cassandra unreachable), loses the lease: the callback given to {@code acquire}
 *       runs, before the row can expire and another owner take it.
 *   <li>The row of an owner that died expires after {@code heartbeat-timeout}.
 * </ul>
 *
 * The owner is Pekko's owner name (the node's host:port) and a token of this instance, so a node
 * restarted at the same address does not inherit the lease of the process it replaces. The
 * operations of one instance run one after another, in the order they were called.
 *
 * <p>Settings (the lease's configuration block, over {@code pekko.coordination.lease}): {@code
 * session-config-path} (the driver session of pekko-connectors-cassandra), {@code profile} (a
 * driver execution profile; its consistency applies to the commit, SERIAL to the transaction).
 */
public class CassandraLease extends Lease {
  private static final Logger log = LoggerFactory.getLogger(CassandraLease.class);

  private final LeaseSettings settings;
  private final ExtendedActorSystem system;
  private final String owner;
  private final int ttlSeconds;
  private final long timeoutNanos;
  private final Duration interval;
  private final Duration operationTimeout;
  private final CqlStatements.Prepared insert;
  private final CqlStatements.Prepared renew;
  private final CqlStatements.Prepared delete;
  private final String profile;

  private final Object lock = new Object();

  /** The last operation started: the next one runs after it. */
  private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);

  private final AtomicLong acquisitions = new AtomicLong();
  private volatile boolean held;
  private volatile long validUntilNanos;
  private Cancellable heartbeat;
  private Consumer<Optional<Throwable>> lost = reason -> {};

  public CassandraLease(LeaseSettings settings, ExtendedActorSystem system) {
    this.settings = settings;
    this.system = system;
    this.owner = settings.ownerName() + "/" + UUID.randomUUID();
    Config config = settings.leaseConfig();
    Duration timeout = settings.timeoutSettings().getHeartbeatTimeout();
    this.interval = settings.timeoutSettings().getHeartbeatInterval();
    this.operationTimeout = settings.timeoutSettings().getOperationTimeout();
    if (interval.multipliedBy(2).compareTo(timeout) > 0) {
      throw new IllegalArgumentException(
          "lease "
              + settings.leaseName()
              + ": heartbeat-interval ("
              + interval
              + ") must be at most half of heartbeat-timeout ("
              + timeout
              + "), so a lease that cannot be renewed is given up before it expires");
    }
    this.ttlSeconds = (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
    this.timeoutNanos = timeout.toNanos();
    String keyspace = SchemaSettings.fromConfig(system.settings().config()).keyspace();
    CqlStatements statements =
        new CqlStatements(
            CassandraSessionRegistry.get(system)
                .sessionFor(config.getString("session-config-path"))
                .underlying());
    this.profile = config.getString("profile");
    this.insert =
        statements.prepare(
            "INSERT INTO "
                + keyspace
                + ".leases (name, owner) VALUES (?, ?) IF NOT EXISTS USING TTL ?");
    this.renew =
        statements.prepare(
            "UPDATE " + keyspace + ".leases USING TTL ? SET owner = ? WHERE name = ? IF owner = ?");
    this.delete =
        statements.prepare("DELETE FROM " + keyspace + ".leases WHERE name = ? IF owner = ?");
  }

  @Override
  public LeaseSettings getSettings() {
    return settings;
  }

  /** Who holds the lease when this instance does: the node's address and this instance's token. */
  public String owner() {
    return owner;
  }

  @Override
  public CompletionStage<Boolean> acquire() {
    return acquire(reason -> {});
  }

  @Override
  public CompletionStage<Boolean> acquire(Consumer<Optional<Throwable>> leaseLostCallback) {
    long acquisition = acquisitions.incrementAndGet();
    return serially(
        () -> {
          long started = System.nanoTime();
          return execute(insert, settings.leaseName(), owner, ttlSeconds)
              .thenCompose(
                  inserted -> {
                    if (inserted.wasApplied()) {
                      return CompletableFuture.completedFuture(true);
                    }
                    Row current = inserted.one();
                    if (current != null && owner.equals(current.getString("owner"))) {
                      return renew();
                    }
                    return CompletableFuture.completedFuture(false);
                  })
              .thenApply(
                  acquired -> {
                    if (acquired) {
                      held(started, leaseLostCallback);
                      acquired(acquisition);
                    }
                    return acquired;
                  });
        });
  }

  @Override
  public CompletionStage<Boolean> release() {
    return serially(this::releaseNow);
  }

  private CompletionStage<Boolean> releaseNow() {
    synchronized (lock) {
      held = false;
    }
    stopHeartbeat();
    return execute(delete, settings.leaseName(), owner)
        .thenApply(
            deleted -> {
              if (deleted.wasApplied()) {
                return true;
              }
              // Not applied: either nobody holds it (released already, or expired) or another
              // owner does.
              Row current = deleted.one();
              return current == null || current.getString("owner") == null;
            });
  }

  /**
   * Called when the acquisition numbered {@code acquisition} (counted from 1 per instance, in the
   * order {@code acquire} was called) has succeeded, before its future completes.
   */
  protected void acquired(long acquisition) {}

  /**
   * Releases the lease unless {@code acquire} was called again after the acquisition numbered
   * {@code acquisition}: a late release for a holder that has gone must not undo the acquisition of
   * the one that replaced it. Completes with whether it released.
   */
  protected CompletionStage<Boolean> releaseUnlessAcquiredSince(long acquisition) {
    return serially(
        () ->
            acquisitions.get() == acquisition
                ? releaseNow()
                : CompletableFuture.completedFuture(false));
  }

  @Override
  public boolean checkLease() {
    return held && System.nanoTime() - validUntilNanos < 0;
  }

  private CompletionStage<Boolean> renew() {
    return execute(renew, ttlSeconds, owner, settings.leaseName(), owner)
        .thenApply(AsyncResultSet::wasApplied);
  }

  private void held(long renewalStarted, Consumer<Optional<Throwable>> leaseLostCallback) {
    synchronized (lock) {
      validUntilNanos = renewalStarted + timeoutNanos;
      held = true;
      lost = leaseLostCallback;
      if (heartbeat == null) {
        heartbeat =
            system
                .scheduler()
                .scheduleWithFixedDelay(interval, interval, this::heartbeat, system.dispatcher());
      }
    }
  }

  private void stopHeartbeat() {
    synchronized (lock) {
      if (heartbeat != null) {
        heartbeat.cancel();
        heartbeat = null;
      }
    }
  }

  /** Renews the row, or gives the lease up when it cannot be sure of it any more. */
  private void heartbeat() {
    if (!held) {
      return;
    }
    if (System.nanoTime() - (validUntilNanos - interval.toNanos()) >= 0) {
      lose(
          Optional.of(
              new LeaseTimeoutException(
                  "lease "
                      + settings.leaseName()
                      + " could not be renewed for "
                      + Duration.ofNanos(timeoutNanos).minus(interval)
                      + ": given up before it expires")));
      return;
    }
    serially(
            () -> {
              if (!held) {
                return CompletableFuture.completedFuture(null);
              }
              long started = System.nanoTime();
              return renew()
                  .thenApply(
                      renewed -> {
                        if (renewed) {
                          validUntilNanos = started + timeoutNanos;
                        } else {
                          lose(Optional.empty());
                        }
                        return null;
                      });
            })
        .exceptionally(
            failure -> {
              log.warn(
                  "Lease {}: renewal failed (retried in {}): {}",
                  settings.leaseName(),
                  interval,
                  failure.toString());
              return null;
            });
  }

  private void lose(Optional<Throwable> reason) {
    Consumer<Optional<Throwable>> callback;
    synchronized (lock) {
      if (!held) {
        return;
      }
      held = false;
      callback = lost;
    }
    stopHeartbeat();
    log.warn(
        "Lease {} lost by {}{}",
        settings.leaseName(),
        owner,
        reason.map(r -> ": " + r.getMessage()).orElse(": another owner holds it"));
    callback.accept(reason);
  }

  private CompletionStage<AsyncResultSet> execute(
      CqlStatements.Prepared statement, Object... values) {
    return statement.execute(ps -> ps.bind(values).setExecutionProfileName(profile));
  }

  /**
   * Runs {@code operation} once the operations called before it have finished, bounded by {@code
   * lease-operation-timeout}; a timeout fails with {@link LeaseTimeoutException}, other failures
   * with {@link LeaseException}.
   */
  private <T> CompletionStage<T> serially(Supplier<CompletionStage<T>> operation) {
    CompletableFuture<T> result;
    synchronized (lock) {
      result =
          tail.handle((ignored, failure) -> null)
              .thenCompose(ignored -> operation.get())
              .toCompletableFuture()
              .orTimeout(operationTimeout.toMillis(), TimeUnit.MILLISECONDS);
      tail = result;
    }
    return result.handle(
        (value, failure) -> {
          if (failure == null) {
            return value;
          }
          Throwable cause =
              failure instanceof CompletionException && failure.getCause() != null
                  ? failure.getCause()
                  : failure;
          if (cause instanceof TimeoutException) {
            throw new LeaseTimeoutException(
                "lease " + settings.leaseName() + ": no answer within " + operationTimeout);
          }
          if (cause instanceof LeaseException leaseException) {
            throw leaseException;
          }
          LeaseException wrapped =
              new LeaseException("lease " + settings.leaseName() + ": " + cause.getMessage());
          wrapped.initCause(cause);
          throw wrapped;
        });
  }
}
