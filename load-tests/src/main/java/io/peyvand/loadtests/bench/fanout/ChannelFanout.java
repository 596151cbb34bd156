package io.peyvand.loadtests.bench.fanout;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.peyvand.loadtests.bench.harness.BrokerHeap;
import io.peyvand.loadtests.bench.harness.CpuSplit;
import io.peyvand.loadtests.bench.harness.MessageIds;
import io.peyvand.loadtests.bench.ledger.FanoutLedger;
import io.peyvand.loadtests.bench.ledger.FanoutLedger.FanoutTally;
import io.peyvand.protocol.v1.BulkSubscribeRequest;
import io.peyvand.protocol.v1.CreateGroupRequest;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.GetGroupRequest;
import io.peyvand.protocol.v1.GroupInfo;
import io.peyvand.protocol.v1.GroupKind;
import io.peyvand.protocol.v1.SubmitResult;
import io.peyvand.protocol.v1.Text;
import io.peyvand.protocol.v1.UserAddress;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Part 2 of {@code fanout}: channels of a small and a large number of subscribers (1,000 and
 * 1,000,000 by default) over the platforms, subscribed through the API in bulk ({@code
 * BulkSubscribe}, one call per at most 10,000 users of one platform, made by that platform), and
 * the cost of a post in each. A channel's posts must cost the same whatever its subscriber count
 * (the channel entity holds counts per platform, never the subscribers), so the figures that matter
 * are the ratios large/small, measured in the same run.
 *
 * <p>Per channel: create it (an owner at the home platform who is not a subscriber), subscribe
 * every user, wait until GetGroup counts them all, read the broker's heap after a full collection
 * ({@link BrokerHeap}), post the warm-up posts and then the measured ones one at a time from the
 * owner (each one answered and delivered on every platform before the next, so that a post's time
 * is its own and not a queue's), and read the heap again. A post refused RATE_LIMITED (the owner's
 * per-user limit, on a broker that keeps it) is submitted again after the hint; its time counts
 * from the accepted attempt.
 */
public final class ChannelFanout {
  /** The channel part did not run, and why. */
  record Skipped(String reason) {}

  /**
   * One channel's run.
   *
   * @param subscribeNanos from the first BulkSubscribe to the last answer
   * @param countedNanos from the first BulkSubscribe until GetGroup counted every subscriber
   * @param heapBefore after subscribing, before the posts; null when /metrics was unreachable
   * @param rateLimitedRetries posts submitted again after RATE_LIMITED
   */
  record Result(
      String channel,
      int subscribers,
      Map<String, Long> counted,
      int calls,
      long subscribeNanos,
      long countedNanos,
      FanoutTally measured,
      int lostWarmup,
      BrokerHeap.Reading heapBefore,
      BrokerHeap.Reading heapAfter,
      int rateLimitedRetries,
      CpuSplit.Result cpu) {
    double subscriptionsPerSecond() {
      return subscribeNanos <= 0 ? 0 : subscribers * 1e9 / subscribeNanos;
    }

    boolean failed() {
      return lostWarmup > 0 || measured.failed();
    }
  }

  private final FanoutCommand options;
  private final FanoutSessions sessions;
  private final BrokerHeap heap;
  private final PrintStream log;

  ChannelFanout(FanoutCommand options, FanoutSessions sessions, BrokerHeap heap, PrintStream log) {
    this.options = options;
    this.sessions = sessions;
    this.heap = heap;
    this.log = log;
  }

  /**
   * Whether the broker serves BulkSubscribe: a probe on a channel of its own with one user of the
   * home platform. Empty when it does; the reason to skip otherwise.
   */
  Optional<Skipped> probe(String runId, List<String> platforms) throws Exception {
    FanoutPlan plan =
        FanoutPlan.of("fanout-" + runId + "cprobe", runId + "cprobe", platforms, platforms.size());
    create(plan);
    try {
      FanoutSessions.call(
          sessions
              .groups(plan.group().getPlatformId())
              .bulkSubscribe(
                  BulkSubscribeRequest.newBuilder()
                      .setGroup(plan.group())
                      .addUsers(plan.user(plan.group().getPlatformId(), 1))
                      .build()));
      return Optional.empty();
    } catch (StatusRuntimeException e) { // GrpcServiceException is one too
      Status status = e.getStatus();
      String description = String.valueOf(status.getDescription());
      if (status.getCode() == Status.Code.UNIMPLEMENTED || description.contains("not served yet")) {
        return Optional.of(
            new Skipped("BulkSubscribe answered " + status.getCode() + " \"" + description + "\""));
      }
      throw e;
    }
  }

  Result run(String runId, int subscribers, List<String> platforms, List<CpuSplit.Part> cpuParts)
      throws Exception {
    String tag = runId + "c" + subscribers;
    FanoutPlan plan = FanoutPlan.of("fanout-" + tag, tag, platforms, subscribers);
    int posts = options.channelWarmup + options.channelPosts;
    FanoutLedger ledger = new FanoutLedger(new MessageIds(tag), platforms, posts);
    log.printf(
        "fanout: channel %s: subscribing %d users %s%n",
        plan.group().getGroupId(), subscribers, plan.perPlatform());
    create(plan);
    sessions.track(plan.group(), ledger);
    long start = System.nanoTime();
    int calls = subscribe(plan);
    long subscribeNanos = System.nanoTime() - start;
    log.printf(
        "fanout: channel %s: %d BulkSubscribe calls answered in %.1f s (%.0f/s)%n",
        plan.group().getGroupId(),
        calls,
        subscribeNanos / 1e9,
        subscribers * 1e9 / Math.max(1, subscribeNanos));
    GetGroupRequest get = GetGroupRequest.newBuilder().setGroup(plan.group()).build();
    AtomicReference<GroupInfo> info = new AtomicReference<>();
    boolean counted =
        FanoutSessions.await(
            () -> {
              try {
                info.set(
                    FanoutSessions.call(
                        sessions.groups(plan.group().getPlatformId()).getGroup(get)));
              } catch (Exception e) {
                return false;
              }
              return GroupFanout.counts(info.get()).entrySet().stream()
                      .allMatch(c -> c.getValue() >= plan.perPlatform().getOrDefault(c.getKey(), 0))
                  && GroupFanout.counts(info.get())
                      .keySet()
                      .containsAll(plan.perPlatform().keySet());
            },
            Duration.ofSeconds(options.setupTimeoutSeconds));
    long countedNanos = System.nanoTime() - start;
    Map<String, Long> counts = info.get() == null ? Map.of() : GroupFanout.counts(info.get());
    if (!counted) {
      throw new IllegalStateException(
          "channel "
              + plan.group().getGroupId()
              + ": GetGroup"
              + " counted "
              + counts
              + " of "
              + plan.perPlatform()
              + " after "
              + options.setupTimeoutSeconds
              + " s (--setup-timeout)");
    }
    log.printf(
        "fanout: channel %s: GetGroup counts %s after %.1f s%n",
        plan.group().getGroupId(), counts, countedNanos / 1e9);
    BrokerHeap.Reading before = readHeap();
    int[] retries = new int[1];
    int lostWarmup = 0;
    if (options.channelWarmup > 0) {
      post(plan, ledger, 0, options.channelWarmup, retries);
      lostWarmup = ledger.tally(0, options.channelWarmup).lost();
    }
    retries[0] = 0;
    CpuSplit measuring = CpuSplit.start(cpuParts);
    post(plan, ledger, options.channelWarmup, posts, retries);
    CpuSplit.Result cpu = measuring.stop();
    BrokerHeap.Reading after = readHeap();
    return new Result(
        plan.group().getGroupId(),
        subscribers,
        counts,
        calls,
        subscribeNanos,
        countedNanos,
        ledger.tally(options.channelWarmup, posts),
        lostWarmup,
        before,
        after,
        retries[0],
        cpu);
  }

  private void create(FanoutPlan plan) throws Exception {
    FanoutSessions.call(
        sessions
            .groups(plan.group().getPlatformId())
            .createGroup(
                CreateGroupRequest.newBuilder()
                    .setGroup(plan.group())
                    .setActor(plan.channelOwner())
                    .setTitle("fanout channel " + plan.total())
                    .setKind(GroupKind.CHANNEL)
                    .setOpen(true)
                    .build()));
  }

  /** Every user, by their platform's calls, at most --subscribe-in-flight calls at once. */
  private int subscribe(FanoutPlan plan) throws Exception {
    Semaphore slots = new Semaphore(options.subscribeInFlight);
    List<CompletableFuture<GroupInfo>> answers = new ArrayList<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    for (String platform : plan.platforms()) {
      for (List<UserAddress> batch : plan.batchesOf(platform, options.subscribeBatch)) {
        slots.acquire();
        if (failure.get() != null) {
          break;
        }
        CompletableFuture<GroupInfo> answer =
            sessions
                .groups(platform)
                .bulkSubscribe(
                    BulkSubscribeRequest.newBuilder()
                        .setGroup(plan.group())
                        .addAllUsers(batch)
                        .build())
                .toCompletableFuture();
        answer.whenComplete(
            (done, error) -> {
              if (error != null) {
                failure.compareAndSet(null, error);
              }
              slots.release();
            });
        answers.add(answer);
      }
    }
    for (CompletableFuture<GroupInfo> answer : answers) {
      try {
        answer.get(120, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        throw new IllegalStateException("BulkSubscribe failed: " + e.getCause(), e.getCause());
      }
    }
    return answers.size();
  }

  /** Posts [from, to) one at a time from the owner, each answered and delivered before the next. */
  private void post(FanoutPlan plan, FanoutLedger ledger, int from, int to, int[] retries)
      throws Exception {
    GroupSession session = sessions.of(plan.group().getPlatformId());
    for (int i = from; i < to; i++) {
      Envelope post =
          Envelope.newBuilder()
              .setMessageId(ledger.ids().messageId(i))
              .setSender(plan.channelOwner())
              .setGroup(plan.group())
              .setClientTimestampMs(System.currentTimeMillis())
              .setText(Text.newBuilder().setBody("channel post " + i + " of " + plan.total()))
              .build();
      while (true) {
        ledger.submitted(i, ledger.now());
        SubmitResult result;
        try {
          result = session.submit(post).get(70, TimeUnit.SECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
          ledger.unanswered(i, ledger.now());
          break;
        }
        if (result.hasRefused() && result.getRefused().getCode() == ErrorCode.RATE_LIMITED) {
          retries[0]++;
          Thread.sleep(Math.max(10, result.getRefused().getRetryAfterMs()));
          continue;
        }
        ledger.answered(i, result, ledger.now());
        break;
      }
      int index = i;
      if (!FanoutSessions.await(
          () -> ledger.settled(index), Duration.ofSeconds(options.graceSeconds))) {
        log.printf(
            "fanout: channel %s: post %d not on every platform after %d s%n",
            plan.group().getGroupId(), i, options.graceSeconds);
      }
    }
  }

  private BrokerHeap.Reading readHeap() {
    try {
      return heap.read();
    } catch (Exception e) {
      log.printf(
          "fanout: cannot read the broker's heap at %s (%s); name it with --http" + " HOST:PORT%n",
          heap.uri(), e.getMessage());
      return null;
    }
  }
}
