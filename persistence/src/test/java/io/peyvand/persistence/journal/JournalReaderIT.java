package io.peyvand.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.typesafe.config.Config;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link JournalReader} against the real Cassandra, on events written by the real journal (through
 * Pekko's journal protocol and through EventSourcedBehaviors), with a partition size of 5 so that
 * every page crosses partition boundaries: order, bounds, page sizes, partitions left empty by
 * atomic writes and by deletes, deleted_to, unknown entities, events written by the plugin, and
 * pages read while the entity keeps writing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JournalReaderIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();

  private ActorTestKit testKit;
  private JournalClient journal;
  private JournalReader reader;
  private Serialization serialization;

  @BeforeAll
  void start() {
    testKit = ActorTestKit.create("journal-reader", CassandraJournalIT.config(cassandra));
    journal = new JournalClient(testKit.system().classicSystem(), "peyvand.journal");
    reader = JournalReader.create(testKit.system());
    serialization = SerializationExtension.get(testKit.system().classicSystem());
  }

  @AfterAll
  void stop() {
    testKit.shutdownTestKit();
  }

  private List<StoredEvent> backward(String persistenceId, long from, int max) {
    return await(reader.readBackward(persistenceId, from, max).toCompletableFuture());
  }

  private List<StoredEvent> forward(String persistenceId, long from, int max) {
    return await(reader.readForward(persistenceId, from, max).toCompletableFuture());
  }

  private static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get(JournalClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static List<Long> seqs(List<StoredEvent> events) {
    return events.stream().map(StoredEvent::sequenceNr).toList();
  }

  private static List<Long> down(long from, long to) {
    return LongStream.rangeClosed(to, from).map(s -> from + to - s).boxed().toList();
  }

  private static List<Long> up(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().toList();
  }

  /** Every page backward from {@code from}, {@code max} at a time, until a short page. */
  private List<List<StoredEvent>> allPagesBackward(String persistenceId, long from, int max) {
    List<List<StoredEvent>> pages = new ArrayList<>();
    long next = from;
    while (true) {
      List<StoredEvent> page = backward(persistenceId, next, max);
      pages.add(page);
      if (page.size() < max) {
        return pages;
      }
      next = page.get(page.size() - 1).sequenceNr() - 1;
    }
  }

  @Test
  void pagesGoNewestFirstAcrossPartitionsUntilTheFirstEvent() {
    journal.writeEach("pages", 23);
    List<List<StoredEvent>> pages = allPagesBackward("pages", Long.MAX_VALUE, 4);
    assertEquals(6, pages.size(), "five full pages of 4 and one of 3");
    List<Long> all = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      assertEquals(4, pages.get(i).size());
      all.addAll(seqs(pages.get(i)));
    }
    assertEquals(down(3, 1), seqs(pages.get(5)));
    all.addAll(seqs(pages.get(5)));
    assertEquals(down(23, 1), all);

    StoredEvent newest = pages.get(0).get(0);
    assertEquals("e-23", newest.payload(serialization));
    assertEquals("pages", newest.persistenceId());
    assertEquals(journal.writerUuid, newest.writerUuid());
    assertEquals("", newest.eventManifest());
    assertEquals(serialization.findSerializerFor("e-23").identifier(), newest.serId());
    assertArrayEquals("e-23".getBytes(StandardCharsets.UTF_8), newest.event());
    long now = System.currentTimeMillis();
    assertTrue(
        newest.timestampMillis() > now - 600_000 && newest.timestampMillis() <= now + 1000,
        "written just now: " + newest.timestampMillis());
    for (List<StoredEvent> page : pages) {
      for (StoredEvent e : page) {
        assertEquals("e-" + e.sequenceNr(), e.payload(serialization));
      }
    }
  }

  @Test
  void aPageStartsAtTheRequestedSequenceNrAndHoldsAtMostMaxEvents() {
    journal.writeEach("bounds", 12);
    assertEquals(List.of(10L, 9L, 8L), seqs(backward("bounds", 10, 3)));
    assertEquals(List.of(5L), seqs(backward("bounds", 5, 1)));
    assertEquals(List.of(6L, 5L), seqs(backward("bounds", 6, 2)), "6 and 5 in two partitions");
    assertEquals(down(12, 1), seqs(backward("bounds", 12, 100)));
    assertEquals(down(3, 1), seqs(backward("bounds", 3, 100)));
    assertEquals(List.of(1L), seqs(backward("bounds", 1, 5)));
    assertEquals(List.of(), backward("bounds", 0, 5));
    // Beyond the newest event: the page starts at the newest.
    assertEquals(List.of(12L, 11L), seqs(backward("bounds", 13, 2)));
    assertEquals(List.of(12L, 11L), seqs(backward("bounds", 1_000, 2)));
    assertEquals(List.of(12L, 11L, 10L), seqs(backward("bounds", Long.MAX_VALUE, 3)));
    assertThrows(IllegalArgumentException.class, () -> reader.readBackward("bounds", 5, 0));

    assertEquals(up(4, 7), seqs(forward("bounds", 4, 4)));
    assertEquals(up(10, 12), seqs(forward("bounds", 10, 100)));
    assertEquals(up(1, 2), seqs(forward("bounds", 0, 2)));
    assertEquals(List.of(), forward("bounds", 13, 5));
    assertThrows(IllegalArgumentException.class, () -> reader.readForward("bounds", 1, 0));
  }

  @Test
  void partitionsLeftEmptyByAtomicWritesAreCrossedBothWays() {
    journal.writeEach("gap", 5);
    // 6..12 is one atomic write stored in partition 2 (the range 11..15): partition 1 stays
    // empty; 13 lands in partition 2 too; 14..17 crosses into partition 3.
    journal.write(
        List.of(journal.atomic("gap", 6, "e-6", "e-7", "e-8", "e-9", "e-10", "e-11", "e-12")));
    journal.write(List.of(journal.atomic("gap", 13, "e-13")));
    journal.write(List.of(journal.atomic("gap", 14, "e-14", "e-15", "e-16", "e-17")));
    assertEquals(0, cassandra.countMessages("gap", "partition_nr = 1"));

    assertEquals(down(17, 1), seqs(backward("gap", Long.MAX_VALUE, 100)));
    // 10 is stored in partition 2, not in its own partition 1.
    assertEquals(List.of(10L, 9L, 8L), seqs(backward("gap", 10, 3)));
    // 15 is stored in partition 3 with the rest of its write.
    assertEquals(List.of(15L, 14L, 13L), seqs(backward("gap", 15, 3)));
    assertEquals(List.of(6L, 5L, 4L), seqs(backward("gap", 6, 3)));
    List<Long> paged = new ArrayList<>();
    allPagesBackward("gap", Long.MAX_VALUE, 3).forEach(page -> paged.addAll(seqs(page)));
    assertEquals(down(17, 1), paged);
    for (StoredEvent e : backward("gap", 17, 100)) {
      assertEquals("e-" + e.sequenceNr(), e.payload(serialization));
    }

    assertEquals(up(1, 17), seqs(forward("gap", 1, 100)));
    assertEquals(up(4, 9), seqs(forward("gap", 4, 6)));
    assertEquals(up(7, 17), seqs(forward("gap", 7, 100)));
  }

  @Test
  void deletedEventsAreNeverReturnedAndTheirPartitionsAreSkipped() {
    journal.writeEach("deleted", 23);
    assertEquals(12, journal.delete("deleted", 12));
    // Partitions 0 and 1 are empty now, partition 2 holds 13..15 only.
    assertEquals(down(23, 13), seqs(backward("deleted", Long.MAX_VALUE, 100)));
    assertEquals(List.of(14L, 13L), seqs(backward("deleted", 14, 5)), "a short page: the end");
    assertEquals(List.of(), backward("deleted", 12, 5));
    assertEquals(List.of(), backward("deleted", 3, 5));
    assertEquals(up(13, 23), seqs(forward("deleted", 1, 100)));
    assertEquals(up(13, 15), seqs(forward("deleted", 5, 3)));

    journal.delete("deleted", Long.MAX_VALUE);
    assertEquals(List.of(), backward("deleted", Long.MAX_VALUE, 10));
    assertEquals(List.of(), forward("deleted", 1, 10));
    // Writing goes on after everything was deleted, and only the new events are history.
    journal.write(List.of(journal.atomic("deleted", 24, "e-24", "e-25")));
    assertEquals(List.of(25L, 24L), seqs(backward("deleted", Long.MAX_VALUE, 10)));
  }

  @Test
  void deletedToHidesEventsWhoseRowsAreStillThere() {
    // The journal raises deleted_to before it removes rows; a delete interrupted between the two
    // leaves exactly this: rows at or below deleted_to still stored.
    journal.writeEach("marker", 12);
    cassandra
        .session()
        .execute(
            "INSERT INTO "
                + cassandra.keyspace()
                + ".metadata (persistence_id, deleted_to) VALUES ('marker', 8)");
    assertEquals(12, cassandra.countMessages("marker", "partition_nr IN (0, 1, 2)"));
    assertEquals(down(12, 9), seqs(backward("marker", Long.MAX_VALUE, 100)));
    assertEquals(List.of(9L), seqs(backward("marker", 9, 3)));
    assertEquals(List.of(), backward("marker", 8, 3));
    assertEquals(up(9, 12), seqs(forward("marker", 1, 100)));
  }

  @Test
  void anUnknownPersistenceIdHasNoHistory() {
    assertEquals(List.of(), backward("nobody", Long.MAX_VALUE, 10));
    assertEquals(List.of(), backward("nobody", 7, 10));
    assertEquals(List.of(), forward("nobody", 1, 10));
  }

  /**
   * A reader whose session lets {@code write} run (and finish) just before the reader's first
   * select of {@code partition}: a write landing between the reads of two partitions, every time.
   */
  private JournalReader readerWritingBefore(long partition, Runnable write) {
    CqlSession real =
        await(
            CassandraSessionRegistry.get(testKit.system())
                .sessionFor("pekko.persistence.cassandra")
                .underlying()
                .toCompletableFuture());
    AtomicBoolean fired = new AtomicBoolean();
    CqlSession session =
        (CqlSession)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {CqlSession.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("executeAsync")
                      && args.length == 1
                      && args[0] instanceof BoundStatement select
                      && select.getPreparedStatement().getQuery().contains("sequence_nr >= ?")
                      && select.getLong(1) == partition
                      && fired.compareAndSet(false, true)) {
                    return CompletableFuture.runAsync(write)
                        .thenCompose(x -> real.executeAsync(select));
                  }
                  try {
                    return method.invoke(real, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    Config config = testKit.system().settings().config();
    return new JournalReader(
        CompletableFuture.completedFuture(session),
        JournalSettings.fromConfig(config, config.getConfig("peyvand.journal")));
  }

  @Test
  void aForwardPageEndsAtTheNewestEventStoredWhenItBegan() {
    journal.writeEach("tear", 7);
    // Partition 1 holds 6 and 7. Before the page reads partition 2, the entity writes 8, 9 and 10
    // (into partition 1, already read) and 11 (into partition 2): had the page gone on to the
    // newest event, it would hold 6, 7, 11.
    JournalReader tearing =
        readerWritingBefore(
            2,
            () -> {
              for (long s = 8; s <= 11; s++) {
                journal.write(List.of(journal.atomic("tear", s, "e-" + s)));
              }
            });
    assertEquals(
        List.of(6L, 7L), seqs(await(tearing.readForward("tear", 6, 100).toCompletableFuture())));
    assertEquals(up(6, 11), seqs(forward("tear", 6, 100)), "the next page has the rest");
  }

  /** Appends each group through a LogEntity (one event: persist; several: persistAll). */
  private void append(String id, String journalId, List<List<String>> groups) {
    ActorRef<LogEntity.Command> entity = testKit.spawn(LogEntity.create(id, journalId, 0));
    TestProbe<Done> done = testKit.createTestProbe();
    for (List<String> events : groups) {
      entity.tell(new LogEntity.Append(events, done.getRef()));
      done.expectMessage(JournalClient.TIMEOUT, Done.getInstance());
    }
    testKit.stop(entity, JournalClient.TIMEOUT);
  }

  @Test
  void eventsOfEventSourcedBehaviorsAreReadOnEitherJournal() {
    List<List<String>> groups =
        List.of(
            List.of("v1"),
            List.of("v2", "v3", "v4", "v5", "v6"),
            List.of("v7"),
            List.of("v8", "v9", "v10", "v11"),
            List.of("v12"));
    append("entity-ours", JournalCompatibilityIT.OURS, groups);
    append("entity-plugin", JournalCompatibilityIT.PLUGIN, groups);
    for (String id : List.of("entity-ours", "entity-plugin")) {
      List<StoredEvent> history = backward(id, Long.MAX_VALUE, 100);
      assertEquals(down(12, 1), seqs(history), id);
      for (StoredEvent e : history) {
        assertEquals("v" + e.sequenceNr(), e.payload(serialization), id);
      }
      assertEquals(List.of(9L, 8L, 7L, 6L), seqs(backward(id, 9, 4)), id);
      assertEquals(up(5, 8), seqs(forward(id, 5, 4)), id);
    }
  }

  @Test
  void pagesReadWhileTheEntityWritesAreAlwaysAGaplessPrefixOfItsHistory() throws Exception {
    ActorRef<LogEntity.Command> entity =
        testKit.spawn(LogEntity.create("live", JournalCompatibilityIT.OURS, 0));
    int rounds = 8;
    // Only a bound: the writer stops when the reader has done its rounds. 3,000 was reached
    // before the eighth round on a machine busy with other work (a reader slowed, not a bug).
    int maxCommands = 30_000;
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger written = new AtomicInteger();
    // The entity writes until the reader has done its rounds, so every round overlaps writes.
    CompletableFuture<Void> writer =
        CompletableFuture.runAsync(
            () -> {
              TestProbe<Done> done = testKit.createTestProbe();
              int seq = 0;
              for (int c = 0; c < maxCommands && !stop.get(); c++) {
                // Groups of 1, 2 and 3 events, so that atomic writes cross partition boundaries.
                List<String> events = new ArrayList<>();
                for (int i = 0; i <= c % 3; i++) {
                  events.add("v" + (++seq));
                }
                entity.tell(new LogEntity.Append(events, done.getRef()));
                done.expectMessage(JournalClient.TIMEOUT, Done.getInstance());
                written.set(seq);
              }
            });
    Set<Long> newestSeen = new TreeSet<>();
    int round = 0;
    for (; round < rounds && !writer.isDone(); round++) {
      // Each round reads around the top of the history, where the writes land; the whole
      // history is checked once the writer stopped.
      long acknowledged = written.get();
      List<Long> newestFirst = new ArrayList<>();
      // From beyond what was acknowledged: the page starts at the newest event stored.
      List<StoredEvent> page = backward("live", acknowledged + 3, 7);
      for (int p = 0; p < 4 && !page.isEmpty(); p++) {
        for (StoredEvent e : page) {
          assertEquals("v" + e.sequenceNr(), e.payload(serialization));
          newestFirst.add(e.sequenceNr());
        }
        page = backward("live", newestFirst.get(newestFirst.size() - 1) - 1, 7);
      }
      long newest = newestFirst.isEmpty() ? 0 : newestFirst.get(0);
      assertTrue(
          newest >= acknowledged,
          "an acknowledged event is visible: " + newest + " < " + acknowledged);
      assertEquals(down(newest, Math.max(1, newest - 27)), newestFirst, "no gaps backward");
      newestSeen.add(newest);

      long start = Math.max(1, newest - 20);
      List<Long> oneRead = seqs(forward("live", start, 10_000));
      assertTrue(start + oneRead.size() - 1 >= newest, "forward sees what backward saw");
      assertEquals(up(start, start + oneRead.size() - 1), oneRead, "no gaps forward");
      // Forward in small pages too, up to what the single read saw (not until the writer is
      // caught up): each starts where the last ended, none skips an event.
      long end = start + oneRead.size() - 1;
      for (long next = start; next <= end; ) {
        List<StoredEvent> small = forward("live", next, 4);
        assertTrue(small.size() == 4 || next + small.size() - 1 >= end, "a full page");
        assertEquals(up(next, next + small.size() - 1), seqs(small), "no gaps between pages");
        next += small.size();
      }
      // Right at the top, where the next write is landing: a read that went on into a partition
      // written after it began would show an event without the ones before it.
      for (int i = 0; i < 10; i++) {
        long top = Math.max(1, written.get() - 2);
        List<Long> atTop = seqs(forward("live", top, 100));
        assertEquals(up(top, top + atTop.size() - 1), atTop, "no gaps forward at the top");
      }
    }
    boolean writerStillWriting = !writer.isDone();
    stop.set(true);
    writer.get(JournalClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    assertTrue(
        writerStillWriting,
        "the writer wrote all "
            + maxCommands
            + " commands before the"
            + " reader finished its rounds ("
            + round
            + ")");
    // The rounds overlapped the writes (how many rounds saw a new top depends on the machine's
    // timing, so only that it grew is asserted; the gaplessness above is the property).
    assertTrue(newestSeen.size() >= 2, "the history grew while the reader read: " + newestSeen);

    long total = written.get();
    List<Long> paged = new ArrayList<>();
    allPagesBackward("live", Long.MAX_VALUE, 500).forEach(p -> paged.addAll(seqs(p)));
    assertEquals(down(total, 1), paged);
    assertEquals(up(1, total), seqs(forward("live", 1, 100_000)));
    testKit.stop(entity, JournalClient.TIMEOUT);
  }
}
