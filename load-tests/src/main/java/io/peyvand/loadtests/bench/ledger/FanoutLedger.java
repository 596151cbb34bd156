package io.peyvand.loadtests.bench.ledger;

import io.peyvand.loadtests.bench.harness.MessageIds;
import io.peyvand.loadtests.bench.harness.Percentiles;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.GroupDelivery;
import io.peyvand.protocol.v1.SubmitResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The account of one group's (or channel's) posts in the {@code fanout} benchmark: when each post
 * was submitted and answered, and when it first reached each platform of the audience, with every
 * repeat. What a {@link Ledger} is for 1:1 messages, for a log delivered once per platform.
 *
 * <p>A post is known by its message id ({@link MessageIds}: the index is the post's place in the
 * run), a delivery by the platform that received it. Per platform it checks the guarantees a group
 * gives: a post reaches the platform at least once (a post accepted and missing on a platform is
 * lost), a repeat carries the redelivery flag (otherwise an unflagged duplicate), and first
 * arrivals come in the group's order (the sequence it accepted them with; a first arrival below an
 * earlier one and not flagged is out of order). Deliveries of other items (membership changes, an
 * earlier run's posts) are counted as {@code other}.
 *
 * <p>Pure apart from the clock it is given; thread-safe (each platform's session records from its
 * own thread; the benchmark reads the tally once things settled).
 */
public final class FanoutLedger {
  private final MessageIds ids;
  private final List<String> platforms;
  private final int posts;
  private final long[] submittedAt;
  private final long[] answeredAt;

  /** 1 accepted, 2 duplicate (accepted before), -1 refused, -2 unanswered, 0 open. */
  private final byte[] outcome;

  private final long[] sequence;
  private final ErrorCode[] refusedWith;

  /** Per platform: when each post first arrived (0: not yet), and how often it arrived. */
  private final long[][] firstDeliveredAt;

  private final int[][] copies;
  private final long[] lastFirstSequence;
  private final int[] unflagged;
  private final int[] outOfOrder;
  private final int[] redelivered;
  private final int[] other;
  private final long origin = System.nanoTime();

  public FanoutLedger(MessageIds ids, List<String> platforms, int posts) {
    this.ids = ids;
    this.platforms = List.copyOf(platforms);
    this.posts = posts;
    this.submittedAt = new long[posts];
    this.answeredAt = new long[posts];
    this.outcome = new byte[posts];
    this.sequence = new long[posts];
    this.refusedWith = new ErrorCode[posts];
    int n = platforms.size();
    this.firstDeliveredAt = new long[n][posts];
    this.copies = new int[n][posts];
    this.lastFirstSequence = new long[n];
    this.unflagged = new int[n];
    this.outOfOrder = new int[n];
    this.redelivered = new int[n];
    this.other = new int[n];
  }

  /** Nanoseconds on this ledger's clock, never 0 (0 means "not yet" in the arrays). */
  public long now() {
    return System.nanoTime() - origin + 1;
  }

  public MessageIds ids() {
    return ids;
  }

  List<String> platforms() {
    return platforms;
  }

  public synchronized void submitted(int index, long at) {
    submittedAt[index] = at;
  }

  public synchronized void answered(int index, SubmitResult result, long at) {
    answeredAt[index] = at;
    if (result.hasAccepted() || result.hasDuplicate()) {
      outcome[index] = (byte) (result.hasAccepted() ? 1 : 2);
      sequence[index] =
          result.hasAccepted()
              ? result.getAccepted().getSequence()
              : result.getDuplicate().getSequence();
    } else {
      outcome[index] = -1;
      refusedWith[index] = result.getRefused().getCode();
    }
  }

  public synchronized void unanswered(int index, long at) {
    answeredAt[index] = at;
    outcome[index] = -2;
  }

  /** A GroupDelivery frame reached {@code platform}'s session at {@code at}. */
  public synchronized void delivered(String platform, GroupDelivery delivery, long at) {
    int p = platforms.indexOf(platform);
    if (p < 0) {
      throw new IllegalArgumentException("not a platform of this ledger: " + platform);
    }
    int index = delivery.hasPost() ? ids.indexOf(delivery.getPost().getMessageId()) : -1;
    if (index < 0 || index >= posts) {
      other[p]++;
      return;
    }
    if (delivery.getRedelivery()) {
      redelivered[p]++;
    }
    if (copies[p][index]++ > 0) {
      if (!delivery.getRedelivery()) {
        unflagged[p]++;
      }
      return;
    }
    firstDeliveredAt[p][index] = at;
    if (delivery.getSequence() < lastFirstSequence[p] && !delivery.getRedelivery()) {
      outOfOrder[p]++;
    }
    lastFirstSequence[p] = Math.max(lastFirstSequence[p], delivery.getSequence());
  }

  /** Whether every post of [from, to) was answered and each accepted one reached every platform. */
  public synchronized boolean settled(int from, int to) {
    for (int i = from; i < to; i++) {
      if (outcome[i] == 0) {
        return false;
      }
      if (outcome[i] > 0) {
        for (long[] platform : firstDeliveredAt) {
          if (platform[i] == 0) {
            return false;
          }
        }
      }
    }
    return true;
  }

  /** Whether post {@code index} was answered and, if accepted, reached every platform. */
  public boolean settled(int index) {
    return settled(index, index + 1);
  }

  /** The account of posts [from, to). */
  public synchronized FanoutTally tally(int from, int to) {
    int accepted = 0;
    int refused = 0;
    int unanswered = 0;
    int lost = 0;
    int deliveries = 0;
    Map<ErrorCode, Integer> refusedByCode = new EnumMap<>(ErrorCode.class);
    List<Long> toAccepted = new ArrayList<>();
    List<Long> toDelivered = new ArrayList<>();
    List<Long> toAll = new ArrayList<>();
    long firstSubmit = Long.MAX_VALUE;
    long lastAnswer = 0;
    long lastDelivery = 0;
    for (int i = from; i < to; i++) {
      if (submittedAt[i] == 0) {
        continue;
      }
      firstSubmit = Math.min(firstSubmit, submittedAt[i]);
      lastAnswer = Math.max(lastAnswer, answeredAt[i]);
      if (outcome[i] == -1) {
        refused++;
        refusedByCode.merge(refusedWith[i], 1, Integer::sum);
        continue;
      }
      if (outcome[i] <= 0) {
        unanswered++;
        continue;
      }
      accepted++;
      toAccepted.add(answeredAt[i] - submittedAt[i]);
      long all = 0;
      for (long[] platform : firstDeliveredAt) {
        if (platform[i] == 0) {
          lost++;
          all = -1;
          continue;
        }
        deliveries++;
        toDelivered.add(platform[i] - submittedAt[i]);
        lastDelivery = Math.max(lastDelivery, platform[i]);
        if (all >= 0) {
          all = Math.max(all, platform[i] - submittedAt[i]);
        }
      }
      if (all >= 0) {
        toAll.add(all);
      }
    }
    int frames = 0;
    for (int p = 0; p < platforms.size(); p++) {
      for (int i = from; i < to; i++) {
        frames += copies[p][i];
      }
    }
    return new FanoutTally(
        to - from,
        accepted,
        refused,
        refusedByCode,
        unanswered,
        deliveries,
        frames,
        lost,
        sum(unflagged),
        sum(outOfOrder),
        sum(redelivered),
        sum(other),
        firstSubmit == Long.MAX_VALUE ? 0 : Math.max(0, lastAnswer - firstSubmit),
        firstSubmit == Long.MAX_VALUE ? 0 : Math.max(0, lastDelivery - firstSubmit),
        Percentiles.of(longs(toAccepted)),
        Percentiles.of(longs(toDelivered)),
        Percentiles.of(longs(toAll)));
  }

  private static int sum(int[] counts) {
    return Arrays.stream(counts).sum();
  }

  private static long[] longs(List<Long> values) {
    return values.stream().mapToLong(Long::longValue).toArray();
  }

  /**
   * What happened to a range of posts. Rates are over the range's own time: accepted/s from its
   * first submit to its last answer, deliveries/s (first arrivals, over all platforms) from its
   * first submit to its last first arrival. Unflagged duplicates, out-of-order arrivals,
   * redeliveries and other items are counted over the whole run, per platform summed.
   *
   * @param lost (post, platform) pairs accepted and not delivered
   * @param frames GroupDelivery frames of these posts, repeats included
   * @param submitToAllDelivered per post: until the last platform of the audience had it
   */
  public record FanoutTally(
      int posts,
      int accepted,
      int refused,
      Map<ErrorCode, Integer> refusedByCode,
      int unanswered,
      int deliveries,
      int frames,
      int lost,
      int unflaggedDuplicates,
      int outOfOrder,
      int redelivered,
      int otherItems,
      long answerNanos,
      long deliveryNanos,
      Percentiles submitToAccepted,
      Percentiles submitToDelivered,
      Percentiles submitToAllDelivered) {
    public FanoutTally {
      refusedByCode = Map.copyOf(refusedByCode);
    }

    public double acceptedPerSecond() {
      return answerNanos <= 0 ? 0 : accepted * 1e9 / answerNanos;
    }

    public double deliveriesPerSecond() {
      return deliveryNanos <= 0 ? 0 : deliveries * 1e9 / deliveryNanos;
    }

    /** A guarantee was broken, or nothing was accepted. */
    public boolean failed() {
      return lost > 0 || unflaggedDuplicates > 0 || outOfOrder > 0 || accepted == 0;
    }
  }
}
