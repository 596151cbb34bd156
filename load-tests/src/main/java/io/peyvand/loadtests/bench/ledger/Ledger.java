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
import java.util.Arrays;
import java.util.Set;
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
  private final Set<Item> items = ConcurrentHashMap.newKeySet();
  // Items of recipients' status streams (StatusDelivery): numbered apart from their mailboxes.
  private final Set<Item> statusItems = ConcurrentHashMap.newKeySet();
  private final LongAdder redelivered = new LongAdder();
  private final LongAdder redeliveredUnseen = new LongAdder();
  private final LongAdder unflaggedDuplicates = new LongAdder();
  private final LongAdder foreign = new LongAdder();

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

  public void submitted(int index, long at) {
    submittedAt.set(index, at);
  }

  /** The submit completed with the broker's answer. */
  public void answered(int index, SubmitOutcome outcome, long at) {
    answeredAt.set(index, at);
    if (outcome instanceof Accepted accepted) {
      answers.set(index, (accepted.duplicate() ? Answer.DUPLICATE : Answer.ACCEPTED).ordinal());
    } else {
      refusedCodes.set(index, ((Refused) outcome).error().getCodeValue());
      answers.set(index, Answer.REFUSED.ordinal());
    }
  }

  /** The submit failed without an answer (NotAnsweredException, backpressure, closed client). */
  public void unanswered(int index, long at) {
    answeredAt.set(index, at);
    answers.set(index, Answer.UNANSWERED.ordinal());
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
    boolean repeated = !items.add(new Item(delivery.getMailbox(), delivery.getSequence()));
    if (status) {
      if (!repeated && delivery.getStatus().getKind() == MessageStatus.Kind.DELIVERED) {
        statuses.incrementAndGet(index);
      }
    } else {
      deliveredAt.compareAndSet(index, -1, at);
      repeated |= deliveries.incrementAndGet(index) > 1;
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
    boolean repeated = !statusItems.add(new Item(delivery.getRecipient(), delivery.getSequence()));
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
  boolean answered(int from, int to) {
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

  private static ErrorCode code(int number) {
    ErrorCode code = ErrorCode.forNumber(number);
    return code != null ? code : ErrorCode.UNRECOGNIZED;
  }

  private static boolean accepted(Answer a) {
    return a == Answer.ACCEPTED || a == Answer.DUPLICATE;
  }
}
