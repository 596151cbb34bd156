package io.peyvand.loadtests;

import io.peyvand.loadtests.bench.direct.TrafficModel;
import io.peyvand.loadtests.bench.harness.MessageIds;
import io.peyvand.loadtests.bench.harness.Percentiles;
import io.peyvand.loadtests.bench.ledger.Ledger;
import io.peyvand.loadtests.bench.ledger.Tally;
import io.peyvand.protocol.tls.KeyMaterial;
import io.peyvand.protocol.v1.SessionError;
import io.peyvand.protocol.v1.UserAddress;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.KeyManagerFactory;

/**
 * What the platform sessions of one simulation run share: the settings, the traffic model, the
 * schedule's start, the message ids and the {@link Ledger} that accounts for every message.
 *
 * <p><b>Submit-to-delivered across sessions.</b> Gatling times a request within one virtual user
 * (from a frame sent to the frame that answers it); a message is submitted by one platform's
 * session and delivered to another's, so Gatling cannot time it. The run therefore keeps the shared
 * {@link Ledger} of the closed-loop benchmark, indexed by the number in each message id ({@code
 * bench-<run>-<index>}): the sender's session stamps the index's submit time on the ledger's clock
 * (one {@code System.nanoTime} origin, one JVM) just before the frame is written, and whichever
 * session receives the delivery stamps its arrival (the time Gatling received the WebSocket
 * message, not when the virtual user got round to reading it). The ledger also tells what Gatling
 * cannot: accepted messages never delivered, repeats without the redelivery flag, and whether each
 * sender got its DELIVERED status back. These figures are printed at the end of the run, and {@link
 * #failures} turns them into the run's verdict next to Gatling's own assertions.
 */
final class LoadRun {
  final LoadSettings settings;
  final TrafficModel traffic;
  final MessageIds ids = MessageIds.fresh();
  final Ledger ledger;
  private final int capacity;
  private final AtomicInteger issued = new AtomicInteger();
  private final LongAdder overCapacity = new LongAdder();
  private final AtomicLong startedAt = new AtomicLong(-1);
  private final AtomicLong lastSubmitAt = new AtomicLong(-1);
  private final AtomicInteger claimed = new AtomicInteger();

  /** Sessions whose part of the schedule is over (each then waits for the others). */
  private final AtomicInteger schedulesOver = new AtomicInteger();

  private final Map<Long, PlatformSession> sessions = new ConcurrentHashMap<>();
  private final Map<String, KeyManagerFactory> keys = new HashMap<>();
  private final Map<String, LongAdder> sessionErrors = new ConcurrentHashMap<>();
  private final LongAdder lateResults = new LongAdder();

  /** Each message's recipient, so that a lost one can be looked for in its mailbox. */
  private final AtomicReferenceArray<UserAddress> recipients;

  LoadRun(LoadSettings settings) {
    this.settings = settings;
    this.traffic = settings.traffic();
    // Room for every message the schedule offers, with a margin for its randomness.
    this.capacity =
        (int)
            Math.min(
                Integer.MAX_VALUE - 1,
                settings.schedule().expected(settings.schedule().endSeconds()) * 1.2 + 1000);
    this.ledger = new Ledger(ids, capacity);
    this.recipients = new AtomicReferenceArray<>(capacity);
    for (String platform : settings.platforms()) {
      keys.put(platform, keyManagers(platform));
    }
  }

  private KeyManagerFactory keyManagers(String platform) {
    var file = settings.pkiDir().resolve("platforms").resolve(platform + ".p12");
    try {
      KeyManagerFactory factory =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(KeyMaterial.keyStore(file, settings.pkiPassword()), settings.pkiPassword());
      return factory;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot use " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The platform session of virtual user {@code userId}, made on first asking: the platforms in
   * turn, so each gets {@code sessions} of them; its part of the traffic is its platform's share
   * over them. Gatling asks for the user's key store before the user's first action, so this is
   * where a virtual user becomes a platform's.
   */
  PlatformSession session(long userId) {
    return sessions.computeIfAbsent(
        userId,
        id -> {
          int n = claimed.getAndIncrement();
          String platform = settings.platforms().get(n % settings.platforms().size());
          return new PlatformSession(
              platform,
              traffic.share(platform) / settings.sessionsPerPlatform(),
              settings.seed() * 1_000_003 + n);
        });
  }

  /** The key store of the platform virtual user {@code userId} acts for. */
  KeyManagerFactory keysOf(long userId) {
    return keys.get(session(userId).platform);
  }

  /** The schedule starts when the first session is open. */
  void start() {
    startedAt.compareAndSet(-1, ledger.now());
  }

  /** Seconds since the schedule started (0 before). */
  double elapsedSeconds() {
    long start = startedAt.get();
    return start < 0 ? 0 : (ledger.now() - start) / 1e9;
  }

  /** Ledger time of the schedule's start. */
  long startedAt() {
    return startedAt.get();
  }

  /** The index of the next message, or -1 when the ledger is full (counted, and reported). */
  int issue() {
    int index = issued.getAndIncrement();
    if (index >= capacity) {
      issued.decrementAndGet();
      overCapacity.increment();
      return -1;
    }
    return index;
  }

  /** Messages issued so far: indices 0 .. issued-1. */
  int issued() {
    return issued.get();
  }

  /** Message {@code index} is addressed to {@code recipient}. */
  void addressed(int index, UserAddress recipient) {
    recipients.set(index, recipient);
  }

  void submitted(int index) {
    long now = ledger.now();
    ledger.submitted(index, now);
    lastSubmitAt.accumulateAndGet(now, Math::max);
  }

  /** A session has followed its part of the schedule to the end. */
  void scheduleOver() {
    schedulesOver.incrementAndGet();
  }

  /**
   * Every session's schedule is over, every accepted message delivered and every delivered one's
   * status back at its sender. A session that stopped waiting before the others' schedules were
   * over would close while messages to its platform were still to come, and they would wait in the
   * broker for its next session: lost, as the run sees it.
   */
  boolean settled() {
    if (schedulesOver.get() < settings.sessions()) {
      return false;
    }
    int n = issued();
    return ledger.settled(0, n) && ledger.statusesSettled(0, n);
  }

  /** The grace after the schedule's end (or the last submit, if later) has passed. */
  boolean graceOver() {
    long start = startedAt.get();
    if (start < 0) {
      return false;
    }
    long end =
        Math.max(start + (long) (settings.schedule().endSeconds() * 1e9), lastSubmitAt.get());
    return ledger.now() > end + settings.grace().toNanos();
  }

  void sessionError(String platform, SessionError error) {
    sessionErrors
        .computeIfAbsent(platform + " " + error.getError().getCode(), k -> new LongAdder())
        .increment();
  }

  /** A submit result that came after its check had given up waiting. */
  void lateResult() {
    lateResults.increment();
  }

  Tally tally() {
    return ledger.tally(0, issued());
  }

  /** Each figure of the run, one per line. */
  String report(String simulation) {
    Tally t = tally();
    StringBuilder out = new StringBuilder();
    out.append(String.format("%n%s run %s: %s%n", simulation, ids.runId(), settings.describe()));
    out.append(
        String.format(
            "  messages %d submitted, %d accepted (%d duplicate), %d refused %s,"
                + " %d unanswered, %d over the ledger's capacity%n",
            t.messages(),
            t.accepted(),
            t.duplicates(),
            t.refusedTotal(),
            t.refused(),
            t.unanswered(),
            overCapacity.sum()));
    out.append(
        String.format(
            "  accepted %.1f/s, delivered %.1f/s; %d delivered, %d lost"
                + " (accepted, never delivered), %d statuses back%n",
            t.acceptedPerSecond(), t.deliveredPerSecond(), t.delivered(), t.lost(), t.statuses()));
    out.append("  submit-to-accepted  ").append(millis(t.submitToAccepted())).append('\n');
    out.append("  submit-to-delivered ").append(millis(t.submitToDelivered())).append('\n');
    out.append("  submit-to-delivered p99 by quarter of the messages:");
    int n = issued();
    for (int q = 0; q < 4; q++) {
      Percentiles part = ledger.tally(n * q / 4, n * (q + 1) / 4).submitToDelivered();
      out.append(String.format(" %.1f ms", part.value(0.99) / 1e6));
    }
    out.append('\n');
    out.append(
        String.format(
            "  redelivered %d (%d first seen as redelivery), unflagged duplicates"
                + " %d, deliveries of other runs %d, late submit results %d, session errors %s%n",
            t.redelivered(),
            t.redeliveredUnseen(),
            t.unflaggedDuplicates(),
            t.foreign(),
            lateResults.sum(),
            sessionErrors.isEmpty() ? "none" : sessionErrors));
    return out.toString();
  }

  /** p50/p90/p99/max in milliseconds, from nanoseconds. */
  static String millis(Percentiles p) {
    return String.format(
        "p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms (%d samples)",
        p.value(0.5) / 1e6, p.value(0.9) / 1e6, p.value(0.99) / 1e6, p.max() / 1e6, p.count());
  }

  /**
   * What the ledger says is wrong, beyond Gatling's assertions: accepted messages never delivered,
   * repeats without the redelivery flag, submit-to-delivered p99 over its bound, and messages the
   * ledger had no room for.
   */
  List<String> failures() {
    Tally t = tally();
    List<String> failures = new ArrayList<>();
    if (t.lost() > 0) {
      failures.add(
          t.lost()
              + " accepted messages were not delivered within the grace of "
              + settings.grace().toSeconds()
              + " s");
    }
    if (t.unflaggedDuplicates() > 0) {
      failures.add(
          t.unflaggedDuplicates()
              + " deliveries repeated an item without the"
              + " redelivery flag");
    }
    long p99 = t.submitToDelivered().value(0.99) / 1_000_000;
    if (p99 > settings.deliveredP99Millis()) {
      failures.add(
          "submit-to-delivered p99 "
              + p99
              + " ms is over the bound of "
              + settings.deliveredP99Millis()
              + " ms (delivered-p99-ms)");
    }
    if (t.delivered() == 0) {
      failures.add("nothing was delivered");
    }
    if (overCapacity.sum() > 0) {
      failures.add(overCapacity.sum() + " messages were not sent: the ledger was full");
    }
    return failures;
  }

  /** The report, and the ledger's failures if any (the verdict request fails on them too). */
  void print(String simulation, List<String> failures) {
    System.out.print(report(simulation));
    if (failures.isEmpty()) {
      System.out.println("  ledger checks: all passed");
    }
    failures.forEach(f -> System.out.println("  FAILED: " + f));
    for (int lost : ledger.receipts(0, issued()).lostSample()) {
      UserAddress to = recipients.get(lost);
      if (to != null) {
        System.out.printf(
            "  lost to %s:%s: %s%n",
            to.getPlatformId(), to.getUserId(), ledger.explain(lost, to, 1, 6));
      }
    }
  }
}
