package io.peyvand.persistence.journal;

import static io.peyvand.persistence.journal.JournalClient.Outcome.FAILED;
import static io.peyvand.persistence.journal.JournalClient.Outcome.REJECTED;
import static io.peyvand.persistence.journal.JournalClient.Outcome.SUCCESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.cql.Row;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.peyvand.persistence.journal.JournalClient.Outcome;
import io.peyvand.persistence.journal.JournalClient.Replayed;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.journal.Tagged;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The journal contract, checked on {@link CassandraJournal} against the real Cassandra through
 * Pekko's journal protocol: ordering, atomic writes, replay bounds, highest sequence numbers,
 * deletes, many entities at once, and failures confined to the entity whose write failed. The
 * partition size is 5 so that partition boundaries are crossed all the time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CassandraJournalIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();

  private ActorSystem system;
  private JournalClient journal;

  static Config config(CassandraKeyspace cassandra) {
    return cassandra
        .config()
        .withFallback(
            ConfigFactory.parseString(
                """
        pekko.persistence.cassandra.journal.target-partition-size = 5
        # One request at a time, so that concurrent writes surely share requests.
        peyvand.journal-serial = ${peyvand.journal} { max-in-flight = 1 }
        # ... and groups as large as Cassandra's own refusals allow, so that a write it refuses
        # (a partition key over 64 KiB) shares a request with others.
        peyvand.journal-serial-large = ${peyvand.journal} { max-in-flight = 1, max-batch-bytes = 1MiB }
        pekko.loglevel = WARNING
        """))
        .withFallback(ConfigFactory.load())
        .resolve();
  }

  @BeforeAll
  void start() {
    system = ActorSystem.create("journal-it", config(cassandra));
    journal = new JournalClient(system, "peyvand.journal");
  }

  @AfterAll
  void stop() {
    TestKit.shutdownActorSystem(system);
  }

  private static List<Long> range(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().toList();
  }

  @Test
  void aFactIsStoredBesideItsEventNotAsATagAndOutlivesTheEvent() throws Exception {
    Set<String> tags = Set.of(EventFacts.tag("t|one"), "plain-tag");
    assertEquals(
        List.of(SUCCESS, SUCCESS),
        journal.write(List.of(journal.atomic("facts", 1, new Tagged("a", tags), "b"))));
    List<EventFacts.Fact> facts = new ArrayList<>();
    EventFacts reader =
        new EventFacts(
            CompletableFuture.completedFuture(cassandra.session()), cassandra.keyspace(), 16);
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    for (LocalDate day : List.of(today.minusDays(1), today)) {
      reader.read(day).toCompletableFuture().get(10, TimeUnit.SECONDS).stream()
          .filter(f -> f.persistenceId().equals("facts"))
          .forEach(facts::add);
    }
    assertEquals(List.of(new EventFacts.Fact("facts", 1, "t|one")), facts);
    Row row =
        cassandra
            .session()
            .execute(
                "SELECT tags FROM "
                    + cassandra.keyspace()
                    + ".messages WHERE persistence_id = 'facts' AND partition_nr = 0"
                    + " AND sequence_nr = 1")
            .one();
    assertEquals(Set.of("plain-tag"), row.getSet(0, String.class), "the fact is not a tag");
    assertEquals(List.of("a", "b"), journal.replayAll("facts").payloads(), "replayed untagged");
    journal.delete("facts", 2);
    assertEquals(List.of(), journal.replayAll("facts").payloads());
    assertEquals(
        1,
        reader.read(today).toCompletableFuture().get(10, TimeUnit.SECONDS).stream()
                .filter(f -> f.persistenceId().equals("facts"))
                .count()
            + reader
                .read(today.minusDays(1))
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS)
                .stream()
                .filter(f -> f.persistenceId().equals("facts"))
                .count(),
        "the fact outlives its deleted event (the statistics count it once)");
  }

  @Test
  void eventsAreReplayedInTheOrderTheyWereWritten() {
    journal.writeEach("order", 12);
    Replayed all = journal.replayAll("order");
    assertEquals(range(1, 12), all.sequenceNrs());
    assertEquals("e-1", all.payloads().get(0));
    assertEquals("e-12", all.payloads().get(11));
    assertEquals(12, all.highest());
    assertTrue(all.events().stream().allMatch(e -> e.writerUuid().equals(journal.writerUuid)));
  }

  @Test
  void anAtomicWriteIsStoredInOnePartitionEvenAcrossTheBoundary() {
    journal.writeEach("atomic", 3);
    // 4..8 crosses from partition 0 (1..5) into 1 (6..10); 9..15 leaves partition 2 (11..15)
    // holding 9 and 10 as well.
    assertEquals(
        List.of(SUCCESS, SUCCESS, SUCCESS, SUCCESS, SUCCESS),
        journal.write(List.of(journal.atomic("atomic", 4, "a", "b", "c", "d", "e"))));
    assertEquals(
        List.of(SUCCESS, SUCCESS, SUCCESS, SUCCESS, SUCCESS, SUCCESS, SUCCESS),
        journal.write(List.of(journal.atomic("atomic", 9, "f", "g", "h", "i", "j", "k", "l"))));

    Map<Long, Long> partitions = new java.util.HashMap<>();
    for (Row row :
        cassandra
            .session()
            .execute(
                "SELECT partition_nr, sequence_nr FROM "
                    + cassandra.keyspace()
                    + ".messages WHERE persistence_id = 'atomic' AND partition_nr IN"
                    + " (0, 1, 2, 3)")) {
      partitions.put(row.getLong(1), row.getLong(0));
    }
    for (long s = 4; s <= 8; s++) {
      assertEquals(1L, partitions.get(s), "event " + s + " lives with the rest of its write");
    }
    for (long s = 9; s <= 15; s++) {
      assertEquals(2L, partitions.get(s), "event " + s + " lives with the rest of its write");
    }
    Replayed all = journal.replayAll("atomic");
    assertEquals(range(1, 15), all.sequenceNrs());
    assertEquals(15, all.highest());
    assertEquals(
        List.of("e-1", "e-2", "e-3", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"),
        all.payloads());
  }

  @Test
  void anAtomicWriteOverThreePartitionsIsRejected() {
    // 5..11 touches partitions 0, 1 and 2: a reader could not find it, so it is not written.
    assertEquals(
        List.of(REJECTED, REJECTED, REJECTED, REJECTED, REJECTED, REJECTED, REJECTED),
        journal.write(List.of(journal.atomic("wide", 5, "5", "6", "7", "8", "9", "10", "11"))));
  }

  @Test
  void anEmptyPartitionBeforeTheLastWriteIsSkippedByReplayAndHighest() {
    journal.writeEach("skip", 5);
    // 6..12 is stored in partition 2 (11..15): partition 1 stays empty.
    journal.write(List.of(journal.atomic("skip", 6, "6", "7", "8", "9", "10", "11", "12")));
    journal.write(List.of(journal.atomic("skip", 13, "13")));
    assertEquals(0, cassandra.countMessages("skip", "partition_nr = 1"));
    Replayed all = journal.replayAll("skip");
    assertEquals(range(1, 13), all.sequenceNrs());
    assertEquals(13, all.highest());
    assertEquals(
        range(7, 13), journal.replay("skip", 7, Long.MAX_VALUE, Long.MAX_VALUE).sequenceNrs());
  }

  /**
   * A recovery may start after any sequence number (its snapshot's): the highest is found from
   * each, the partition ends (5, 10) and a partition left empty by a write that spans it included.
   */
  @Test
  void theHighestSequenceNrIsFoundFromEverySnapshotPoint() {
    journal.writeEach("from-each", 12);
    journal.writeEach("from-skip", 5);
    // 6..12 is stored in partition 2: partition 1 stays empty.
    journal.write(List.of(journal.atomic("from-skip", 6, "6", "7", "8", "9", "10", "11", "12")));
    for (long from = 1; from <= 13; from++) {
      assertEquals(
          12,
          journal.replay("from-each", from, Long.MAX_VALUE, Long.MAX_VALUE).highest(),
          "from-each, replay from " + from);
      assertEquals(
          12,
          journal.replay("from-skip", from, Long.MAX_VALUE, Long.MAX_VALUE).highest(),
          "from-skip, replay from " + from);
    }
  }

  /**
   * The recovery of an entity that never wrote (most mailboxes woken for their first message) reads
   * two partitions of messages, not three (docs/DELIVERY-PATH.md), and finds nothing.
   */
  @Test
  void aRecoveryOfAnEntityThatNeverWroteReadsTwoPartitions() {
    long before = messageReads();
    Replayed none = journal.replayAll("fresh-recovery");
    assertEquals(0, none.highest());
    assertEquals(2, messageReads() - before);
  }

  /** Reads of the messages table so far, as Cassandra counts them. */
  private long messageReads() {
    return cassandra
        .session()
        .execute(
            "SELECT count FROM system_views.local_read_latency"
                + " WHERE keyspace_name = ? AND table_name = 'messages'",
            cassandra.keyspace())
        .one()
        .getLong(0);
  }

  @Test
  void replayStartsAtTheRequestedSequenceNrAndStopsAtMaxOrTheUpperBound() {
    journal.writeEach("bounds", 20);
    assertEquals(List.of(5L, 6L, 7L), journal.replay("bounds", 5, 15, 3).sequenceNrs());
    assertEquals(range(5, 8), journal.replay("bounds", 5, 8, Long.MAX_VALUE).sequenceNrs());
    assertEquals(
        range(18, 20), journal.replay("bounds", 18, Long.MAX_VALUE, Long.MAX_VALUE).sequenceNrs());
    assertEquals(range(11, 11), journal.replay("bounds", 11, 11, 10).sequenceNrs());
    assertEquals(
        List.of(), journal.replay("bounds", 21, Long.MAX_VALUE, Long.MAX_VALUE).sequenceNrs());
    assertEquals(List.of(), journal.replay("bounds", 5, 15, 0).sequenceNrs());
    assertEquals(20, journal.replay("bounds", 5, 15, 3).highest());
  }

  @Test
  void theHighestSequenceNrOfAnUnknownEntityIsZero() {
    Replayed none = journal.replayAll("never-written");
    assertEquals(List.of(), none.events());
    assertEquals(0, none.highest());
  }

  @Test
  void deletedEventsAreNotReplayedAndTheHighestSequenceNrSurvivesThem() {
    journal.writeEach("delete", 12);
    assertEquals(7, journal.delete("delete", 7));
    Replayed afterPartial = journal.replayAll("delete");
    assertEquals(range(8, 12), afterPartial.sequenceNrs());
    assertEquals(12, afterPartial.highest());
    // Physically gone too, not only hidden.
    assertEquals(
        0, cassandra.countMessages("delete", "partition_nr IN (0, 1) AND sequence_nr <= 7"));

    // A delete to an earlier sequence number changes nothing.
    journal.delete("delete", 3);
    assertEquals(range(8, 12), journal.replayAll("delete").sequenceNrs());

    // Everything deleted: the highest sequence number stays, and writing goes on after it.
    journal.delete("delete", Long.MAX_VALUE);
    Replayed afterAll = journal.replayAll("delete");
    assertEquals(List.of(), afterAll.events());
    assertEquals(12, afterAll.highest());
    assertEquals(12, cassandra.deletedTo("delete"));
    assertWritingGoesOnAt("delete", 13);
  }

  @Test
  void aDeleteBeyondTheHighestSequenceNrDoesNotRaiseIt() {
    journal.writeEach("over-delete", 4);
    journal.delete("over-delete", 100);
    assertEquals(4, cassandra.deletedTo("over-delete"));
    assertEquals(4, journal.replayAll("over-delete").highest());
    assertWritingGoesOnAt("over-delete", 5);
  }

  @Test
  void aFullyDeletedPartitionRangeDoesNotHideLaterEvents() {
    journal.writeEach("far", 23);
    journal.delete("far", 20);
    // Partitions 0..3 are empty now; the highest and the replay must look past them.
    Replayed rest = journal.replay("far", 1, Long.MAX_VALUE, Long.MAX_VALUE);
    assertEquals(range(21, 23), rest.sequenceNrs());
    assertEquals(23, rest.highest());
  }

  @Test
  void manyEntitiesWritingAtOnceShareRequestsAndEachGetsItsOwnEvents() {
    JournalClient serial = new JournalClient(system, "peyvand.journal-serial");
    CassandraJournal.Stats before = serial.stats();
    TestKit probe = new TestKit(system);
    int entities = 400;
    for (int round = 0; round < 3; round++) {
      for (int e = 0; e < entities; e++) {
        serial.send(
            probe, List.of(serial.atomic("many-" + e, round + 1, "m" + e + "-" + round)), e);
      }
      Map<String, Map<Long, Outcome>> outcomes = JournalClient.collect(probe, entities, entities);
      assertEquals(entities, outcomes.size());
      for (Map<Long, Outcome> perEntity : outcomes.values()) {
        assertEquals(Map.of((long) round + 1, SUCCESS), perEntity);
      }
    }
    CassandraJournal.Stats after = serial.stats();
    assertEquals(3L * entities, after.writes() - before.writes());
    assertTrue(
        after.requests() - before.requests() < entities,
        "group commit: "
            + (after.requests() - before.requests())
            + " requests for "
            + 3 * entities
            + " writes");
    for (int e = 0; e < entities; e += 37) {
      Replayed replayed = serial.replayAll("many-" + e);
      assertEquals(List.of("m" + e + "-0", "m" + e + "-1", "m" + e + "-2"), replayed.payloads());
    }
  }

  /**
   * Two writes of one entity outstanding at once (Pekko's typed entities never do this; classic
   * {@code persistAsync} can): both succeed and are stored in order. The journal completes the
   * later write's future after the earlier one's, but Pekko sends each reply from its own callback
   * on the plugin dispatcher, so the two replies themselves may cross under load (they did, once,
   * in CI): their order is not asserted.
   */
  @Test
  void anEntityWithTwoWritesOutstandingHasBothStoredInOrder() {
    TestKit probe = new TestKit(system);
    int entities = 100;
    for (int e = 0; e < entities; e++) {
      journal.send(probe, List.of(journal.atomic("two-" + e, 1, "first")), e);
      journal.send(probe, List.of(journal.atomic("two-" + e, 2, "second")), e);
    }
    Map<String, java.util.Set<Long>> succeeded = new java.util.HashMap<>();
    int replies = 0;
    while (replies < 4 * entities) {
      Object reply = probe.expectMsgClass(JournalClient.TIMEOUT, Object.class);
      replies++;
      if (reply instanceof org.apache.pekko.persistence.JournalProtocol.WriteMessageSuccess w) {
        succeeded
            .computeIfAbsent(w.persistent().persistenceId(), k -> new java.util.TreeSet<>())
            .add(w.persistent().sequenceNr());
      }
    }
    for (int e = 0; e < entities; e += 7) {
      assertEquals(java.util.Set.of(1L, 2L), succeeded.get("two-" + e), "two-" + e);
      assertEquals(
          List.of("first", "second"), journal.replayAll("two-" + e).payloads(), "two-" + e);
    }
  }

  @Test
  void aWriteCassandraRefusesFailsOnlyItsOwnEntity() {
    JournalClient serial = new JournalClient(system, "peyvand.journal-serial-large");
    CassandraJournal.Stats before = serial.stats();
    // Cassandra refuses a partition key over 64 KiB: a real refusal of one entity's write.
    String tooLong = "x".repeat(70_000);
    TestKit probe = new TestKit(system);
    int entities = 60;
    for (int e = 0; e < entities; e++) {
      String id = e == entities / 2 ? tooLong : "innocent-" + e;
      serial.send(probe, List.of(serial.atomic(id, 1, "i" + e)), e);
    }
    Map<String, Map<Long, Outcome>> outcomes = JournalClient.collect(probe, entities, entities);
    assertEquals(Map.of(1L, FAILED), outcomes.get(tooLong));
    for (int e = 0; e < entities; e++) {
      if (e != entities / 2) {
        assertEquals(Map.of(1L, SUCCESS), outcomes.get("innocent-" + e), "innocent-" + e);
        assertEquals(List.of("i" + e), serial.replayAll("innocent-" + e).payloads());
      }
    }
    assertTrue(
        serial.stats().splits() > before.splits(),
        "the refused write shared a request with others, which were sent again alone");
  }

  /**
   * A new entity's first write carries its all_persistence_ids row, another partition: sent in one
   * batch with a large event, Cassandra refused it as over batch_size_fail_threshold (50 KiB), so
   * the first 65,536-byte message of a mailbox failed forever (issue 14). Every size a single
   * request may carry is stored, first write or not, alone or among other entities' writes.
   */
  @Test
  void largeWritesAreStoredFirstOrNotAloneOrAmongOthers() {
    String big = "x".repeat(70_000);
    assertEquals(List.of(SUCCESS), journal.write(List.of(journal.atomic("large-first", 1, big))));
    assertEquals(List.of(SUCCESS), journal.write(List.of(journal.atomic("large-first", 2, big))));
    assertEquals(
        List.of(SUCCESS, SUCCESS),
        journal.write(List.of(journal.atomic("large-atomic", 1, big, big + "y"))));
    assertEquals(List.of(big, big), journal.replayAll("large-first").payloads());
    assertEquals(List.of(big, big + "y"), journal.replayAll("large-atomic").payloads());

    JournalClient serial = new JournalClient(system, "peyvand.journal-serial");
    TestKit probe = new TestKit(system);
    int entities = 40;
    for (int e = 0; e < entities; e++) {
      String payload = e % 3 == 0 ? big + e : "small-" + e;
      serial.send(probe, List.of(serial.atomic("large-mixed-" + e, 1, payload)), e);
    }
    Map<String, Map<Long, Outcome>> outcomes = JournalClient.collect(probe, entities, entities);
    for (int e = 0; e < entities; e++) {
      assertEquals(Map.of(1L, SUCCESS), outcomes.get("large-mixed-" + e), "large-mixed-" + e);
      assertEquals(
          List.of(e % 3 == 0 ? big + e : "small-" + e),
          serial.replayAll("large-mixed-" + e).payloads());
    }
    Set<String> ids = new HashSet<>();
    cassandra
        .session()
        .execute("SELECT persistence_id FROM " + cassandra.keyspace() + ".all_persistence_ids")
        .forEach(row -> ids.add(row.getString(0)));
    assertTrue(
        ids.containsAll(List.of("large-first", "large-atomic", "large-mixed-0", "large-mixed-1")),
        "each new entity is listed in all_persistence_ids");
  }

  @Test
  void anEventThatCannotBeSerializedIsRejectedAndTheEntityGoesOn() {
    List<AtomicWrite> writes = new ArrayList<>();
    writes.add(journal.atomic("reject", 1, "fine"));
    writes.add(journal.atomic("reject", 2, new Object()));
    writes.add(journal.atomic("reject", 3, "also fine"));
    assertEquals(List.of(SUCCESS, REJECTED, SUCCESS), journal.write(writes));
    Replayed replayed = journal.replayAll("reject");
    assertEquals(List.of(1L, 3L), replayed.sequenceNrs());
    assertEquals(3, replayed.highest());
  }

  @Test
  void theRowsAreThoseOfThePlugin() {
    journal.writeEach("columns", 1);
    Row row =
        cassandra
            .session()
            .execute(
                "SELECT * FROM "
                    + cassandra.keyspace()
                    + ".messages WHERE persistence_id = 'columns' AND partition_nr = 0")
            .one();
    assertEquals(1L, row.getLong("sequence_nr"));
    assertEquals(journal.writerUuid, row.getString("writer_uuid"));
    assertTrue(row.getInt("ser_id") > 0);
    assertEquals("", row.getString("event_manifest"));
    long bucket = Long.parseLong(row.getString("timebucket"));
    assertEquals(0, bucket % 3_600_000L, "hour buckets, as the plugin's default");
    assertTrue(row.getUuid("timestamp").version() == 1);
    Set<String> ids = new HashSet<>();
    cassandra
        .session()
        .execute("SELECT persistence_id FROM " + cassandra.keyspace() + ".all_persistence_ids")
        .forEach(r -> ids.add(r.getString(0)));
    assertTrue(ids.contains("columns"));
  }

  /** Writing {@code persistenceId}'s event {@code next} succeeds, and a replay gives it alone. */
  private void assertWritingGoesOnAt(String persistenceId, long next) {
    assertEquals(
        List.of(SUCCESS),
        journal.write(List.of(journal.atomic(persistenceId, next, String.valueOf(next)))));
    assertEquals(range(next, next), journal.replayAll(persistenceId).sequenceNrs());
  }
}
