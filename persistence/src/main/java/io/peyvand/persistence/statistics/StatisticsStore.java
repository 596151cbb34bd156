package io.peyvand.persistence.statistics;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import io.peyvand.persistence.cassandra.CqlStatements;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The statistics' tables (migration V007): each computed day's canonical JSON ({@code stats_days}),
 * and each node's running count of refusals by day, platform and code ({@code stats_refusals}).
 * Writes are keyed overwrites, so repeating one is harmless.
 */
public final class StatisticsStore {
  /** A node's count of one platform's refusals with one code on one day. */
  public record Refusals(
      LocalDate day, String platformId, String code, String node, long refused) {}

  private final CqlStatements.Prepared insertDay;
  private final CqlStatements.Prepared selectDay;
  private final CqlStatements.Prepared insertRefusals;
  private final CqlStatements.Prepared selectRefusals;

  public StatisticsStore(CompletionStage<CqlSession> session, String keyspace) {
    CqlStatements statements = new CqlStatements(session);
    insertDay =
        statements.prepare(
            "INSERT INTO " + keyspace + ".stats_days (day, computed_at, report) VALUES (?, ?, ?)");
    selectDay = statements.prepare("SELECT report FROM " + keyspace + ".stats_days WHERE day = ?");
    insertRefusals =
        statements.prepare(
            "INSERT INTO "
                + keyspace
                + ".stats_refusals (day, platform_id, code, node, refused) VALUES (?, ?, ?, ?, ?)");
    selectRefusals =
        statements.prepare(
            "SELECT platform_id, code, node, refused FROM "
                + keyspace
                + ".stats_refusals WHERE day = ?");
  }

  /** Keeps a computed day. */
  public CompletionStage<Void> putDay(LocalDate day, Instant computedAt, String json) {
    return insertDay.execute(day, computedAt, json).thenApply(done -> null);
  }

  /** A kept day, if it was computed and kept. */
  public CompletionStage<Optional<String>> day(LocalDate day) {
    return selectDay
        .execute(day)
        .thenApply(rs -> Optional.ofNullable(rs.one()).map(row -> row.getString(0)));
  }

  /** Writes a node's running counts (each overwrites that node's earlier count). */
  public CompletionStage<Void> putRefusals(List<Refusals> counts) {
    List<CompletableFuture<AsyncResultSet>> writes = new ArrayList<>();
    for (Refusals r : counts) {
      writes.add(
          insertRefusals
              .execute(r.day(), r.platformId(), r.code(), r.node(), r.refused())
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
  }

  /** Every node's counts of {@code day}. */
  public CompletionStage<List<Refusals>> refusals(LocalDate day) {
    List<Refusals> out = new ArrayList<>();
    return selectRefusals.execute(day).thenCompose(rs -> collect(day, rs, out)).thenApply(d -> out);
  }

  private static CompletionStage<Void> collect(
      LocalDate day, AsyncResultSet rs, List<Refusals> out) {
    for (Row row : rs.currentPage()) {
      out.add(
          new Refusals(day, row.getString(0), row.getString(1), row.getString(2), row.getLong(3)));
    }
    return rs.hasMorePages()
        ? rs.fetchNextPage().thenCompose(next -> collect(day, next, out))
        : CompletableFuture.completedFuture(null);
  }
}
