package io.peyvand.persistence.journal;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import com.typesafe.config.Config;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;

/**
 * Reads the stored events of one persistence id straight from the journal's tables, a page at a
 * time, newest first ({@link #readBackward}) or oldest first ({@link #readForward}), without
 * replaying the entity. Made for history on request (a group member asking for what was said before
 * it joined): the entity stays as it is, and a backward page from a known sequence number costs a
 * few small queries however long the history is.
 *
 * <p>It reads what {@link CassandraJournal} and pekko-persistence-cassandra write, with the same
 * rules ({@link JournalQueries}): events at or below deleted_to are never returned and partitions
 * below it are never read; an atomic write lives in the partition of its last event, so a partition
 * may be empty with later events in the next one; every event of a partition is newer than every
 * event of the partitions before it, so walking partitions downwards gives events in descending
 * order.
 *
 * <p>What a reader sees while the entity writes: the rows Cassandra has acknowledged, each atomic
 * write entirely or not at all (it is one partition's mutation). An EventSourcedBehavior has one
 * write outstanding at a time, so what is stored is always a prefix of its events, and a page keeps
 * to it: backward by reading the newest partitions first, forward by ending at the newest event
 * stored when the page began. An entity using persistAsync may briefly show a later write before an
 * earlier one.
 *
 * <p>Thread-safe; one per actor system is enough. Statements are prepared on first use on the
 * journal's session and prepared again if that failed (Cassandra not up yet).
 */
public final class JournalReader {
  private final CompletionStage<CqlSession> session;
  private final JournalSettings settings;
  private final AtomicReference<CompletableFuture<JournalQueries>> queries =
      new AtomicReference<>();

  /**
   * A reader on {@code session} (the journal's: same cluster, same keyspace), addressing rows as
   * {@code settings} say (keyspace, target-partition-size, read profile, replay-page-size).
   */
  public JournalReader(CompletionStage<CqlSession> session, JournalSettings settings) {
    this.session = session;
    this.settings = settings;
  }

  /**
   * A reader configured like the journal plugin block {@code peyvand.journal} of the system's
   * configuration, on the driver session that block names.
   */
  public static JournalReader create(ClassicActorSystemProvider system) {
    Config root = system.classicSystem().settings().config();
    JournalSettings settings = JournalSettings.fromConfig(root, root.getConfig("peyvand.journal"));
    return new JournalReader(
        CassandraSessionRegistry.get(system).sessionFor(settings.sessionConfigPath()).underlying(),
        settings);
  }

  /**
   * Up to {@code maxEvents} events of {@code persistenceId} with sequence numbers at or below
   * {@code fromSequenceNr}, newest first. For the next older page pass the last event's sequence
   * number minus one. A page shorter than {@code maxEvents} (or empty) means there is nothing older
   * left: the entity's first event or deleted_to was reached. {@code fromSequenceNr} may lie beyond
   * the newest event ({@code Long.MAX_VALUE} reads from the newest); passing the entity's own last
   * sequence number saves the search for the newest.
   */
  public CompletionStage<List<StoredEvent>> readBackward(
      String persistenceId, long fromSequenceNr, int maxEvents) {
    requirePositive(maxEvents);
    if (fromSequenceNr < 1) {
      return CompletableFuture.completedFuture(List.of());
    }
    return queries()
        .thenCompose(
            q -> {
              long fromPartition = settings.partitionNr(fromSequenceNr);
              // Asked together with deleted_to: does fromSequenceNr's partition or the next hold
              // rows?
              // For a page inside the history one does, and the walk starts right there.
              CompletableFuture<Long> deletedTo = q.deletedTo(persistenceId);
              CompletableFuture<Long> here = q.highestIn(persistenceId, fromPartition);
              CompletableFuture<Long> next = q.highestIn(persistenceId, fromPartition + 1);
              return CompletableFuture.allOf(deletedTo, here, next)
                  .thenCompose(
                      done -> {
                        long deleted = deletedTo.join();
                        if (fromSequenceNr <= deleted) {
                          return CompletableFuture.completedFuture(List.<StoredEvent>of());
                        }
                        long floor = deleted + 1;
                        long floorPartition = settings.partitionNr(floor);
                        CompletableFuture<Long> top;
                        if (here.join() > 0 || next.join() > 0) {
                          top = CompletableFuture.completedFuture(fromSequenceNr);
                        } else if (fromPartition > floorPartition) {
                          // Two empty partitions: fromSequenceNr lies beyond the newest event (no
                          // two
                          // consecutive partitions are empty below it). Find the newest as recovery
                          // does.
                          top = q.highestStored(persistenceId, floorPartition, 0L);
                        } else {
                          top = CompletableFuture.completedFuture(0L);
                        }
                        return top.thenCompose(
                            t -> {
                              if (t < floor) {
                                return CompletableFuture.completedFuture(List.<StoredEvent>of());
                              }
                              // The event `t` is stored in its own partition or, as part of an
                              // atomic write reaching
                              // into the next range, in the next one. Empty partitions on the way
                              // down are one
                              // empty read each.
                              return new Walk(
                                      q, persistenceId, floor, t, maxEvents, true, floorPartition)
                                  .read(settings.partitionNr(t) + 1);
                            });
                      });
            });
  }

  /**
   * Up to {@code maxEvents} events of {@code persistenceId} with sequence numbers at or above
   * {@code fromSequenceNr} (and above deleted_to), oldest first. For the next page pass the last
   * event's sequence number plus one; an empty page means there is nothing newer yet. A page ends
   * at the newest event stored when it began: an event written while it is read is left for the
   * next page, so that it never appears without the events before it.
   */
  public CompletionStage<List<StoredEvent>> readForward(
      String persistenceId, long fromSequenceNr, int maxEvents) {
    requirePositive(maxEvents);
    long requested = Math.max(fromSequenceNr, 1L);
    return queries()
        .thenCompose(
            q -> {
              long requestedPartition = settings.partitionNr(requested);
              CompletableFuture<Long> deletedTo = q.deletedTo(persistenceId);
              CompletableFuture<Long> highest =
                  q.highestStored(persistenceId, requestedPartition, 0L);
              return deletedTo
                  .thenCombine(
                      highest,
                      (deleted, found) -> {
                        long from = Math.max(requested, deleted + 1);
                        long fromPartition = settings.partitionNr(from);
                        CompletableFuture<Long> newest =
                            fromPartition > requestedPartition
                                // Partitions before deleted_to's may have been emptied: the scan
                                // may have stopped
                                // there, so it goes on from deleted_to's partition (as recovery
                                // does).
                                ? q.highestStored(persistenceId, fromPartition, found)
                                : CompletableFuture.completedFuture(found);
                        return newest.thenCompose(
                            to ->
                                to < from
                                    ? CompletableFuture.completedFuture(List.<StoredEvent>of())
                                    // The event `to` may be stored in the partition after its own.
                                    : new Walk(
                                            q,
                                            persistenceId,
                                            from,
                                            to,
                                            maxEvents,
                                            false,
                                            settings.partitionNr(to) + 1)
                                        .read(fromPartition));
                      })
                  .thenCompose(page -> page);
            });
  }

  private static void requirePositive(int maxEvents) {
    if (maxEvents < 1) {
      throw new IllegalArgumentException("maxEvents must be at least 1, was " + maxEvents);
    }
  }

  /** The prepared statements on the session; prepared again if the last attempt failed. */
  private CompletableFuture<JournalQueries> queries() {
    while (true) {
      CompletableFuture<JournalQueries> current = queries.get();
      if (current != null && !current.isCompletedExceptionally()) {
        return current;
      }
      CompletableFuture<JournalQueries> next = new CompletableFuture<>();
      if (queries.compareAndSet(current, next)) {
        session
            .thenCompose(
                s ->
                    JournalStatements.prepare(s, settings.keyspace())
                        .thenApply(statements -> new JournalQueries(s, statements, settings)))
            .whenComplete(
                (q, error) -> {
                  if (error == null) {
                    next.complete(q);
                  } else {
                    next.completeExceptionally(error);
                  }
                });
        return next;
      }
    }
  }

  /**
   * One page's walk over the partitions, from the partition it starts in to {@code endPartition}
   * (downwards or upwards), reading only rows with {@code from <= sequence_nr <= to}.
   */
  private final class Walk {
    private final JournalQueries q;
    private final String persistenceId;
    private final long from;
    private final long to;
    private final int max;
    private final boolean descending;
    private final long endPartition;
    private final List<StoredEvent> events = new ArrayList<>();

    Walk(
        JournalQueries q,
        String persistenceId,
        long from,
        long to,
        int max,
        boolean descending,
        long endPartition) {
      this.q = q;
      this.persistenceId = persistenceId;
      this.from = from;
      this.to = to;
      this.max = max;
      this.descending = descending;
      this.endPartition = endPartition;
    }

    CompletableFuture<List<StoredEvent>> read(long partition) {
      // Ask Cassandra for no more rows than the page still needs.
      int pageSize = Math.min(max - events.size(), settings.replayPageSize());
      return q.messages(persistenceId, partition, from, to, pageSize, descending)
          .thenCompose(rs -> onPage(rs, partition));
    }

    private CompletableFuture<List<StoredEvent>> onPage(AsyncResultSet rs, long partition) {
      for (Row row : rs.currentPage()) {
        long sequenceNr = row.getLong(0);
        if (!events.isEmpty()) {
          long last = events.get(events.size() - 1).sequenceNr();
          if (descending ? sequenceNr >= last : sequenceNr <= last) {
            continue; // a second row of one sequence number (another time UUID): keep one
          }
        }
        events.add(toEvent(row, sequenceNr));
        if (events.size() >= max) {
          return done();
        }
      }
      if (rs.hasMorePages()) {
        return rs.fetchNextPage()
            .toCompletableFuture()
            .thenCompose(next -> onPage(next, partition));
      }
      if (descending) {
        return partition <= endPartition ? done() : read(partition - 1);
      }
      return partition >= endPartition ? done() : read(partition + 1);
    }

    private CompletableFuture<List<StoredEvent>> done() {
      return CompletableFuture.completedFuture(Collections.unmodifiableList(events));
    }

    private StoredEvent toEvent(Row row, long sequenceNr) {
      ByteBuffer event = row.getByteBuffer(6);
      byte[] bytes = new byte[event == null ? 0 : event.remaining()];
      if (event != null) {
        event.duplicate().get(bytes);
      }
      UUID timestamp = row.getUuid(1);
      String serManifest = row.getString(4);
      String eventManifest = row.getString(5);
      return new StoredEvent(
          persistenceId,
          sequenceNr,
          row.getInt(3),
          serManifest == null ? "" : serManifest,
          eventManifest == null ? "" : eventManifest,
          bytes,
          row.getString(2),
          timestamp == null ? 0L : Uuids.unixTimestamp(timestamp));
    }
  }
}
