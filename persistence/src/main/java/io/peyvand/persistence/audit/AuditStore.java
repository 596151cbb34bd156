package io.peyvand.persistence.audit;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import io.peyvand.persistence.cassandra.CqlStatements;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The audit log's tables (migration V006): entries by index, spread over blocks of {@value #BLOCK}
 * entries, and signed tree heads by tree size. The store keeps bytes; it neither hashes nor signs.
 * Writes are inserts keyed by index or size, so repeating one is harmless.
 */
public final class AuditStore {
  /** Entries a partition holds. */
  public static final long BLOCK = 10_000;

  /** An entry as stored: its index and its bytes. */
  public record Entry(long index, byte[] leaf) {}

  private final CqlStatements.Prepared insertEntry;
  private final CqlStatements.Prepared selectBlock;
  private final CqlStatements.Prepared insertHead;
  private final CqlStatements.Prepared selectLatestHead;
  private final CqlStatements.Prepared selectHead;

  public AuditStore(CompletionStage<CqlSession> session, String keyspace) {
    CqlStatements statements = new CqlStatements(session);
    String entries = keyspace + ".audit_entries";
    String heads = keyspace + ".audit_heads";
    insertEntry =
        statements.prepare(
            "INSERT INTO " + entries + " (log_id, block, entry_index, leaf) VALUES (?, ?, ?, ?)");
    selectBlock =
        statements.prepare(
            "SELECT entry_index, leaf FROM "
                + entries
                + " WHERE log_id = ? AND block = ? AND entry_index >= ? AND entry_index < ?");
    insertHead =
        statements.prepare("INSERT INTO " + heads + " (log_id, tree_size, head) VALUES (?, ?, ?)");
    selectLatestHead =
        statements.prepare("SELECT head FROM " + heads + " WHERE log_id = ? LIMIT 1");
    selectHead =
        statements.prepare("SELECT head FROM " + heads + " WHERE log_id = ? AND tree_size = ?");
  }

  /** Stores the entries of {@code leaves}, the first at index {@code start}. */
  public CompletionStage<Void> append(String logId, long start, List<byte[]> leaves) {
    List<CompletableFuture<AsyncResultSet>> writes = new ArrayList<>(leaves.size());
    for (int i = 0; i < leaves.size(); i++) {
      long index = start + i;
      writes.add(
          insertEntry
              .execute(logId, index / BLOCK, index, ByteBuffer.wrap(leaves.get(i)))
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
  }

  /**
   * The stored entries with an index from {@code from} (inclusive) to {@code to} (exclusive), in
   * order of index. What was deleted or never written is missing from the list: the caller checks
   * that the indexes it got are the ones it asked for.
   */
  public CompletionStage<List<Entry>> entries(String logId, long from, long to) {
    List<Entry> out = new ArrayList<>();
    CompletionStage<Void> all = CompletableFuture.completedFuture(null);
    for (long block = from / BLOCK; from < to && block <= (to - 1) / BLOCK; block++) {
      long b = block;
      long start = Math.max(from, b * BLOCK);
      long end = Math.min(to, (b + 1) * BLOCK);
      all =
          all.thenCompose(
              done ->
                  selectBlock.execute(logId, b, start, end).thenCompose(rs -> collect(rs, out)));
    }
    return all.thenApply(done -> out);
  }

  /**
   * Every stored entry from index 0 on, block after block, up to the first block without any (so
   * entries beyond a wholly deleted block are not read).
   */
  public CompletionStage<List<Entry>> allEntries(String logId) {
    return fromBlock(logId, 0, new ArrayList<>());
  }

  private CompletionStage<List<Entry>> fromBlock(String logId, long block, List<Entry> out) {
    int before = out.size();
    return selectBlock
        .execute(logId, block, block * BLOCK, (block + 1) * BLOCK)
        .thenCompose(rs -> collect(rs, out))
        .thenCompose(
            done ->
                out.size() == before
                    ? CompletableFuture.completedFuture(out)
                    : fromBlock(logId, block + 1, out));
  }

  private static CompletionStage<Void> collect(AsyncResultSet rs, List<Entry> out) {
    for (Row row : rs.currentPage()) {
      ByteBuffer leaf = row.getByteBuffer(1);
      byte[] bytes = new byte[leaf == null ? 0 : leaf.remaining()];
      if (leaf != null) {
        leaf.get(bytes);
      }
      out.add(new Entry(row.getLong(0), bytes));
    }
    return rs.hasMorePages()
        ? rs.fetchNextPage().thenCompose(next -> collect(next, out))
        : CompletableFuture.completedFuture(null);
  }

  /** Stores a signed head (its bytes) for {@code treeSize}. */
  public CompletionStage<Void> putHead(String logId, long treeSize, byte[] head) {
    return insertHead.execute(logId, treeSize, ByteBuffer.wrap(head)).thenApply(done -> null);
  }

  /** The head of the largest tree, if any was signed. */
  public CompletionStage<Optional<byte[]>> latestHead(String logId) {
    return selectLatestHead.execute(logId).thenApply(AuditStore::head);
  }

  /** The head signed for {@code treeSize}, if one was. */
  public CompletionStage<Optional<byte[]>> head(String logId, long treeSize) {
    return selectHead.execute(logId, treeSize).thenApply(AuditStore::head);
  }

  private static Optional<byte[]> head(AsyncResultSet rs) {
    Row row = rs.one();
    if (row == null) {
      return Optional.empty();
    }
    ByteBuffer buffer = row.getByteBuffer(0);
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return Optional.of(bytes);
  }
}
