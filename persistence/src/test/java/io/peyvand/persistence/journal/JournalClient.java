package io.peyvand.persistence.journal;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.DeleteMessagesFailure;
import org.apache.pekko.persistence.DeleteMessagesSuccess;
import org.apache.pekko.persistence.JournalProtocol;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.PersistentEnvelope;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.testkit.javadsl.TestKit;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Drives a journal plugin through Pekko's own journal protocol, as a persistent actor would: the
 * conformance tests see exactly the messages an entity would see.
 */
final class JournalClient {
  /** What became of one event of a write. */
  enum Outcome {
    SUCCESS,
    REJECTED,
    FAILED
  }

  /** The events of a replay and the highest sequence number the journal reported. */
  record Replayed(List<PersistentRepr> events, long highest) {
    List<Long> sequenceNrs() {
      return events.stream().map(PersistentRepr::sequenceNr).toList();
    }

    List<Object> payloads() {
      return events.stream().map(PersistentRepr::payload).toList();
    }
  }

  static final Duration TIMEOUT = Duration.ofSeconds(20);

  final ActorSystem system;
  final ActorRef journal;
  final String writerUuid = UUID.randomUUID().toString();

  JournalClient(ActorSystem system, String pluginId) {
    this.system = system;
    this.journal = Persistence.get(system).journalFor(pluginId, ConfigFactory.empty());
  }

  static PersistentRepr repr(String persistenceId, long sequenceNr, Object payload, String writer) {
    return PersistentRepr.apply(
        payload, sequenceNr, persistenceId, "", false, ActorRef.noSender(), writer);
  }

  /** One atomic write of {@code payloads} from sequence number {@code from}. */
  AtomicWrite atomic(String persistenceId, long from, Object... payloads) {
    List<PersistentRepr> reprs = new ArrayList<>();
    for (int i = 0; i < payloads.length; i++) {
      reprs.add(repr(persistenceId, from + i, payloads[i], writerUuid));
    }
    return new AtomicWrite(CollectionConverters.asScala(reprs).toList());
  }

  /** Sends the writes of one entity as one WriteMessages, as a persistent actor does. */
  void send(TestKit probe, List<AtomicWrite> writes, int instanceId) {
    List<PersistentEnvelope> envelopes = new ArrayList<>(writes);
    journal.tell(
        new JournalProtocol.WriteMessages(
            CollectionConverters.asScala(envelopes).toList(), probe.getRef(), instanceId),
        ActorRef.noSender());
  }

  /** Writes and waits: the outcome of each event, in order. */
  List<Outcome> write(List<AtomicWrite> writes) {
    TestKit probe = new TestKit(system);
    send(probe, writes, 1);
    int events = writes.stream().mapToInt(AtomicWrite::size).sum();
    Map<Long, Outcome> bySequenceNr = collect(probe, 1, events).get(writes.get(0).persistenceId());
    List<Outcome> outcomes = new ArrayList<>();
    for (AtomicWrite w : writes) {
      for (long s = w.lowestSequenceNr(); s <= w.highestSequenceNr(); s++) {
        outcomes.add(bySequenceNr.get(s));
      }
    }
    return outcomes;
  }

  /** Writes single events 1..n to {@code persistenceId}, each its own atomic write and request. */
  void writeEach(String persistenceId, int n) {
    for (int i = 1; i <= n; i++) {
      if (write(List.of(atomic(persistenceId, i, "e-" + i))).get(0) != Outcome.SUCCESS) {
        throw new AssertionError("write " + i + " of " + persistenceId + " failed");
      }
    }
  }

  /**
   * Collects the replies to {@code calls} WriteMessages carrying {@code events} events in all:
   * outcome per persistence id and sequence number.
   */
  static Map<String, Map<Long, Outcome>> collect(TestKit probe, int calls, int events) {
    Map<String, Map<Long, Outcome>> outcomes = new HashMap<>();
    int batchReplies = 0;
    int eventReplies = 0;
    while (batchReplies < calls || eventReplies < events) {
      Object reply = probe.expectMsgClass(TIMEOUT, Object.class);
      if (reply instanceof JournalProtocol.WriteMessageSuccess s) {
        record(outcomes, s.persistent(), Outcome.SUCCESS);
        eventReplies++;
      } else if (reply instanceof JournalProtocol.WriteMessageRejected r) {
        record(outcomes, r.message(), Outcome.REJECTED);
        eventReplies++;
      } else if (reply instanceof JournalProtocol.WriteMessageFailure f) {
        record(outcomes, f.message(), Outcome.FAILED);
        eventReplies++;
      } else if (reply == JournalProtocol.WriteMessagesSuccessful$.MODULE$
          || reply instanceof JournalProtocol.WriteMessagesFailed) {
        batchReplies++;
      } else {
        throw new AssertionError("unexpected reply " + reply);
      }
    }
    return outcomes;
  }

  private static void record(
      Map<String, Map<Long, Outcome>> outcomes, PersistentRepr repr, Outcome outcome) {
    outcomes
        .computeIfAbsent(repr.persistenceId(), k -> new HashMap<>())
        .put(repr.sequenceNr(), outcome);
  }

  Replayed replay(String persistenceId, long from, long to, long max) {
    TestKit probe = new TestKit(system);
    journal.tell(
        new JournalProtocol.ReplayMessages(from, to, max, persistenceId, probe.getRef()),
        ActorRef.noSender());
    List<PersistentRepr> events = new ArrayList<>();
    while (true) {
      Object reply = probe.expectMsgClass(TIMEOUT, Object.class);
      if (reply instanceof JournalProtocol.ReplayedMessage m) {
        events.add(m.persistent());
      } else if (reply instanceof JournalProtocol.RecoverySuccess s) {
        return new Replayed(events, s.highestSequenceNr());
      } else {
        throw new AssertionError("unexpected reply " + reply);
      }
    }
  }

  Replayed replayAll(String persistenceId) {
    return replay(persistenceId, 1L, Long.MAX_VALUE, Long.MAX_VALUE);
  }

  /** Deletes up to {@code to}; the sequence number the journal confirmed. */
  long delete(String persistenceId, long to) {
    TestKit probe = new TestKit(system);
    journal.tell(
        new JournalProtocol.DeleteMessagesTo(persistenceId, to, probe.getRef()),
        ActorRef.noSender());
    Object reply = probe.expectMsgClass(TIMEOUT, Object.class);
    if (reply instanceof DeleteMessagesSuccess s) {
      return s.toSequenceNr();
    }
    if (reply instanceof DeleteMessagesFailure f) {
      throw new AssertionError("delete failed", f.cause());
    }
    throw new AssertionError("unexpected reply " + reply);
  }

  CassandraJournal.Stats stats() {
    TestKit probe = new TestKit(system);
    journal.tell(CassandraJournal.GetStats.INSTANCE, probe.getRef());
    return probe.expectMsgClass(TIMEOUT, CassandraJournal.Stats.class);
  }
}
