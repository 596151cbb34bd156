package io.peyvand.persistence.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Statements on a driver session that arrives later (the one pekko-connectors-cassandra builds),
 * each prepared on first use and prepared again if that failed (Cassandra away, or the schema
 * migration not yet applied when the first call came).
 */
public final class CqlStatements {
  private final CompletableFuture<CqlSession> session;

  public CqlStatements(CompletionStage<CqlSession> session) {
    // The session arrives as a future whose continuations may each start a thread of their own
    // (Scala's future converter on a machine of fewer than three cores): it is handed once to a
    // plain future, whose continuations run in the thread that completes their stage (the
    // driver's), not one new thread per statement.
    CompletableFuture<CqlSession> plain = new CompletableFuture<>();
    session.whenComplete(
        (s, error) -> {
          if (error != null) {
            plain.completeExceptionally(error);
          } else {
            plain.complete(s);
          }
        });
    this.session = plain;
  }

  /** A statement of {@code cql}, prepared when first executed. */
  public Prepared prepare(String cql) {
    return new Prepared(cql);
  }

  public CompletionStage<CqlSession> session() {
    return session;
  }

  /** One statement, prepared on first use. */
  public final class Prepared {
    private final String cql;
    private final AtomicReference<CompletableFuture<PreparedStatement>> statement =
        new AtomicReference<>();

    private Prepared(String cql) {
      this.cql = cql;
    }

    CompletionStage<PreparedStatement> get() {
      CompletableFuture<PreparedStatement> current = statement.get();
      if (current != null && !current.isCompletedExceptionally()) {
        return current;
      }
      CompletableFuture<PreparedStatement> next =
          session.thenCompose(s -> s.prepareAsync(cql)).toCompletableFuture();
      statement.set(next);
      return next;
    }

    /** Executes the statement with {@code values} bound in order. */
    public CompletionStage<AsyncResultSet> execute(Object... values) {
      return execute(ps -> ps.bind(values));
    }

    /** Executes what {@code bind} makes of the prepared statement (values, profile, ...). */
    public CompletionStage<AsyncResultSet> execute(
        Function<PreparedStatement, BoundStatement> bind) {
      return session
          .thenCombine(get(), (s, ps) -> s.executeAsync(bind.apply(ps)))
          .thenCompose(stage -> stage);
    }
  }
}
