package io.peyvand.persistence.pending;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import io.peyvand.persistence.cassandra.CqlStatements;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The {@code pending_mailboxes} table (migration V002): which mailboxes of a platform hold items
 * not yet acknowledged. A mailbox registers itself before it answers "accepted", and unregisters
 * when drained; a sweep lists a platform's rows to wake those mailboxes. Writes are idempotent
 * upserts and deletes, so repeating one is harmless.
 */
public final class PendingMailboxStore {
  private final int buckets;
  private final CqlStatements.Prepared insert;
  private final CqlStatements.Prepared delete;
  private final CqlStatements.Prepared select;
  private final CqlStatements.Prepared platforms;

  public PendingMailboxStore(CompletionStage<CqlSession> session, String keyspace, int buckets) {
    if (buckets < 1) {
      throw new IllegalArgumentException("buckets must be at least 1");
    }
    CqlStatements statements = new CqlStatements(session);
    this.buckets = buckets;
    this.insert =
        statements.prepare(
            "INSERT INTO "
                + keyspace
                + ".pending_mailboxes (platform_id, bucket, mailbox, since) VALUES (?, ?, ?, ?)");
    this.delete =
        statements.prepare(
            "DELETE FROM "
                + keyspace
                + ".pending_mailboxes WHERE platform_id = ? AND bucket = ? AND mailbox = ?");
    this.select =
        statements.prepare(
            "SELECT mailbox FROM "
                + keyspace
                + ".pending_mailboxes WHERE platform_id = ? AND bucket = ?");
    this.platforms =
        statements.prepare(
            "SELECT DISTINCT platform_id, bucket FROM " + keyspace + ".pending_mailboxes");
  }

  /** The bucket a mailbox's row lives in. */
  public int bucketOf(String mailbox) {
    return Math.floorMod(mailbox.hashCode(), buckets);
  }

  /** Records that {@code mailbox} of {@code platformId} holds unacknowledged items. */
  public CompletionStage<Void> register(String platformId, String mailbox, Instant since) {
    return execute(insert, platformId, bucketOf(mailbox), mailbox, since);
  }

  /** Forgets the row of a drained mailbox. */
  public CompletionStage<Void> unregister(String platformId, String mailbox) {
    return execute(delete, platformId, bucketOf(mailbox), mailbox);
  }

  /** Every mailbox of the platform with a row, bucket by bucket. */
  public CompletionStage<List<String>> list(String platformId) {
    CompletionStage<List<String>> all = CompletableFuture.completedFuture(new ArrayList<>());
    for (int bucket = 0; bucket < buckets; bucket++) {
      int b = bucket;
      all =
          all.thenCompose(
              found -> select.execute(platformId, b).thenCompose(rs -> collect(rs, found)));
    }
    return all;
  }

  /**
   * Every platform that has a row in any bucket: those for which some mailbox or group holds items.
   * Reads one partition key per (platform, bucket), so its cost grows with the platforms, never
   * with the mailboxes.
   */
  public CompletionStage<Set<String>> platforms() {
    return platforms
        .execute()
        .thenCompose(rs -> collect(rs, new ArrayList<>()))
        .thenApply(TreeSet::new);
  }

  private static CompletionStage<List<String>> collect(AsyncResultSet rs, List<String> found) {
    for (Row row : rs.currentPage()) {
      found.add(row.getString(0));
    }
    if (rs.hasMorePages()) {
      return rs.fetchNextPage().thenCompose(next -> collect(next, found));
    }
    return CompletableFuture.completedFuture(found);
  }

  private static CompletionStage<Void> execute(CqlStatements.Prepared statement, Object... values) {
    return statement.execute(values).thenApply(rs -> null);
  }
}
