package io.peyvand.persistence.pending;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@code pending_mailboxes} table (migration V002): which mailboxes of a platform hold items
 * not yet acknowledged. A mailbox registers itself before it answers "accepted", and unregisters
 * when drained; a sweep lists a platform's rows to wake those mailboxes. Writes are idempotent
 * upserts and deletes, so repeating one is harmless.
 */
public final class PendingMailboxStore {
  private final CompletionStage<CqlSession> session;
  private final int buckets;
  private final Prepared insert;
  private final Prepared delete;
  private final Prepared select;
  private final Prepared platforms;

  /**
   * A statement prepared on first use, and prepared again if that failed (e.g. the node was
   * constructed before the schema migration created the table).
   */
  private final class Prepared {
    private final String cql;
    private final AtomicReference<CompletableFuture<PreparedStatement>> statement =
        new AtomicReference<>();

    Prepared(String cql) {
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
  }

  public PendingMailboxStore(CompletionStage<CqlSession> session, String keyspace, int buckets) {
    if (buckets < 1) {
      throw new IllegalArgumentException("buckets must be at least 1");
    }
    // The session arrives as a future whose continuations may each start a thread of their own
    // (Scala's future converter on a machine of fewer than three cores): it is handed once to a
    // plain future, whose continuations run in the thread that completes their stage (the
    // driver's), not one new thread per write.
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
    this.buckets = buckets;
    this.insert =
        new Prepared(
            "INSERT INTO "
                + keyspace
                + ".pending_mailboxes (platform_id, bucket, mailbox, since) VALUES (?, ?, ?, ?)");
    this.delete =
        new Prepared(
            "DELETE FROM "
                + keyspace
                + ".pending_mailboxes WHERE platform_id = ? AND bucket = ? AND mailbox = ?");
    this.select =
        new Prepared(
            "SELECT mailbox FROM "
                + keyspace
                + ".pending_mailboxes WHERE platform_id = ? AND bucket = ?");
    this.platforms =
        new Prepared("SELECT DISTINCT platform_id, bucket FROM " + keyspace + ".pending_mailboxes");
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
              found ->
                  session
                      .thenCombine(select.get(), (s, ps) -> s.executeAsync(ps.bind(platformId, b)))
                      .thenCompose(stage -> stage)
                      .thenCompose(rs -> collect(rs, found)));
    }
    return all;
  }

  /**
   * Every platform that has a row in any bucket: those for which some mailbox or group holds items.
   * Reads one partition key per (platform, bucket), so its cost grows with the platforms, never
   * with the mailboxes.
   */
  public CompletionStage<Set<String>> platforms() {
    return session
        .thenCombine(platforms.get(), (s, ps) -> s.executeAsync(ps.bind()))
        .thenCompose(stage -> stage)
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

  private CompletionStage<Void> execute(Prepared statement, Object... values) {
    return session
        .thenCombine(statement.get(), (s, ps) -> s.executeAsync(ps.bind(values)))
        .thenCompose(stage -> stage)
        .thenApply(rs -> null);
  }
}
