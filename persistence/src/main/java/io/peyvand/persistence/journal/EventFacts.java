package io.peyvand.persistence.journal;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import io.peyvand.persistence.cassandra.CqlStatements;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Facts about events, stored by the journal beside them (migration V007). An entity tags an event
 * with {@link #tag}{@code (fact)}; {@link CassandraJournal} does not keep such a tag with the event
 * but writes a row of {@value #TABLE} keyed by the UTC day of the write, a shard of the persistence
 * id, the persistence id, the sequence number and the fact, in the same request as the event and
 * before the write is acknowledged. So a fact exists if and only if its event was stored (short of
 * a request that fails partway and is never retried), and writing it again (a retried request)
 * changes nothing: counting facts counts each event once, whatever a node's crash or a redelivery
 * did. Facts expire after the journal's {@code fact-ttl}.
 *
 * <p>This class reads a day's facts back.
 */
public final class EventFacts {
  /** The table. */
  public static final String TABLE = "event_facts";

  /** What marks a tag as a fact. */
  public static final String PREFIX = "fact:";

  /** One stored fact: the event's persistence id and sequence number, and the fact. */
  public record Fact(String persistenceId, long sequenceNr, String fact) {}

  private final CqlStatements.Prepared selectShard;
  private final int shards;

  public EventFacts(CompletionStage<CqlSession> session, String keyspace, int shards) {
    this.selectShard =
        new CqlStatements(session)
            .prepare(
                "SELECT persistence_id, sequence_nr, fact FROM "
                    + keyspace
                    + "."
                    + TABLE
                    + " WHERE day = ? AND shard = ?");
    this.shards = shards;
  }

  /** The tag that makes {@code fact} a fact of the event it is put on. */
  public static String tag(String fact) {
    return PREFIX + fact;
  }

  /** The facts among an event's tags (without the prefix). */
  static List<String> facts(Set<String> tags) {
    List<String> facts = new ArrayList<>(1);
    for (String tag : tags) {
      if (tag.startsWith(PREFIX)) {
        facts.add(tag.substring(PREFIX.length()));
      }
    }
    return facts;
  }

  static boolean isFact(String tag) {
    return tag.startsWith(PREFIX);
  }

  /** The shard of a persistence id's facts. */
  static int shard(String persistenceId, int shards) {
    return Math.floorMod(persistenceId.hashCode(), shards);
  }

  /** The UTC day of a write at {@code epochMillis}. */
  static LocalDate day(long epochMillis) {
    return LocalDate.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC);
  }

  /** Every fact written on {@code day} (UTC), shard after shard. */
  public CompletionStage<List<Fact>> read(LocalDate day) {
    List<Fact> out = new ArrayList<>();
    CompletionStage<Void> all = CompletableFuture.completedFuture(null);
    for (int shard = 0; shard < shards; shard++) {
      int s = shard;
      all =
          all.thenCompose(done -> selectShard.execute(day, s).thenCompose(rs -> collect(rs, out)));
    }
    return all.thenApply(done -> out);
  }

  private static CompletionStage<Void> collect(AsyncResultSet rs, List<Fact> out) {
    for (Row row : rs.currentPage()) {
      out.add(new Fact(row.getString(0), row.getLong(1), row.getString(2)));
    }
    return rs.hasMorePages()
        ? rs.fetchNextPage().thenCompose(next -> collect(next, out))
        : CompletableFuture.completedFuture(null);
  }
}
