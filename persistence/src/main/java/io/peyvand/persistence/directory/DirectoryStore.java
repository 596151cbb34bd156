package io.peyvand.persistence.directory;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import io.peyvand.persistence.cassandra.CqlStatements;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The directory's tables (migrations V004 and V005): which users are discoverable by a number, the
 * number known only by its keyed hash. The store never sees a number; it stores and finds hashes.
 * Writes are idempotent, so repeating one is harmless.
 */
public final class DirectoryStore {
  /** A number's hash under deployment key {@code keyId}. */
  public record NumberKey(int keyId, byte[] hash) {
    /** A number key with value equality (the record's array compares by identity). */
    record Id(int keyId, String hash) {
      Id(NumberKey key) {
        this(key.keyId(), HexFormat.of().formatHex(key.hash()));
      }
    }
  }

  /** A user discoverable by a number: on {@code platformId}, preferred by its owner or not. */
  public record Entry(String platformId, String userId, boolean preferred) {}

  private final CqlStatements.Prepared insertEntry;
  private final CqlStatements.Prepared insertByUser;
  private final CqlStatements.Prepared selectEntries;
  private final CqlStatements.Prepared selectEntry;
  private final CqlStatements.Prepared deleteEntry;
  private final CqlStatements.Prepared deleteByUser;
  private final CqlStatements.Prepared selectByUser;
  private final CqlStatements.Prepared countUsage;
  private final CqlStatements.Prepared selectUsage;
  private final CqlStatements.Prepared selectUsers;

  /**
   * One platform's directory use in one UTC day: lookup calls; numbers asked; numbers new to the
   * user who asked (what the platform's daily allowance counts); numbers found; calls refused.
   */
  public record Usage(
      LocalDate day, long lookups, long numbers, long newNumbers, long found, long refused) {
    public static Usage none(LocalDate day) {
      return new Usage(day, 0, 0, 0, 0, 0);
    }
  }

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
            "SELECT number_hash, platform_id, user_id, preferred FROM "
                + entries
                + " WHERE key_id = ? AND number_hash IN ?");
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
    String usage = keyspace + ".directory_usage";
    countUsage =
        statements.prepare(
            "UPDATE "
                + usage
                + " SET lookups = lookups + ?, numbers = numbers + ?, new_numbers = new_numbers + ?,"
                + " found = found + ?, refused = refused + ? WHERE platform_id = ? AND day = ?");
    selectUsers = statements.prepare("SELECT DISTINCT platform_id, user_id FROM " + byUser);
    selectUsage =
        statements.prepare(
            "SELECT day, lookups, numbers, new_numbers, found, refused FROM "
                + usage
                + " WHERE platform_id = ? AND day >= ? AND day <= ?");
  }

  /**
   * Adds {@code usage} to {@code platformId}'s counts of its day. Counters: not idempotent, so a
   * write retried after a timeout may count twice (the figures are statistics and an allowance,
   * where that errs on the safe side).
   */
  public CompletionStage<Void> count(String platformId, Usage usage) {
    return countUsage
        .execute(
            usage.lookups(),
            usage.numbers(),
            usage.newNumbers(),
            usage.found(),
            usage.refused(),
            platformId,
            usage.day())
        .thenApply(done -> null);
  }

  /**
   * How many users of each platform are discoverable now (have at least one number published): a
   * scan of every partition key of the by-user table, for the regulator's daily statistics (not for
   * a request path).
   */
  public CompletionStage<Map<String, Long>> discoverableUsers() {
    Map<String, Long> counts = new java.util.TreeMap<>();
    return selectUsers.execute().thenCompose(rs -> countUsers(rs, counts));
  }

  private static CompletionStage<Map<String, Long>> countUsers(
      AsyncResultSet rs, Map<String, Long> counts) {
    for (Row row : rs.currentPage()) {
      counts.merge(row.getString(0), 1L, Long::sum);
    }
    return rs.hasMorePages()
        ? rs.fetchNextPage().thenCompose(next -> countUsers(next, counts))
        : CompletableFuture.completedFuture(counts);
  }

  /** {@code platformId}'s counts of each day from {@code from} to {@code to} that has any. */
  public CompletionStage<List<Usage>> usage(String platformId, LocalDate from, LocalDate to) {
    return selectUsage
        .execute(platformId, from, to)
        .thenApply(
            rs -> {
              List<Usage> days = new ArrayList<>();
              for (Row row : rs.currentPage()) {
                days.add(
                    new Usage(
                        row.getLocalDate(0),
                        row.getLong(1),
                        row.getLong(2),
                        row.getLong(3),
                        row.getLong(4),
                        row.getLong(5)));
              }
              return days;
            });
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

  /**
   * Withdraws {@code userId}'s entry for {@code number}, if it is still theirs; completes with
   * whether it was.
   */
  public CompletionStage<Boolean> withdraw(NumberKey number, String platformId, String userId) {
    ByteBuffer hash = ByteBuffer.wrap(number.hash());
    return selectEntry
        .execute(number.keyId(), hash, platformId)
        .thenCompose(
            rs -> {
              Row row = rs.one();
              return row != null && userId.equals(row.getString("user_id"))
                  ? deleteEntry.execute(number.keyId(), hash, platformId).thenApply(done -> true)
                  : CompletableFuture.completedFuture(false);
            })
        .thenCompose(
            theirs ->
                deleteByUser
                    .execute(platformId, userId, number.keyId(), hash)
                    .thenApply(done -> theirs));
  }

  /**
   * Withdraws every entry of {@code userId} (their opt-out); completes with how many were theirs.
   */
  public CompletionStage<Integer> withdrawAll(String platformId, String userId) {
    return selectByUser
        .execute(platformId, userId)
        .thenCompose(rs -> collectKeys(rs, new ArrayList<>()))
        .thenCompose(
            keys -> {
              CompletionStage<Integer> all = CompletableFuture.completedFuture(0);
              for (NumberKey key : keys) {
                all =
                    all.thenCompose(
                        count ->
                            withdraw(key, platformId, userId)
                                .thenApply(theirs -> theirs ? count + 1 : count));
              }
              return all;
            });
  }

  /**
   * The users discoverable by each of {@code numbers}, in its order (an empty list: none). One
   * query per {@value #NUMBERS_PER_QUERY} numbers of a key ({@code number_hash IN ?}): a contact
   * sync's batch costs the driver and Cassandra one request, not one per number (PROTOCOL.md §15
   * and BENCHMARKS.md give the difference).
   */
  public CompletionStage<List<List<Entry>>> lookup(List<NumberKey> numbers) {
    Map<Integer, List<ByteBuffer>> byKey = new LinkedHashMap<>();
    for (NumberKey number : numbers) {
      byKey
          .computeIfAbsent(number.keyId(), k -> new ArrayList<>())
          .add(ByteBuffer.wrap(number.hash()));
    }
    Map<NumberKey.Id, List<Entry>> found = new ConcurrentHashMap<>();
    List<CompletableFuture<Void>> reads = new ArrayList<>();
    byKey.forEach(
        (keyId, hashes) -> {
          for (int from = 0; from < hashes.size(); from += NUMBERS_PER_QUERY) {
            List<ByteBuffer> chunk =
                List.copyOf(
                    hashes.subList(from, Math.min(hashes.size(), from + NUMBERS_PER_QUERY)));
            reads.add(
                selectEntries
                    .execute(keyId, chunk)
                    .thenCompose(rs -> collectEntries(keyId, rs, found))
                    .toCompletableFuture());
          }
        });
    return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              List<List<Entry>> answer = new ArrayList<>(numbers.size());
              for (NumberKey number : numbers) {
                answer.add(List.copyOf(found.getOrDefault(new NumberKey.Id(number), List.of())));
              }
              return answer;
            });
  }

  /** Numbers per lookup query: a sync's usual batch, small enough for the coordinator. */
  static final int NUMBERS_PER_QUERY = 100;

  private static CompletionStage<Void> collectEntries(
      int keyId, AsyncResultSet rs, Map<NumberKey.Id, List<Entry>> found) {
    for (Row row : rs.currentPage()) {
      ByteBuffer hash = row.getByteBuffer(0);
      byte[] bytes = new byte[hash.remaining()];
      hash.get(bytes);
      found
          .computeIfAbsent(new NumberKey.Id(new NumberKey(keyId, bytes)), k -> new ArrayList<>())
          .add(new Entry(row.getString(1), row.getString(2), row.getBoolean(3)));
    }
    if (rs.hasMorePages()) {
      return rs.fetchNextPage().thenCompose(next -> collectEntries(keyId, next, found));
    }
    return CompletableFuture.completedFuture(null);
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
