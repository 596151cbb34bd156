package io.peyvand.persistence.journal;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import java.util.concurrent.CompletableFuture;

/**
 * The read side of the journal's row layout, shared by {@link CassandraJournal} (recovery, deletes)
 * and {@link JournalReader} (history pages): where deleted_to is, which partition holds what, and
 * the highest sequence number stored. Kept in one place so that the rules about partitions (an
 * atomic write lives in the partition of its last event, so one partition may be empty before the
 * next holds rows; partitions at or below deleted_to may have been emptied by a delete) are written
 * once.
 */
final class JournalQueries {
  private final CqlSession session;
  private final JournalStatements statements;
  private final JournalSettings settings;

  JournalQueries(CqlSession session, JournalStatements statements, JournalSettings settings) {
    this.session = session;
    this.statements = statements;
    this.settings = settings;
  }

  JournalSettings settings() {
    return settings;
  }

  /** deleted_to of the persistence id in the metadata table; 0 if it never deleted anything. */
  CompletableFuture<Long> deletedTo(String persistenceId) {
    return firstLong(
        statements.selectDeletedTo().boundStatementBuilder().setString(0, persistenceId));
  }

  /**
   * The highest sequence number stored from partition {@code first} on, at least {@code best},
   * reading on until two consecutive partitions after the last one with rows are empty (an atomic
   * write spans at most two partitions' ranges and is stored in the later one, so one partition may
   * be empty before the next one holds rows).
   */
  CompletableFuture<Long> highestStored(String persistenceId, long first, long best) {
    // Three partitions at once (in parallel): for almost every entity that is all it takes.
    CompletableFuture<Long> p0 = highestIn(persistenceId, first);
    CompletableFuture<Long> p1 = highestIn(persistenceId, first + 1);
    CompletableFuture<Long> p2 = highestIn(persistenceId, first + 2);
    return CompletableFuture.allOf(p0, p1, p2)
        .thenCompose(
            done -> {
              long[] found = {p0.join(), p1.join(), p2.join()};
              long highest = best;
              int lastWithRows = -1;
              for (int i = 0; i < found.length; i++) {
                if (found[i] > 0) {
                  highest = Math.max(highest, found[i]);
                  lastWithRows = i;
                }
              }
              if (lastWithRows <= 0) {
                return CompletableFuture.completedFuture(highest);
              }
              return highestStored(persistenceId, first + lastWithRows + 1, highest);
            });
  }

  /**
   * The highest sequence number stored after {@code from} (the sequence number a recovery starts
   * after; at least the rows of {@code from}'s partition, 0 if none), reading two partitions where
   * {@link #highestStored} reads three, which is all a recovery of an entity that never wrote, or
   * wrote within one partition, takes (docs/DELIVERY-PATH.md). Two suffice because an atomic write
   * spans at most two partitions and lives in the later one: with {@code from} below the end of its
   * partition P, the event after {@code from}, if any, lives in P or P + 1; and if P's highest row
   * h is below P's end and P + 1 is empty, h + 1 would live in one of them too, so there is none.
   * When {@code from} or h is exactly at P's end, the next event may live in P + 2: read on as
   * {@link #highestStored} does.
   */
  CompletableFuture<Long> highestAfter(String persistenceId, long from) {
    long first = settings.partitionNr(Math.max(from, 1L));
    long end = (first + 1) * settings.targetPartitionSize();
    if (Math.max(from, 1L) >= end) {
      return highestStored(persistenceId, first, 0L);
    }
    CompletableFuture<Long> p0 = highestIn(persistenceId, first);
    CompletableFuture<Long> p1 = highestIn(persistenceId, first + 1);
    return p0.thenCombine(
            p1,
            (h0, h1) -> {
              if (h1 > 0) {
                return highestStored(persistenceId, first + 2, Math.max(h0, h1));
              }
              if (h0 >= end) {
                return highestStored(persistenceId, first + 1, h0);
              }
              return CompletableFuture.completedFuture(h0);
            })
        .thenCompose(f -> f);
  }

  /** The highest sequence number stored in one partition, 0 if it has none. */
  CompletableFuture<Long> highestIn(String persistenceId, long partition) {
    return firstLong(
        statements
            .selectHighest()
            .boundStatementBuilder()
            .setString(0, persistenceId)
            .setLong(1, partition));
  }

  /**
   * The first column of the first row {@code query} reads (at the read profile) as a long; 0 when
   * there is no row or the column is null.
   */
  private CompletableFuture<Long> firstLong(BoundStatementBuilder query) {
    return session
        .executeAsync(query.setExecutionProfileName(settings.readProfile()).build())
        .toCompletableFuture()
        .thenApply(
            rs -> {
              Row row = rs.one();
              return row == null || row.isNull(0) ? 0L : row.getLong(0);
            });
  }

  /**
   * The rows of one partition with {@code from <= sequence_nr <= to}, in the columns of {@link
   * JournalStatements#MESSAGE_COLUMNS}, ascending or descending, {@code pageSize} rows per page.
   */
  CompletableFuture<AsyncResultSet> messages(
      String persistenceId, long partition, long from, long to, int pageSize, boolean descending) {
    PreparedStatement select =
        descending ? statements.selectMessagesDescending() : statements.selectMessages();
    Statement<?> query =
        select
            .boundStatementBuilder()
            .setString(0, persistenceId)
            .setLong(1, partition)
            .setLong(2, from)
            .setLong(3, to)
            .setPageSize(pageSize)
            .setExecutionProfileName(settings.readProfile())
            .build();
    return session.executeAsync(query).toCompletableFuture();
  }
}
