package io.peyvand.loadtests.bench.ledger;

import io.peyvand.loadtests.bench.harness.MessageIds;
import io.peyvand.loadtests.bench.harness.Percentiles;
import io.peyvand.protocol.sdk.SubmitOutcome;
import io.peyvand.protocol.sdk.SubmitOutcome.Accepted;
import io.peyvand.protocol.sdk.SubmitOutcome.Refused;
import io.peyvand.protocol.v1.Delivery;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.MessageStatus;
import io.peyvand.protocol.v1.StatusDelivery;
import io.peyvand.protocol.v1.UserAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * What happened to every message of a run, by index: when it was submitted, the broker's answer and
 * when, how often it was delivered and when first; and over the whole run, which items (mailbox,
 * sequence) arrived, how many carried the redelivery flag (and of those, how many were the first
 * copy this client saw: the broker's earlier push never arrived, e.g. dropped while the session's
 * outgoing buffer was full), and how many repeated an item or a message id without the flag.
 * Thread-safe and lock-free on the delivery path, which runs on the SDK's stream threads: a parse,
 * a few atomic operations and one set insertion. No I/O.
 *
 * <p>The same ledger keeps the checks of the fault harness (broker's {@code faults}), whose traffic
 * retries a message itself with the same id: {@link #submitted} counts every try, {@link #retried}
 * and {@link #notAnswered} a try that leaves the message open; and, order-independent, "at most one
 * unflagged receipt per message" (PROTOCOL.md §5.3: a copy pushed to a session that ended may
 * arrive after the flagged copy on the new one), messages received at two sequences of their
 * mailbox (stored twice), and a per-second timeline of first sends, answers, refusals and first
 * receipts for the recovery time ({@link #timeline}).
 *
 * <p>Times are nanoseconds from the ledger's creation ({@link #now()}), so "not yet" can be -1.
 */
public final class Ledger {
  /** The broker's final answer to a submit, as far as it is known. */
  public enum Answer {
    NONE,
    ACCEPTED,
    DUPLICATE,
    REFUSED,
    UNANSWERED
  }

  /** One item of a mailbox: what the broker numbers and a platform acknowledges. */
  private record Item(UserAddress mailbox, long sequence) {}

  private static final Answer[] ANSWERS = Answer.values();

  /** Seconds the timeline holds; later events count in its last second. */
  public static final int TIMELINE_SECONDS = 3600;

  private final MessageIds ids;
  private final int size;
  private final long origin = System.nanoTime();
  private final AtomicLongArray submittedAt;
  private final AtomicLongArray answeredAt;
  private final AtomicLongArray deliveredAt;
  private final AtomicIntegerArray answers;
  private final AtomicIntegerArray refusedCodes;
  private final AtomicIntegerArray deliveries;
  private final AtomicIntegerArray statuses;
  private final AtomicIntegerArray tries;
  private final AtomicIntegerArray unflagged;
  private final AtomicLongArray firstSequence;
  private final AtomicIntegerArray storedTwice;
  // The first message (its index) received at each item: a repeat, and what was where (explain).
  private final Map<Item, Integer> items = new ConcurrentHashMap<>();
  // Items of recipients' status streams (StatusDelivery): numbered apart from their mailboxes.
  private final Map<Item, Integer> statusItems = new ConcurrentHashMap<>();
  private final LongAdder redelivered = new LongAdder();
  private final LongAdder redeliveredUnseen = new LongAdder();
  private final LongAdder unflaggedDuplicates = new LongAdder();
  private final LongAdder foreign = new LongAdder();
  private final LongAdder triesUnanswered = new LongAdder();
  private final Map<ErrorCode, LongAdder> refusals = new ConcurrentHashMap<>();
  private final AtomicIntegerArray sentPerSecond = new AtomicIntegerArray(TIMELINE_SECONDS);
  private final AtomicIntegerArray acceptedPerSecond = new AtomicIntegerArray(TIMELINE_SECONDS);
  private final AtomicIntegerArray deliveredPerSecond = new AtomicIntegerArray(TIMELINE_SECONDS);
  private final AtomicIntegerArray refusedPerSecond = new AtomicIntegerArray(TIMELINE_SECONDS);

  /** For the messages {@code 0 .. size-1} of the run {@code ids}. */
  public Ledger(MessageIds ids, int size) {
    this.ids = ids;
    this.size = size;
    submittedAt = unset(size);
    answeredAt = unset(size);
    deliveredAt = unset(size);
    answers = new AtomicIntegerArray(size);
    refusedCodes = new AtomicIntegerArray(size);
    deliveries = new AtomicIntegerArray(size);
    statuses = new AtomicIntegerArray(size);
    tries = new AtomicIntegerArray(size);
    unflagged = new AtomicIntegerArray(size);
    firstSequence = unset(size);
    storedTwice = new AtomicIntegerArray(size);
  }

  /** How many messages the ledger has room for. */
  public int size() {
    return size;
  }

  private static AtomicLongArray unset(int size) {
    long[] values = new long[size];
    Arrays.fill(values, -1);
    return new AtomicLongArray(values);
  }

  /** Nanoseconds since the ledger was made. */
  public long now() {
    return System.nanoTime() - origin;
  }

  /** The ledger's time of an instant of {@link System#nanoTime()}. */
  public long at(long nanoTime) {
    return nanoTime - origin;
  }

  /** A try to submit the message; the first one is its submit time and counts in the timeline. */
  public void submitted(int index, long at) {
    if (submittedAt.compareAndSet(index, -1, at)) {
      sentPerSecond.incrementAndGet(second(at));
    }
    tries.incrementAndGet(index);
  }

  /**
   * The submit completed with the broker's final answer. Accepted stays accepted when a later try
   * is answered duplicate (accepted by the earlier try).
   */
  public void answered(int index, SubmitOutcome outcome, long at) {
    if (outcome instanceof Accepted accepted) {
      if (answeredAt.compareAndSet(index, -1, at)) {
        acceptedPerSecond.incrementAndGet(second(at));
      }
      int answer = (accepted.duplicate() ? Answer.DUPLICATE : Answer.ACCEPTED).ordinal();
      answers.getAndUpdate(index, a -> a == Answer.ACCEPTED.ordinal() ? a : answer);
    } else {
      refusal((Refused) outcome, at);
      answeredAt.set(index, at);
      refusedCodes.set(index, ((Refused) outcome).error().getCodeValue());
      answers.set(index, Answer.REFUSED.ordinal());
    }
  }

  /**
   * A refusal the sender answers by trying the same message again later; the message stays open.
   */
  public void retried(int index, Refused refusal, long at) {
    refusal(refusal, at);
  }

  private void refusal(Refused refusal, long at) {
    refusals
        .computeIfAbsent(code(refusal.error().getCodeValue()), c -> new LongAdder())
        .increment();
    refusedPerSecond.incrementAndGet(second(at));
  }

  /** The submit failed without an answer (NotAnsweredException, backpressure, closed client). */
  public void unanswered(int index, long at) {
    answeredAt.set(index, at);
    answers.set(index, Answer.UNANSWERED.ordinal());
  }

  /**
   * A try that got no answer (session lost, timed out) and will be retried: the message stays open.
   */
  public void notAnswered(int index) {
    triesUnanswered.increment();
  }

  /**
   * A delivery reached one of the run's clients. Messages and statuses of other runs (left
   * unacknowledged in the broker by an earlier run) are only counted as foreign.
   */
  public void delivered(Delivery delivery, long at) {
    boolean status = delivery.hasStatus();
    int index =
        ids.indexOf(
            status ? delivery.getStatus().getMessageId() : delivery.getMessage().getMessageId());
    if (index < 0 || index >= size) {
      foreign.increment();
      return;
    }
    boolean repeated =
        items.putIfAbsent(new Item(delivery.getMailbox(), delivery.getSequence()), index) != null;
    if (status) {
      if (!repeated && delivery.getStatus().getKind() == MessageStatus.Kind.DELIVERED) {
        statuses.incrementAndGet(index);
      }
    } else {
      if (deliveredAt.compareAndSet(index, -1, at)) {
        deliveredPerSecond.incrementAndGet(second(at));
      }
      repeated |= deliveries.incrementAndGet(index) > 1;
      if (!delivery.getRedelivery()) {
        unflagged.incrementAndGet(index);
      }
      if (!firstSequence.compareAndSet(index, -1, delivery.getSequence())
          && firstSequence.get(index) != delivery.getSequence()) {
        storedTwice.set(index, 1);
      }
    }
    flagged(delivery.getRedelivery(), repeated);
  }

  /**
   * A status of a recipient's status stream (statuses by recipient) reached one of the run's
   * clients; counted as {@link #delivered(Delivery, long)} counts a status.
   */
  public void delivered(StatusDelivery delivery) {
    int index = ids.indexOf(delivery.getStatus().getMessageId());
    if (index < 0 || index >= size) {
      foreign.increment();
      return;
    }
    boolean repeated =
        statusItems.putIfAbsent(new Item(delivery.getRecipient(), delivery.getSequence()), index)
            != null;
    if (!repeated && delivery.getStatus().getKind() == MessageStatus.Kind.DELIVERED) {
      statuses.incrementAndGet(index);
    }
    flagged(delivery.getRedelivery(), repeated);
  }

  /** Counts a delivery's redelivery flag against whether it repeated an item. */
  private void flagged(boolean redelivery, boolean repeated) {
    if (redelivery) {
      redelivered.increment();
      if (!repeated) {
        redeliveredUnseen.increment(); // the broker's earlier push never reached this client
      }
    } else if (repeated) {
      unflaggedDuplicates.increment();
    }
  }

  public Answer answer(int index) {
    return ANSWERS[answers.get(index)];
  }

  /** Whether every submit of [from, to) has completed. */
  public boolean answered(int from, int to) {
    for (int i = from; i < to; i++) {
      if (answers.get(i) == Answer.NONE.ordinal()) {
        return false;
      }
    }
    return true;
  }

  /** Whether every submit of [from, to) completed and each accepted message was delivered. */
  public boolean settled(int from, int to) {
    for (int i = from; i < to; i++) {
      Answer a = answer(i);
      if (a == Answer.NONE || accepted(a) && deliveries.get(i) == 0) {
        return false;
      }
    }
    return true;
  }

  /** Whether every message of [from, to) delivered has its DELIVERED status back at its sender. */
  public boolean statusesSettled(int from, int to) {
    for (int i = from; i < to; i++) {
      if (deliveries.get(i) > 0 && statuses.get(i) == 0) {
        return false;
      }
    }
    return true;
  }

  /** The counts and latencies of the messages [from, to), and the run's delivery counters. */
  public Tally tally(int from, int to) {
    int accepted = 0;
    int duplicates = 0;
    int unanswered = 0;
    int delivered = 0;
    int lost = 0;
    int statusCount = 0;
    TreeMap<ErrorCode, Integer> refused = new TreeMap<>();
    long[] toAccepted = new long[to - from];
    long[] toDelivered = new long[to - from];
    int nAccepted = 0;
    int nDelivered = 0;
    long firstSubmit = Long.MAX_VALUE;
    long lastAccepted = -1;
    long lastDelivered = -1;
    for (int i = from; i < to; i++) {
      long sent = submittedAt.get(i);
      if (sent >= 0) {
        firstSubmit = Math.min(firstSubmit, sent);
      }
      Answer a = answer(i);
      switch (a) {
        case ACCEPTED, DUPLICATE -> {
          accepted++;
          duplicates += a == Answer.DUPLICATE ? 1 : 0;
          toAccepted[nAccepted++] = answeredAt.get(i) - sent;
          lastAccepted = Math.max(lastAccepted, answeredAt.get(i));
        }
        case REFUSED -> refused.merge(code(refusedCodes.get(i)), 1, Integer::sum);
        case NONE, UNANSWERED -> unanswered++;
      }
      if (deliveries.get(i) > 0) {
        delivered++;
        toDelivered[nDelivered++] = deliveredAt.get(i) - sent;
        lastDelivered = Math.max(lastDelivered, deliveredAt.get(i));
      } else if (accepted(a)) {
        lost++;
      }
      statusCount += statuses.get(i) > 0 ? 1 : 0;
    }
    return new Tally(
        to - from,
        accepted,
        duplicates,
        refused,
        unanswered,
        delivered,
        lost,
        statusCount,
        Percentiles.of(Arrays.copyOf(toAccepted, nAccepted)),
        Percentiles.of(Arrays.copyOf(toDelivered, nDelivered)),
        firstSubmit == Long.MAX_VALUE ? -1 : firstSubmit,
        lastAccepted,
        lastDelivered,
        redelivered.sum(),
        redeliveredUnseen.sum(),
        unflaggedDuplicates.sum(),
        foreign.sum());
  }

  /** Every refusal so far by code, retried tries included. */
  public Map<ErrorCode, Long> refusals() {
    Map<ErrorCode, Long> byCode = new TreeMap<>();
    refusals.forEach((code, n) -> byCode.put(code, n.sum()));
    return byCode;
  }

  /** Tries so far that got no answer and were retried ({@link #notAnswered}). */
  public long triesUnanswered() {
    return triesUnanswered.sum();
  }

  /**
   * The receipts of the messages [from, to) by the rule "at most one unflagged receipt per
   * message", whatever the order of arrival; and a few lost messages (accepted, never received).
   *
   * @param repeatedFlagged messages received more than once, at most one copy without the flag
   * @param unflaggedRepeats unflagged receipts of a message beyond its first (a broken promise)
   * @param storedTwice messages received at two sequences of their mailbox
   * @param lostSample up to five lost messages' indexes
   */
  public record Receipts(
      int repeatedFlagged, int unflaggedRepeats, int storedTwice, List<Integer> lostSample) {}

  public Receipts receipts(int from, int to) {
    int repeatedFlagged = 0;
    int unflaggedRepeats = 0;
    int twice = 0;
    List<Integer> lostSample = new ArrayList<>();
    for (int i = from; i < to; i++) {
      if (deliveries.get(i) > 1) {
        if (unflagged.get(i) <= 1) {
          repeatedFlagged++;
        } else {
          unflaggedRepeats += unflagged.get(i) - 1;
        }
      }
      twice += storedTwice.get(i);
      if (deliveries.get(i) == 0 && accepted(answer(i)) && lostSample.size() < 5) {
        lostSample.add(i);
      }
    }
    return new Receipts(repeatedFlagged, unflaggedRepeats, twice, lostSample);
  }

  /** The timeline's second of a time on the ledger's clock. */
  public int second(long at) {
    return (int) Math.max(0, Math.min(TIMELINE_SECONDS - 1, at / 1_000_000_000L));
  }

  /**
   * One second of the timeline; {@code onTime} counts its first sends accepted and received in
   * time.
   */
  public record Second(
      int second, int sent, int accepted, int delivered, int refused, int onTime) {}

  /**
   * The timeline up to {@code until} of the messages [0, count): per second, first sends, first
   * accepted answers, first receipts, refusals, and the messages first sent in that second that
   * were accepted within {@code acceptWithin} and received within {@code deliverWithin}.
   */
  public List<Second> timeline(int count, long until, long acceptWithin, long deliverWithin) {
    int last = second(until);
    int[] onTime = new int[last + 1];
    for (int i = 0; i < count; i++) {
      long sent = submittedAt.get(i);
      long answered = answeredAt.get(i);
      long received = deliveredAt.get(i);
      if (sent >= 0
          && second(sent) <= last
          && accepted(answer(i))
          && answered - sent <= acceptWithin
          && received >= 0
          && received - sent <= deliverWithin) {
        onTime[second(sent)]++;
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

  /**
   * What is known of message {@code index}: its tries and answer, and which messages were received
   * first at sequences {@code from} to {@code to} of {@code mailbox} (for a lost message: whether
   * another message was received where it is stored).
   */
  public String explain(int index, UserAddress mailbox, long from, long to) {
    StringBuilder s =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%s: first sent at %.1fs, %d tries, answered %s at %.1fs; received first at",
                ids.messageId(index),
                submittedAt.get(index) / 1e9,
                tries.get(index),
                answer(index),
                answeredAt.get(index) / 1e9));
    for (long q = Math.max(1, from); q <= to; q++) {
      Integer at = items.get(new Item(mailbox, q));
      s.append(' ').append(q).append('=').append(at == null ? "-" : ids.messageId(at));
    }
    return s.toString();
  }

  private static ErrorCode code(int number) {
    ErrorCode code = ErrorCode.forNumber(number);
    return code != null ? code : ErrorCode.UNRECOGNIZED;
  }

  private static boolean accepted(Answer a) {
    return a == Answer.ACCEPTED || a == Answer.DUPLICATE;
  }
}
