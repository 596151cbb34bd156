package io.peyvand.persistence.directory;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import io.peyvand.persistence.cassandra.CqlStatements;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The directory's tables (migration V004): which users are discoverable by a number, the number
 * known only by its keyed hash. The store never sees a number; it stores and finds hashes. Writes
 * are idempotent, so repeating one is harmless.
 */
public final class DirectoryStore {
  /** A number's hash under deployment key {@code keyId}. */
  public record NumberKey(int keyId, byte[] hash) {}

  /** A user discoverable by a number: on {@code platformId}, preferred by its owner or not. */
  public record Entry(String platformId, String userId, boolean preferred) {}

  private final CqlStatements.Prepared insertEntry;
  private final CqlStatements.Prepared insertByUser;
  private final CqlStatements.Prepared selectEntries;
  private final CqlStatements.Prepared selectEntry;
  private final CqlStatements.Prepared deleteEntry;
  private final CqlStatements.Prepared deleteByUser;
  private final CqlStatements.Prepared selectByUser;

  public DirectoryStore(CompletionStage<CqlSession> session, String keyspace) {
    CqlStatements statements = new CqlStatements(session);
    String entries = keyspace + ".directory_entries";
    String byUser = keyspace + ".directory_by_user";
    insertEntry =
        statements.prepare(
            "INSERT INTO "
                + entries
                + " (key_id, number_hash, platform_id, user_id, preferred, published_at)"
                + " VALUES (?, ?, ?, ?, ?, ?)");
    insertByUser =
        statements.prepare(
            "INSERT INTO "
                + byUser
                + " (platform_id, user_id, key_id, number_hash) VALUES (?, ?, ?, ?)");
    selectEntries =
        statements.prepare(
            "SELECT platform_id, user_id, preferred FROM "
                + entries
                + " WHERE key_id = ? AND number_hash = ?");
    selectEntry =
        statements.prepare(
            "SELECT user_id FROM "
                + entries
                + " WHERE key_id = ? AND number_hash = ? AND platform_id = ?");
    deleteEntry =
        statements.prepare(
            "DELETE FROM " + entries + " WHERE key_id = ? AND number_hash = ? AND platform_id = ?");
    deleteByUser =
        statements.prepare(
            "DELETE FROM "
                + byUser
                + " WHERE platform_id = ? AND user_id = ? AND key_id = ? AND number_hash = ?");
    selectByUser =
        statements.prepare(
            "SELECT key_id, number_hash FROM " + byUser + " WHERE platform_id = ? AND user_id = ?");
  }

  /**
   * Makes {@code userId} of {@code platformId} discoverable by {@code number}, in place of any
   * other user of that platform who was.
   */
  public CompletionStage<Void> publish(
      NumberKey number, String platformId, String userId, boolean preferred, Instant at) {
    ByteBuffer hash = ByteBuffer.wrap(number.hash());
    // The by-user row first: a crash in between leaves a row that withdraws nothing, never an
    // entry that an opt-out could not find.
    return insertByUser
        .execute(platformId, userId, number.keyId(), hash)
        .thenCompose(
            done -> insertEntry.execute(number.keyId(), hash, platformId, userId, preferred, at))
        .thenApply(done -> null);
  }

  /** Withdraws {@code userId}'s entry for {@code number}, if it is still theirs. */
  public CompletionStage<Void> withdraw(NumberKey number, String platformId, String userId) {
    ByteBuffer hash = ByteBuffer.wrap(number.hash());
    return selectEntry
        .execute(number.keyId(), hash, platformId)
        .thenCompose(
            rs -> {
              Row row = rs.one();
              return row != null && userId.equals(row.getString("user_id"))
                  ? deleteEntry.execute(number.keyId(), hash, platformId)
                  : CompletableFuture.completedFuture(null);
            })
        .thenCompose(done -> deleteByUser.execute(platformId, userId, number.keyId(), hash))
        .thenApply(done -> null);
  }

  /**
   * Withdraws every entry of {@code userId} (their opt-out); completes with how many there were.
   */
  public CompletionStage<Integer> withdrawAll(String platformId, String userId) {
    return selectByUser
        .execute(platformId, userId)
        .thenCompose(rs -> collectKeys(rs, new ArrayList<>()))
        .thenCompose(
            keys -> {
              CompletionStage<Void> all = CompletableFuture.completedFuture(null);
              for (NumberKey key : keys) {
                all = all.thenCompose(done -> withdraw(key, platformId, userId));
              }
              return all.thenApply(done -> keys.size());
            });
  }

  /** The users discoverable by each of {@code numbers}, in its order (an empty list: none). */
  public CompletionStage<List<List<Entry>>> lookup(List<NumberKey> numbers) {
    List<CompletableFuture<List<Entry>>> reads = new ArrayList<>(numbers.size());
    for (NumberKey number : numbers) {
      reads.add(
          selectEntries
              .execute(number.keyId(), ByteBuffer.wrap(number.hash()))
              .thenApply(DirectoryStore::entries)
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new))
        .thenApply(done -> reads.stream().map(CompletableFuture::join).toList());
  }

  private static List<Entry> entries(AsyncResultSet rs) {
    // One row per platform: a page always holds them all.
    List<Entry> found = new ArrayList<>();
    for (Row row : rs.currentPage()) {
      found.add(
          new Entry(row.getString("platform_id"), row.getString("user_id"), row.getBoolean(2)));
    }
    return found;
  }

  private static CompletionStage<List<NumberKey>> collectKeys(
      AsyncResultSet rs, List<NumberKey> found) {
    for (Row row : rs.currentPage()) {
      ByteBuffer hash = row.getByteBuffer("number_hash");
      byte[] bytes = new byte[hash.remaining()];
      hash.get(bytes);
      found.add(new NumberKey(row.getInt("key_id"), bytes));
    }
    if (rs.hasMorePages()) {
      return rs.fetchNextPage().thenCompose(next -> collectKeys(next, found));
    }
    return CompletableFuture.completedFuture(found);
  }
}
