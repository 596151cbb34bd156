package io.peyvand.persistence.journal;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The journal's prepared statements, on the tables of pekko-persistence-cassandra (migration V001):
 * the same columns, with the same meaning, as that plugin's CassandraJournalStatements.
 */
record JournalStatements(
    PreparedStatement insert,
    PreparedStatement insertWithMeta,
    PreparedStatement selectMessages,
    PreparedStatement selectMessagesDescending,
    PreparedStatement selectHighest,
    PreparedStatement selectDeletedTo,
    PreparedStatement insertDeletedTo,
    PreparedStatement deleteMessages,
    PreparedStatement insertPersistenceId,
    PreparedStatement insertFact) {

  /**
   * The columns the message selects return, in this order: 0 sequence_nr, 1 timestamp, 2
   * writer_uuid, 3 ser_id, 4 ser_manifest, 5 event_manifest, 6 event, 7 meta_ser_id, 8
   * meta_ser_manifest, 9 meta.
   */
  static final String MESSAGE_COLUMNS =
      "sequence_nr, timestamp, writer_uuid, ser_id, ser_manifest,"
          + " event_manifest, event, meta_ser_id, meta_ser_manifest, meta";

  static CompletionStage<JournalStatements> prepare(CqlSession session, String keyspace) {
    String messages = keyspace + ".messages";
    String metadata = keyspace + ".metadata";
    var insert =
        session
            .prepareAsync(
                "INSERT INTO "
                    + messages
                    + " (persistence_id, partition_nr, sequence_nr, timestamp, timebucket, writer_uuid,"
                    + " ser_id, ser_manifest, event_manifest, event, tags)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .toCompletableFuture();
    var insertWithMeta =
        session
            .prepareAsync(
                "INSERT INTO "
                    + messages
                    + " (persistence_id, partition_nr, sequence_nr, timestamp, timebucket, writer_uuid,"
                    + " ser_id, ser_manifest, event_manifest, event, tags, meta_ser_id, meta_ser_manifest,"
                    + " meta) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .toCompletableFuture();
    String selectRange =
        "SELECT "
            + MESSAGE_COLUMNS
            + " FROM "
            + messages
            + " WHERE persistence_id = ? AND partition_nr = ? AND sequence_nr >= ?"
            + " AND sequence_nr <= ?";
    var selectMessages = session.prepareAsync(selectRange).toCompletableFuture();
    // Newest first, for history pages (JournalReader): the same rows, clustering order reversed.
    var selectMessagesDescending =
        session.prepareAsync(selectRange + " ORDER BY sequence_nr DESC").toCompletableFuture();
    var selectHighest =
        session
            .prepareAsync(
                "SELECT sequence_nr FROM "
                    + messages
                    + " WHERE persistence_id = ? AND partition_nr = ? ORDER BY sequence_nr DESC LIMIT 1")
            .toCompletableFuture();
    var selectDeletedTo =
        session
            .prepareAsync("SELECT deleted_to FROM " + metadata + " WHERE persistence_id = ?")
            .toCompletableFuture();
    var insertDeletedTo =
        session
            .prepareAsync("INSERT INTO " + metadata + " (persistence_id, deleted_to) VALUES (?, ?)")
            .toCompletableFuture();
    var deleteMessages =
        session
            .prepareAsync(
                "DELETE FROM "
                    + messages
                    + " WHERE persistence_id = ? AND partition_nr = ? AND sequence_nr >= 0"
                    + " AND sequence_nr <= ?")
            .toCompletableFuture();
    var insertPersistenceId =
        session
            .prepareAsync(
                "INSERT INTO " + keyspace + ".all_persistence_ids (persistence_id) VALUES (?)")
            .toCompletableFuture();
    var insertFact =
        session
            .prepareAsync(
                "INSERT INTO "
                    + keyspace
                    + "."
                    + EventFacts.TABLE
                    + " (day, shard, persistence_id, sequence_nr, fact) VALUES (?, ?, ?, ?, ?)"
                    + " USING TTL ?")
            .toCompletableFuture();
    return CompletableFuture.allOf(
            insertFact,
            insert,
            insertWithMeta,
            selectMessages,
            selectMessagesDescending,
            selectHighest,
            selectDeletedTo,
            insertDeletedTo,
            deleteMessages,
            insertPersistenceId)
        .thenApply(
            done ->
                new JournalStatements(
                    insert.join(),
                    insertWithMeta.join(),
                    selectMessages.join(),
                    selectMessagesDescending.join(),
                    selectHighest.join(),
                    selectDeletedTo.join(),
                    insertDeletedTo.join(),
                    deleteMessages.join(),
                    insertPersistenceId.join(),
                    insertFact.join()));
  }
}
