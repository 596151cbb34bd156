package io.peyvand.loadtests.bench.fanout;

import io.peyvand.loadtests.bench.harness.Bodies;
import io.peyvand.loadtests.bench.harness.CpuSplit;
import io.peyvand.loadtests.bench.harness.MessageIds;
import io.peyvand.loadtests.bench.ledger.FanoutLedger;
import io.peyvand.loadtests.bench.ledger.FanoutLedger.FanoutTally;
import io.peyvand.protocol.v1.ChangeMembersRequest;
import io.peyvand.protocol.v1.CreateGroupRequest;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.GetGroupRequest;
import io.peyvand.protocol.v1.GroupInfo;
import io.peyvand.protocol.v1.GroupKind;
import io.peyvand.protocol.v1.MemberChange;
import io.peyvand.protocol.v1.PlatformCount;
import io.peyvand.protocol.v1.Text;
import io.peyvand.protocol.v1.UserAddress;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Part 1 of {@code fanout}: one group of N members over the platforms, one acknowledging session
 * per platform, posts from members on every platform with at most K unanswered per platform.
 *
 * <p>Setup: the home platform's user 0 creates the group and adds the others in {@code
 * ChangeMembers} calls of at most 1,000 (the protocol's limit per call). Each added member is an
 * item of the group's log that every platform with members receives, so setup ends when every
 * session has received the group's last item. Then the warm-up posts, waited out (answers and
 * deliveries), then the measured posts; the CPU split covers the measured posts only.
 */
public final class GroupFanout {
  /**
   * One group's run.
   *
   * @param members per platform, as GetGroup counted them after setup
   * @param setupNanos from CreateGroup until every platform received the last membership item
   * @param setupItems the group's log after setup (creation and one item per added member)
   * @param lostWarmup (post, platform) pairs of the warm-up accepted and never delivered
   * @param settled whether every measured post was delivered within the grace period
   */
  record Result(
      String group,
      int total,
      Map<String, Long> members,
      long setupNanos,
      long setupItems,
      FanoutTally measured,
      int lostWarmup,
      boolean settled,
      CpuSplit.Result cpu) {
    int lost() {
      return measured.lost() + lostWarmup;
    }

    boolean failed() {
      return lostWarmup > 0 || measured.failed();
    }
  }

  private final FanoutCommand options;
  private final FanoutSessions sessions;
  private final PrintStream log;

  GroupFanout(FanoutCommand options, FanoutSessions sessions, PrintStream log) {
    this.options = options;
    this.sessions = sessions;
    this.log = log;
  }

  Result run(String runId, int total, List<String> platforms, List<CpuSplit.Part> cpuParts)
      throws Exception {
    String tag = runId + "g" + total;
    FanoutPlan plan = FanoutPlan.of("fanout-" + tag, tag, platforms, total);
    String home = plan.group().getPlatformId();
    int posts = options.warmup + options.posts;
    FanoutLedger ledger = new FanoutLedger(new MessageIds(tag), platforms, posts);
    log.printf(
        "fanout: group %s of %d members %s: setting up%n",
        plan.group().getGroupId(), total, plan.perPlatform());
    long start = System.nanoTime();
    FanoutSessions.call(
        sessions
            .groups(home)
            .createGroup(
                CreateGroupRequest.newBuilder()
                    .setGroup(plan.group())
                    .setActor(plan.owner())
                    .setTitle("fanout " + total)
                    .setKind(GroupKind.GROUP)
                    .build()));
    for (List<UserAddress> batch : plan.batches(options.memberBatch)) {
      ChangeMembersRequest.Builder add =
          ChangeMembersRequest.newBuilder().setGroup(plan.group()).setActor(plan.owner());
      for (UserAddress user : batch) {
        add.addChanges(MemberChange.newBuilder().setOp(MemberChange.Op.ADD).setUser(user));
      }
      FanoutSessions.call(sessions.groups(home).changeMembers(add.build()));
    }
    GroupInfo info =
        FanoutSessions.call(
            sessions
                .groups(home)
                .getGroup(GetGroupRequest.newBuilder().setGroup(plan.group()).build()));
    Duration setupTimeout = Duration.ofSeconds(options.setupTimeoutSeconds);
    if (!sessions.awaitReceived(plan.group(), info.getLastSequence(), setupTimeout)) {
      throw new IllegalStateException(
          "group "
              + plan.group().getGroupId()
              + ": not every"
              + " platform received the "
              + info.getLastSequence()
              + " membership items within "
              + options.setupTimeoutSeconds
              + " s (--setup-timeout)");
    }
    long setupNanos = System.nanoTime() - start;
    Map<String, Long> members = counts(info);
    log.printf(
        "fanout: group %s set up in %.1f s: %d log items, members per platform %s%n",
        plan.group().getGroupId(), setupNanos / 1e9, info.getLastSequence(), members);
    sessions.track(plan.group(), ledger);

    int lostWarmup = 0;
    if (options.warmup > 0) {
      phase("warm-up", plan, ledger, 0, options.warmup);
      lostWarmup = ledger.tally(0, options.warmup).lost();
    }
    CpuSplit measuring = CpuSplit.start(cpuParts);
    boolean settled = phase("measured", plan, ledger, options.warmup, posts);
    CpuSplit.Result cpu = measuring.stop();
    return new Result(
        plan.group().getGroupId(),
        total,
        members,
        setupNanos,
        info.getLastSequence(),
        ledger.tally(options.warmup, posts),
        lostWarmup,
        settled,
        cpu);
  }

  static Map<String, Long> counts(GroupInfo info) {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (PlatformCount count : info.getMembersList()) {
      counts.put(count.getPlatformId(), count.getMembers());
    }
    return counts;
  }

  /**
   * Posts [from, to) from every platform at once (a sender thread per platform, at most --in-flight
   * unanswered each) and waits for the answers and the deliveries; true when every accepted post
   * reached every platform within the grace period after the last submit.
   */
  private boolean phase(String name, FanoutPlan plan, FanoutLedger ledger, int from, int to)
      throws InterruptedException {
    long start = ledger.now();
    List<Thread> senders = new ArrayList<>();
    List<Semaphore> slots = new ArrayList<>();
    int n = plan.platforms().size();
    Bodies bodies = new Bodies(options.common.seed, options.sizes().maxBytes());
    for (int p = 0; p < n; p++) {
      GroupSession session = sessions.of(plan.platforms().get(p));
      Semaphore slot = new Semaphore(options.inFlight);
      slots.add(slot);
      int first = p;
      Thread sender =
          new Thread(
              () -> {
                SplittableRandom random = new SplittableRandom(options.common.seed * 31 + first);
                try {
                  for (int i = from + Math.floorMod(first - from, n); i < to; i += n) {
                    slot.acquire();
                    Envelope post =
                        Envelope.newBuilder()
                            .setMessageId(ledger.ids().messageId(i))
                            .setSender(plan.poster(i))
                            .setGroup(plan.group())
                            .setClientTimestampMs(System.currentTimeMillis())
                            .setText(
                                Text.newBuilder()
                                    .setBody(bodies.body(i, options.sizes().sample(random))))
                            .build();
                    int index = i;
                    ledger.submitted(index, ledger.now());
                    session
                        .submit(post)
                        .whenComplete(
                            (result, failure) -> {
                              if (failure == null) {
                                ledger.answered(index, result, ledger.now());
                              } else {
                                ledger.unanswered(index, ledger.now());
                              }
                              slot.release();
                            });
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "fanout-post-" + plan.platforms().get(p));
      senders.add(sender);
      sender.start();
    }
    for (Thread sender : senders) {
      sender.join();
    }
    long lastSubmit = ledger.now();
    for (Semaphore slot : slots) {
      if (!slot.tryAcquire(options.inFlight, 70, TimeUnit.SECONDS)) {
        log.printf("fanout: %s phase: some posts unanswered after 70 s%n", name);
      }
    }
    boolean settled =
        FanoutSessions.await(
            () -> ledger.settled(from, to),
            Duration.ofNanos(
                Math.max(
                    0,
                    lastSubmit + TimeUnit.SECONDS.toNanos(options.graceSeconds) - ledger.now())));
    log.printf(
        "fanout: group %s %s phase: %d posts submitted in %.1f s, %s%n",
        plan.group().getGroupId(),
        name,
        to - from,
        (lastSubmit - start) / 1e9,
        settled
            ? "every accepted one reached every platform"
            : "some accepted ones missing after " + options.graceSeconds + " s");
    return settled;
  }
}
