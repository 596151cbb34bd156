package io.peyvand.persistence.journal;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import com.typesafe.config.Config;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.japi.pf.ReceiveBuilder;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.journal.Tagged;
import org.apache.pekko.persistence.journal.japi.AsyncWriteJournal;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.PartialFunction;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;
import scala.jdk.javaapi.FutureConverters;
import scala.runtime.BoxedUnit;

/**
 * Peyvand's Pekko Persistence journal on the Cassandra driver, in the tables of
 * pekko-persistence-cassandra and in its row format, so that events written by either are read by
 * the other (persistence/JOURNAL.md).
 *
 * <p>Why not the plugin: it spends about 0.3 ms of CPU in the entity JVM on each write call, so an
 * entity that persists one event at a time caps a node at a few thousand events per second while
 * Cassandra is far from busy. Here the rows of many entities share one Cassandra request ({@link
 * GroupCommitWriter}), statements are prepared once and bound without future chains, and a recovery
 * asks its questions (deleted_to, the highest sequence number of two partitions) at once instead of
 * one after the other.
 *
 * <p>Row placement is the plugin's: partition_nr is (sequence_nr - 1) / target-partition-size of
 * the <em>last</em> event of an atomic write, so all rows of an atomic write share one partition
 * (one atomic mutation), and a partition may hold the tail of the previous one's range. Reads
 * therefore go on to the next partition until two consecutive ones are empty.
 *
 * <p>Deletes are the plugin's too: deleted_to in the metadata table is raised first (reads skip
 * everything at or below it, and the highest sequence number never drops below it), then the rows
 * are removed with one range tombstone per partition. Deletes of one persistence id run one after
 * the other so deleted_to never goes down.
 *
 * <p>One class of some length: writes, recoveries and deletes share the session, the prepared
 * statements and the per-entity bookkeeping of writes and deletes in progress; the grouping of
 * writes, the one part with logic of its own, is {@link GroupCommitWriter}, and the reads that
 * {@link JournalReader} needs too (deleted_to, the highest sequence number, a partition's rows) are
 * {@link JournalQueries}.
 */
public final class CassandraJournal extends AsyncWriteJournal {
  private static final Logger log = LoggerFactory.getLogger(CassandraJournal.class);

  /**
   * What a row takes in a request besides its payload and strings: time UUID, sequence and
   * partition numbers, serializer id, time bucket and per-cell framing (an estimate, so that groups
   * stay under Cassandra's batch limit).
   */
  private static final int ROW_OVERHEAD_BYTES = 64;

  private final JournalSettings settings;
  private final Serialization serialization;
  private final Executor executor;
  private final JournalMetrics metrics;

  /** Connection and preparation; started again on next use if it failed (Cassandra not up yet). */
  private volatile CompletableFuture<Ready> ready;

  /** Writes not yet acknowledged, per persistence id: a recovery reads after them. */
  private final Map<String, CompletableFuture<?>> writesInProgress = new ConcurrentHashMap<>();

  /** The last delete of each persistence id still running: the next one waits for it. */
  private final Map<String, CompletableFuture<Void>> deletesInProgress = new ConcurrentHashMap<>();

  /** The session, the prepared statements, the shared reads and the writer, once all exist. */
  private record Ready(
      CqlSession session,
      JournalStatements statements,
      JournalQueries queries,
      GroupCommitWriter writer) {}

  private final Duration sendWithin;

  public CassandraJournal(Config pluginConfig) {
    Config config = context().system().settings().config();
    if (config.getBoolean("pekko.persistence.cassandra.events-by-tag.enabled")) {
      // The tag_views table is the plugin's business: refuse rather than silently not fill it.
      throw new IllegalStateException(
          "peyvand.journal does not write events by tag: with"
              + " pekko.persistence.cassandra.events-by-tag.enabled = on use the plugin's journal"
              + " (pekko.persistence.journal.plugin = \"pekko.persistence.cassandra.journal\")");
    }
    this.settings = JournalSettings.fromConfig(config, pluginConfig);
    // A write may be sent until shortly before Pekko's circuit breaker fails it
    // (GroupCommitWriter):
    // 80% of the call-timeout leaves the rest for the request itself.
    Duration callTimeout =
        pluginConfig.hasPath("circuit-breaker.call-timeout")
            ? pluginConfig.getDuration("circuit-breaker.call-timeout")
            : config.getDuration(
                "pekko.persistence.journal-plugin-fallback.circuit-breaker.call-timeout");
    this.sendWithin = callTimeout.multipliedBy(8).dividedBy(10);
    log.info(
        "Journal: Peyvand's group-commit journal on keyspace {} (partition size {}, up to {}"
            + " rows in one request, {} requests in flight, profile {})",
        settings.keyspace(),
        settings.targetPartitionSize(),
        settings.maxBatchRows(),
        settings.maxInFlight(),
        settings.writeProfile());
    this.serialization = SerializationExtension.get(context().system());
    this.executor = context().dispatcher();
    this.metrics = JournalMetrics.get(context().system());
    this.ready = connect();
  }

  private CompletableFuture<Ready> connect() {
    return CassandraSessionRegistry.get(context().system())
        .sessionFor(settings.sessionConfigPath())
        .underlying()
        .thenCompose(
            session ->
                JournalStatements.prepare(session, settings.keyspace())
                    .thenApply(
                        statements ->
                            new Ready(
                                session,
                                statements,
                                new JournalQueries(session, statements, settings),
                                new GroupCommitWriter(
                                    session,
                                    settings.writeProfile(),
                                    settings.maxBatchRows(),
                                    settings.maxBatchBytes(),
                                    settings.maxInFlight(),
                                    executor,
                                    metrics))))
        .toCompletableFuture();
  }

  /** The journal's connection; a failed one is tried again (called on the journal's thread). */
  private CompletableFuture<Ready> ready() {
    CompletableFuture<Ready> current = ready;
    if (current.isCompletedExceptionally()) {
      current = connect();
      ready = current;
    }
    return current;
  }

  /** Asks the journal actor for its {@link Stats}. */
  public enum GetStats {
    INSTANCE
  }

  /**
   * How writes were grouped since the journal started: Cassandra write requests sent, atomic writes
   * carried, and failed groups split into writes sent alone.
   */
  public record Stats(long requests, long writes, long splits) {}

  @Override
  public PartialFunction<Object, BoxedUnit> receivePluginInternal() {
    return ReceiveBuilder.create()
        .match(
            GetStats.class,
            get -> {
              Ready r = ready().getNow(null);
              sender()
                  .tell(
                      r == null
                          ? new Stats(0, 0, 0)
                          : new Stats(
                              r.writer().requests(), r.writer().writes(), r.writer().splits()),
                      self());
            })
        .build()
        .onMessage();
  }

  // ---------------------------------------------------------------------------------- writes

  @Override
  public Future<Iterable<Optional<Exception>>> doAsyncWriteMessages(
      Iterable<AtomicWrite> messages) {
    // Pekko's circuit breaker fails this call after its call-timeout, counted from now: the rows
    // must not reach Cassandra after that (GroupCommitWriter).
    long deadlineNanos = System.nanoTime() + sendWithin.toNanos();
    List<AtomicWrite> writes = new ArrayList<>();
    messages.forEach(writes::add);
    CompletableFuture<Ready> connection = ready();
    Ready r = connection.getNow(null);
    CompletableFuture<Iterable<Optional<Exception>>> result =
        r != null
            ? write(r, writes, deadlineNanos)
            : connection.thenCompose(now -> write(now, writes, deadlineNanos));
    if (writes.isEmpty()) {
      return FutureConverters.asScala(result);
    }
    String persistenceId = writes.get(0).persistenceId();
    CompletableFuture<?> previous = writesInProgress.get(persistenceId);
    // Responses are not kept in global order (write-response-global-order = off), but the later
    // of an entity's two outstanding writes completes after the earlier one (Pekko then sends
    // each reply from its own callback, so under load the replies may still cross; typed entities
    // never have two writes outstanding).
    CompletableFuture<Iterable<Optional<Exception>>> answer = result;
    if (previous != null) {
      answer = unwrapped(previous.handle((p, e) -> null).thenCompose(done -> result));
    }
    CompletableFuture<Iterable<Optional<Exception>>> registered = answer;
    writesInProgress.put(persistenceId, registered);
    registered.whenComplete((ok, error) -> writesInProgress.remove(persistenceId, registered));
    return FutureConverters.asScala(registered);
  }

  private CompletableFuture<Iterable<Optional<Exception>>> write(
      Ready r, List<AtomicWrite> writes, long deadlineNanos) {
    List<Optional<Exception>> rejections = new ArrayList<>(writes.size());
    List<CompletableFuture<Void>> durable = new ArrayList<>(writes.size());
    for (AtomicWrite write : writes) {
      List<BoundStatement> rows;
      List<BoundStatement> elsewhere = new ArrayList<>(0);
      int bytes;
      try {
        rows = new ArrayList<>(write.size());
        bytes = bind(r.statements(), write, rows, elsewhere);
      } catch (Exception e) {
        // Not written at all: the contract's rejection, after which the entity carries on.
        rejections.add(Optional.of(e));
        continue;
      }
      rejections.add(Optional.empty());
      if (write.lowestSequenceNr() == 1L && settings.allPersistenceIds()) {
        elsewhere.add(
            r.statements()
                .insertPersistenceId()
                .boundStatementBuilder()
                .setString(0, write.persistenceId())
                .setExecutionProfileName(settings.writeProfile())
                .build());
        bytes += ROW_OVERHEAD_BYTES + write.persistenceId().length();
      }
      durable.add(r.writer().submit(rows, elsewhere, bytes, deadlineNanos));
    }
    CompletableFuture<Void> all =
        durable.size() == 1
            ? durable.get(0)
            : CompletableFuture.allOf(durable.toArray(CompletableFuture[]::new));
    return unwrapped(all.thenApply(ok -> rejections));
  }

  /**
   * Binds the event rows of one atomic write into {@code rows}, and the rows of its events' facts
   * ({@link EventFacts}) into {@code facts}; returns about how many bytes they take in a request
   * (payloads, keys and columns).
   */
  private int bind(
      JournalStatements statements,
      AtomicWrite write,
      List<BoundStatement> rows,
      List<BoundStatement> facts) {
    String persistenceId = write.persistenceId();
    long lowest = write.lowestSequenceNr();
    long highest = write.highestSequenceNr();
    long partition = settings.partitionNr(highest);
    if (partition - settings.partitionNr(lowest) > 1) {
      throw new IllegalArgumentException(
          "an atomic write of "
              + write.size()
              + " events spans more than two partitions of "
              + settings.targetPartitionSize()
              + " events; keep atomic writes smaller than target-partition-size");
    }
    int bytes = 0;
    for (PersistentRepr repr : CollectionConverters.asJava(write.payload())) {
      Object payload = repr.payload();
      Set<String> tags = Set.of();
      List<String> eventFacts = List.of();
      if (payload instanceof Tagged tagged) {
        payload = tagged.payload();
        tags = CollectionConverters.asJava(tagged.tags());
        eventFacts = EventFacts.facts(tags);
        if (!eventFacts.isEmpty()) {
          tags = tags.stream().filter(t -> !EventFacts.isFact(t)).collect(Collectors.toSet());
        }
      }
      Serializer serializer = serialization.findSerializerFor(payload);
      byte[] event = serialization.serialize(payload).get();
      bytes +=
          event.length
              + ROW_OVERHEAD_BYTES
              + persistenceId.length()
              + repr.writerUuid().length()
              + repr.manifest().length();
      UUID timestamp = Uuids.timeBased();
      long bucket =
          Uuids.unixTimestamp(timestamp)
              / settings.timeBucketMillis()
              * settings.timeBucketMillis();
      boolean withMeta = repr.metadata().isDefined();
      BoundStatementBuilder row =
          (withMeta ? statements.insertWithMeta() : statements.insert())
              .boundStatementBuilder()
              .setString(0, persistenceId)
              .setLong(1, partition)
              .setLong(2, repr.sequenceNr())
              .setUuid(3, timestamp)
              .setString(4, Long.toString(bucket))
              .setString(5, repr.writerUuid())
              .setInt(6, serializer.identifier())
              .setString(7, Serializers.manifestFor(serializer, payload))
              .setString(8, repr.manifest())
              .setByteBuffer(9, ByteBuffer.wrap(event));
      if (!tags.isEmpty()) {
        row.setSet(10, tags, String.class);
      }
      for (String fact : eventFacts) {
        facts.add(
            statements
                .insertFact()
                .boundStatementBuilder()
                .setLocalDate(0, EventFacts.day(Uuids.unixTimestamp(timestamp)))
                .setInt(1, EventFacts.shard(persistenceId, settings.factShards()))
                .setString(2, persistenceId)
                .setLong(3, repr.sequenceNr())
                .setString(4, fact)
                .setInt(5, settings.factTtlSeconds())
                .setExecutionProfileName(settings.writeProfile())
                .build());
        bytes += ROW_OVERHEAD_BYTES + persistenceId.length() + fact.length();
      }
      if (withMeta) {
        Object meta = repr.metadata().get();
        Serializer metaSerializer = serialization.findSerializerFor(meta);
        byte[] metaBytes = serialization.serialize(meta).get();
        bytes += metaBytes.length;
        row.setInt(11, metaSerializer.identifier())
            .setString(12, Serializers.manifestFor(metaSerializer, meta))
            .setByteBuffer(13, ByteBuffer.wrap(metaBytes));
      }
      rows.add(row.setExecutionProfileName(settings.writeProfile()).build());
    }
    return bytes;
  }

  // -------------------------------------------------------------------------------- recovery

  @Override
  public Future<Long> doAsyncReadHighestSequenceNr(String persistenceId, long fromSequenceNr) {
    CompletableFuture<?> pending = writesInProgress.get(persistenceId);
    CompletableFuture<Ready> connection = ready();
    CompletableFuture<Long> result =
        pending == null
            ? connection.thenCompose(r -> readHighest(r, persistenceId, fromSequenceNr))
            : pending
                .handle((ok, error) -> null)
                .thenCompose(
                    x ->
                        connection.thenCompose(r -> readHighest(r, persistenceId, fromSequenceNr)));
    return FutureConverters.asScala(result);
  }

  private CompletableFuture<Long> readHighest(Ready r, String persistenceId, long from) {
    CompletableFuture<Long> deletedTo = r.queries().deletedTo(persistenceId);
    long first = settings.partitionNr(Math.max(from, 1L));
    long firstEnd = (first + 1) * settings.targetPartitionSize();
    CompletableFuture<Long> stored = r.queries().highestAfter(persistenceId, from);
    return deletedTo
        .thenCombine(
            stored,
            (deleted, found) -> {
              if (settings.partitionNr(Math.max(deleted, 1L)) > first || deleted == firstEnd) {
                // Partitions before deleted_to may have been emptied by the delete: scan from there
                // (a
                // delete up to the end of the first partition may have emptied it while the next
                // event
                // lives two partitions on).
                return r.queries()
                    .highestStored(persistenceId, settings.partitionNr(deleted), found)
                    .thenApply(more -> Math.max(from, Math.max(deleted, more)));
              }
              return CompletableFuture.completedFuture(Math.max(from, Math.max(deleted, found)));
            })
        .thenCompose(f -> f);
  }

  @Override
  public Future<Void> doAsyncReplayMessages(
      String persistenceId,
      long fromSequenceNr,
      long toSequenceNr,
      long max,
      Consumer<PersistentRepr> replayCallback) {
    if (max <= 0 || toSequenceNr < fromSequenceNr) {
      return FutureConverters.asScala(CompletableFuture.completedFuture(null));
    }
    CompletableFuture<Void> result =
        ready()
            .thenCompose(
                r -> {
                  Replay replay = new Replay(r, persistenceId, toSequenceNr, max, replayCallback);
                  long from = Math.max(1L, fromSequenceNr);
                  long first = settings.partitionNr(from);
                  // The first partition is read while deleted_to is looked up; rows at or below it
                  // are skipped.
                  CompletableFuture<AsyncResultSet> firstPage = replay.query(first, from);
                  return r.queries()
                      .deletedTo(persistenceId)
                      .thenCompose(
                          deleted -> {
                            replay.deletedTo = deleted;
                            long afterDeleted = settings.partitionNr(deleted + 1);
                            if (deleted >= from && afterDeleted > first) {
                              // The partitions before deleted_to may have been emptied: start after
                              // them.
                              return replay.onPage(
                                  replay.query(afterDeleted, deleted + 1), afterDeleted, false);
                            }
                            return replay.onPage(firstPage, first, false);
                          });
                });
    return FutureConverters.asScala(result);
  }

  /** One replay's walk over the partitions of a persistence id. */
  private final class Replay {
    private final Ready r;
    private final String persistenceId;
    private final long to;
    private final long max;
    private final Consumer<PersistentRepr> callback;
    long deletedTo;
    private long next;
    private long count;

    Replay(Ready r, String persistenceId, long to, long max, Consumer<PersistentRepr> callback) {
      this.r = r;
      this.persistenceId = persistenceId;
      this.to = to;
      this.max = max;
      this.callback = callback;
    }

    CompletableFuture<AsyncResultSet> query(long partition, long from) {
      next = from;
      return r.queries()
          .messages(persistenceId, partition, from, to, settings.replayPageSize(), false);
    }

    CompletableFuture<Void> onPage(
        CompletionStage<AsyncResultSet> page, long partition, boolean previousEmpty) {
      return page.toCompletableFuture()
          .thenCompose(
              rs -> {
                boolean empty = true;
                for (Row row : rs.currentPage()) {
                  empty = false;
                  long sequenceNr = row.getLong(0);
                  if (sequenceNr <= deletedTo || sequenceNr < next) {
                    continue;
                  }
                  callback.accept(toRepr(row, sequenceNr));
                  next = sequenceNr + 1;
                  count++;
                  if (count >= max || sequenceNr >= to) {
                    return CompletableFuture.completedFuture(null);
                  }
                }
                if (rs.hasMorePages()) {
                  return onPage(rs.fetchNextPage(), partition, false);
                }
                if (empty && previousEmpty) {
                  return CompletableFuture.completedFuture(null);
                }
                return onPage(query(partition + 1, next), partition + 1, empty);
              });
    }

    private PersistentRepr toRepr(Row row, long sequenceNr) {
      ByteBuffer event = row.getByteBuffer(6);
      byte[] bytes = new byte[event.remaining()];
      event.duplicate().get(bytes);
      Object payload = serialization.deserialize(bytes, row.getInt(3), row.getString(4)).get();
      PersistentRepr repr =
          PersistentRepr.apply(
              payload,
              sequenceNr,
              persistenceId,
              row.getString(5),
              false,
              ActorRef.noSender(),
              row.getString(2));
      UUID timestamp = row.getUuid(1);
      if (timestamp != null) {
        repr = repr.withTimestamp(Uuids.unixTimestamp(timestamp));
      }
      ByteBuffer meta = row.getByteBuffer(9);
      if (meta != null) {
        byte[] metaBytes = new byte[meta.remaining()];
        meta.duplicate().get(metaBytes);
        repr =
            repr.withMetadata(
                serialization.deserialize(metaBytes, row.getInt(7), row.getString(8)).get());
      }
      return repr;
    }
  }

  // --------------------------------------------------------------------------------- deletes

  @Override
  public Future<Void> doAsyncDeleteMessagesTo(String persistenceId, long toSequenceNr) {
    CompletableFuture<Void> mine = new CompletableFuture<>();
    CompletableFuture<Void> previous = deletesInProgress.put(persistenceId, mine);
    CompletableFuture<Void> start =
        previous == null
            ? CompletableFuture.completedFuture(null)
            : previous.handle((ok, error) -> null);
    CompletableFuture<Ready> connection = ready();
    start
        .thenCompose(x -> connection)
        .thenCompose(r -> delete(r, persistenceId, toSequenceNr))
        .whenComplete(
            (ok, error) -> {
              deletesInProgress.remove(persistenceId, mine);
              if (error == null) {
                mine.complete(null);
              } else {
                mine.completeExceptionally(unwrap(error));
              }
            });
    return FutureConverters.asScala(mine);
  }

  private CompletableFuture<Void> delete(Ready r, String persistenceId, long toSequenceNr) {
    return r.queries()
        .deletedTo(persistenceId)
        .thenCompose(
            deleted ->
                r.queries()
                    .highestStored(
                        persistenceId, settings.partitionNr(Math.max(deleted, 1L)), deleted)
                    .thenCompose(
                        highest -> {
                          // Never beyond the highest stored event: deleted_to is also the floor of
                          // the
                          // highest sequence number, which must not run ahead of what was written.
                          long to = Math.min(toSequenceNr, highest);
                          CompletableFuture<?> logical =
                              to <= deleted
                                  ? CompletableFuture.completedFuture(null)
                                  : r.session()
                                      .executeAsync(
                                          r.statements()
                                              .insertDeletedTo()
                                              .boundStatementBuilder()
                                              .setString(0, persistenceId)
                                              .setLong(1, to)
                                              .setExecutionProfileName(settings.writeProfile())
                                              .build())
                                      .toCompletableFuture();
                          return logical.thenCompose(
                              x -> {
                                List<CompletableFuture<?>> physical = new ArrayList<>();
                                long last = settings.partitionNr(Math.max(to, 1L)) + 1;
                                for (long p = settings.partitionNr(Math.max(deleted, 1L));
                                    p <= last;
                                    p++) {
                                  physical.add(
                                      r.session()
                                          .executeAsync(
                                              r.statements()
                                                  .deleteMessages()
                                                  .boundStatementBuilder()
                                                  .setString(0, persistenceId)
                                                  .setLong(1, p)
                                                  .setLong(2, to)
                                                  .setExecutionProfileName(settings.writeProfile())
                                                  .build())
                                          .toCompletableFuture());
                                }
                                return CompletableFuture.allOf(
                                    physical.toArray(CompletableFuture[]::new));
                              });
                        }));
  }

  /**
   * Completes as {@code source} does, with its failure's cause rather than a CompletionException.
   */
  private static <T> CompletableFuture<T> unwrapped(CompletionStage<? extends T> source) {
    CompletableFuture<T> target = new CompletableFuture<>();
    source.whenComplete(
        (ok, error) -> {
          if (error == null) {
            target.complete(ok);
          } else {
            target.completeExceptionally(unwrap(error));
          }
        });
    return target;
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
  }
}
