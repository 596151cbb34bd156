package io.peyvand.broker.faults;

import io.peyvand.protocol.v1.Delivery;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the senders were told and what the recipients received, per message id, and the check that
 * compares them. Every message has a unique id; a sender's retries reuse it. A message is
 * <em>lost</em> when the broker answered accepted (or duplicate: accepted by an earlier try) and
 * its recipient never received it. A <em>repeat</em> is any receipt of an id after its first.
 * PROTOCOL.md §5.3: an item is pushed unflagged at most once (its first push in its mailbox's
 * life); every later push, and every push after a restart of the mailbox, carries {@code
 * redelivery}. A copy pushed to a session that ended may still arrive after the flagged copy on the
 * new session, so arrival order says nothing: the rule is "at most one unflagged receipt per id".
 * Ids received more than once within that rule are flagged duplicates (allowed: at least once);
 * every unflagged receipt beyond the first is an unflagged duplicate (a broken promise).
 *
 * <p>Also a per-second timeline (from {@link #start}) of first sends, answers and first receipts,
 * for the recovery time and the minimum accepted rate. Thread-safe.
 */
final class Ledger {
  /** Seconds the timeline holds; later events count in the last second. */
  private static final int SECONDS = 3600;

  /** One message id. Guarded by itself. */
  static final class Entry {
    final String id;
    final String recipient;
    final long firstSentNanos;
    int attempts;
    long answeredNanos = -1;
    boolean accepted;
    boolean duplicateAnswered;
    String finalRefusal;
    long firstReceivedNanos = -1;
    int receipts;
    int unflagged;
    final List<Long> sequences = new ArrayList<>(1);

    Entry(String id, String recipient, long firstSentNanos) {
      this.id = id;
      this.recipient = recipient;
      this.firstSentNanos = firstSentNanos;
    }

    synchronized boolean answered() {
      return accepted || duplicateAnswered || finalRefusal != null;
    }

    synchronized boolean acceptedOrDuplicate() {
      return accepted || duplicateAnswered;
    }
  }

  private final long startNanos;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> refusedByCode = new ConcurrentHashMap<>();
  private final LongAdder notAnswered = new LongAdder();
  private final LongAdder receipts = new LongAdder();
  private final LongAdder foreign = new LongAdder();
  private final AtomicIntegerArray sentPerSecond = new AtomicIntegerArray(SECONDS);
  private final AtomicIntegerArray acceptedPerSecond = new AtomicIntegerArray(SECONDS);
  private final AtomicIntegerArray deliveredPerSecond = new AtomicIntegerArray(SECONDS);
  private final AtomicIntegerArray refusedPerSecond = new AtomicIntegerArray(SECONDS);

  /** Per recipient mailbox, what its platform's adapters received at each sequence. */
  private final Map<String, Map<Long, List<String>>> receivedBySequence = new ConcurrentHashMap<>();

  Ledger(long startNanos) {
    this.startNanos = startNanos;
  }

  static Ledger start() {
    return new Ledger(System.nanoTime());
  }

  long startNanos() {
    return startNanos;
  }

  /** Seconds since the start, as a timeline index. */
  int second(long nanos) {
    return (int) Math.max(0, Math.min(SECONDS - 1, (nanos - startNanos) / 1_000_000_000L));
  }

  double secondsSinceStart(long nanos) {
    return (nanos - startNanos) / 1e9;
  }

  /** A new message is about to be submitted for the first time. */
  Entry created(String id, String recipient) {
    long now = System.nanoTime();
    Entry entry = new Entry(id, recipient, now);
    if (entries.putIfAbsent(id, entry) != null) {
      throw new IllegalStateException("message id used twice by the traffic: " + id);
    }
    sentPerSecond.incrementAndGet(second(now));
    return entry;
  }

  void attempted(Entry entry) {
    synchronized (entry) {
      entry.attempts++;
    }
  }

  /** The broker answered accepted ({@code duplicate}: accepted by an earlier try). */
  void accepted(Entry entry, boolean duplicate) {
    long now = System.nanoTime();
    synchronized (entry) {
      if (entry.answeredNanos < 0) {
        entry.answeredNanos = now;
        acceptedPerSecond.incrementAndGet(second(now));
      }
      if (duplicate) {
        entry.duplicateAnswered = true;
      } else {
        entry.accepted = true;
      }
    }
  }

  /** A refusal; {@code finalRefusal}: the code says the same message will never be accepted. */
  void refused(Entry entry, String code, boolean finalRefusal) {
    long now = System.nanoTime();
    refusedByCode.computeIfAbsent(code, c -> new LongAdder()).increment();
    refusedPerSecond.incrementAndGet(second(now));
    if (finalRefusal) {
      synchronized (entry) {
        entry.finalRefusal = code;
      }
    }
  }

  /** A try that got no answer (session lost, timed out, client replaced). */
  void notAnswered() {
    notAnswered.increment();
  }

  /** A delivery reached an adapter of the recipient's platform. */
  void received(Delivery delivery) {
    if (!delivery.hasMessage()) {
      return;
    }
    long now = System.nanoTime();
    receipts.increment();
    String recipient =
        delivery.getMessage().getRecipient().getPlatformId()
            + ":"
            + delivery.getMessage().getRecipient().getUserId();
    List<String> atSequence =
        receivedBySequence
            .computeIfAbsent(recipient, r -> new ConcurrentHashMap<>())
            .computeIfAbsent(delivery.getSequence(), q -> new CopyOnWriteArrayList<>());
    if (atSequence.size() < 8) {
      atSequence.add(
          String.format(
              Locale.ROOT,
              "%s%s@%.1fs",
              delivery.getMessage().getMessageId(),
              delivery.getRedelivery() ? "(r)" : "",
              secondsSinceStart(now)));
    }
    Entry entry = entries.get(delivery.getMessage().getMessageId());
    if (entry == null) {
      foreign.increment();
      return;
    }
    synchronized (entry) {
      entry.receipts++;
      if (!delivery.getRedelivery()) {
        entry.unflagged++;
      }
      if (!entry.sequences.contains(delivery.getSequence())) {
        entry.sequences.add(delivery.getSequence());
      }
      if (entry.firstReceivedNanos < 0) {
        entry.firstReceivedNanos = now;
        deliveredPerSecond.incrementAndGet(second(now));
      }
    }
  }

  /**
   * What is known of message {@code id}: its tries and answers, and what its recipient's adapters
   * received at sequences {@code from} to {@code to} of the recipient's mailbox (for a lost
   * message: whether another message was received where it is stored).
   */
  String explain(String id, long from, long to) {
    Entry e = entries.get(id);
    if (e == null) {
      return id + ": not sent by the traffic";
    }
    StringBuilder s = new StringBuilder();
    synchronized (e) {
      s.append(
          String.format(
              Locale.ROOT,
              "%s: first sent at %.1fs, %d tries," + " answered %s at %.1fs; received at",
              id,
              secondsSinceStart(e.firstSentNanos),
              e.attempts,
              e.accepted ? "accepted" : e.duplicateAnswered ? "duplicate" : "never",
              e.answeredNanos < 0 ? -1.0 : secondsSinceStart(e.answeredNanos)));
    }
    Map<Long, List<String>> received = receivedBySequence.getOrDefault(e.recipient, Map.of());
    for (long q = Math.max(1, from); q <= to; q++) {
      s.append(' ').append(q).append('=').append(received.getOrDefault(q, List.of()));
    }
    return s.toString();
  }

  /** Ids not answered finally yet (to be retried). */
  List<Entry> unanswered() {
    List<Entry> open = new ArrayList<>();
    for (Entry e : entries.values()) {
      if (!e.answered()) {
        open.add(e);
      }
    }
    return open;
  }

  /** Accepted ids not received yet. */
  long undelivered() {
    long count = 0;
    for (Entry e : entries.values()) {
      synchronized (e) {
        if ((e.accepted || e.duplicateAnswered) && e.receipts == 0) {
          count++;
        }
      }
    }
    return count;
  }

  /** The figures of the run so far. */
  Figures figures() {
    long sent = 0;
    long accepted = 0;
    long duplicateAnswered = 0;
    long finalRefused = 0;
    long never = 0;
    long lost = 0;
    long dupFlagged = 0;
    long dupUnflagged = 0;
    long storedTwice = 0;
    long delivered = 0;
    List<String> lostSample = new ArrayList<>();
    for (Entry e : entries.values()) {
      synchronized (e) {
        sent++;
        if (e.accepted) {
          accepted++;
        }
        if (e.duplicateAnswered && !e.accepted) {
          duplicateAnswered++;
        }
        if (e.finalRefusal != null) {
          finalRefused++;
        }
        if (!(e.accepted || e.duplicateAnswered || e.finalRefusal != null)) {
          never++;
        }
        if ((e.accepted || e.duplicateAnswered) && e.receipts == 0) {
          lost++;
          if (lostSample.size() < 5) {
            lostSample.add(e.id + "->" + e.recipient);
          }
        }
        if (e.receipts > 1) {
          if (e.unflagged <= 1) {
            dupFlagged++;
          } else {
            dupUnflagged += e.unflagged - 1;
          }
        }
        if (e.sequences.size() > 1) {
          storedTwice++;
        }
        if (e.receipts > 0) {
          delivered++;
        }
      }
    }
    Map<String, Long> refused = new TreeMap<>();
    refusedByCode.forEach((code, n) -> refused.put(code, n.sum()));
    return new Figures(
        sent,
        accepted,
        duplicateAnswered,
        refused,
        finalRefused,
        notAnswered.sum(),
        never,
        delivered,
        receipts.sum(),
        lost,
        dupFlagged,
        dupUnflagged,
        storedTwice,
        foreign.sum(),
        lostSample);
  }

  /** The counts of a run; see the class comment for lost and the duplicates. */
  record Figures(
      long sent,
      long accepted,
      long duplicateAnswered,
      Map<String, Long> refused,
      long finalRefused,
      long notAnswered,
      long neverAnswered,
      long delivered,
      long receipts,
      long lost,
      long dupFlagged,
      long dupUnflagged,
      long storedTwice,
      long foreign,
      List<String> lostSample) {

    String refusedText() {
      StringBuilder s = new StringBuilder("{");
      refused.forEach(
          (code, n) -> s.append(s.length() > 1 ? "," : "").append(code).append('=').append(n));
      return s.append('}').toString();
    }
  }

  /**
   * The 50th and 99th percentiles, in ms, of first send to answer (accepted) and to first receipt
   * of the messages first sent between the two instants: {p50 accept, p99 accept, p50 receive, p99
   * receive}; -1 where none.
   */
  long[] latencies(long fromNanos, long toNanos) {
    List<Long> accept = new ArrayList<>();
    List<Long> receive = new ArrayList<>();
    for (Entry e : entries.values()) {
      synchronized (e) {
        if (e.firstSentNanos < fromNanos || e.firstSentNanos >= toNanos) {
          continue;
        }
        if (e.answeredNanos >= 0 && (e.accepted || e.duplicateAnswered)) {
          accept.add((e.answeredNanos - e.firstSentNanos) / 1_000_000);
        }
        if (e.firstReceivedNanos >= 0) {
          receive.add((e.firstReceivedNanos - e.firstSentNanos) / 1_000_000);
        }
      }
    }
    accept.sort(null);
    receive.sort(null);
    return new long[] {
      percentile(accept, 0.5),
      percentile(accept, 0.99),
      percentile(receive, 0.5),
      percentile(receive, 0.99)
    };
  }

  private static long percentile(List<Long> sorted, double p) {
    return sorted.isEmpty()
        ? -1
        : sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size())));
  }

  /** One second of the timeline. */
  record Second(int second, int sent, int accepted, int delivered, int refused, int onTime) {}

  /**
   * The timeline up to {@code untilNanos}. {@code onTime} counts the messages first sent in that
   * second which were accepted within {@code acceptWithin} and received within {@code
   * deliverWithin} of their first send.
   */
  List<Second> timeline(long untilNanos, long acceptWithinNanos, long deliverWithinNanos) {
    int last = second(untilNanos);
    int[] onTime = new int[last + 1];
    for (Entry e : entries.values()) {
      synchronized (e) {
        int s = second(e.firstSentNanos);
        if (s <= last
            && e.answeredNanos >= 0
            && (e.accepted || e.duplicateAnswered)
            && e.answeredNanos - e.firstSentNanos <= acceptWithinNanos
            && e.firstReceivedNanos >= 0
            && e.firstReceivedNanos - e.firstSentNanos <= deliverWithinNanos) {
          onTime[s]++;
        }
      }
    }
    List<Second> timeline = new ArrayList<>();
    for (int s = 0; s <= last; s++) {
      timeline.add(
          new Second(
              s,
              sentPerSecond.get(s),
              acceptedPerSecond.get(s),
              deliveredPerSecond.get(s),
              refusedPerSecond.get(s),
              onTime[s]));
    }
    return timeline;
  }
}
