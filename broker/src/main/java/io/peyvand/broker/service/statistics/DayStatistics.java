package io.peyvand.broker.service.statistics;

import io.peyvand.broker.model.CallEnd;
import io.peyvand.broker.model.StatisticsFacts;
import io.peyvand.broker.model.StatisticsFacts.CallFact;
import io.peyvand.broker.model.StatisticsFacts.ConsentFact;
import io.peyvand.broker.model.StatisticsFacts.MessageFact;
import io.peyvand.broker.model.StatisticsFacts.PostFact;
import io.peyvand.broker.model.StatisticsFacts.StatusFact;
import io.peyvand.broker.model.Status;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One UTC day's figures, counted from that day's facts (and the next day's statuses, for the
 * delivery time of messages sent late in the day), refusal counts and directory usage. Pure: the
 * caller reads the tables. Each fact is one stored event, so each count is exact; distinct users
 * are estimated ({@link HyperLogLog}).
 *
 * <p>Per platform: explicit opt-ins in force at the end of the day (from the total at the end of
 * the day before), new opt-ins, opt-outs; distinct active senders (of messages and posts) and
 * recipients; messages sent and received; of the messages delivered to its users, delivered, read,
 * failed and expired; group and channel posts; calls placed, answered and missed; directory
 * lookups; refusals by code; the time from a message's acceptance to its delivery (p50, p99, exact
 * over the day's messages delivered by the time of counting). And the traffic matrix: messages from
 * each platform to each.
 */
final class DayStatistics {
  private final LocalDate day;
  private final Map<String, Figures> platforms = new TreeMap<>();
  private final Map<String, Map<String, Long>> traffic = new TreeMap<>();

  /** A message accepted this day: its recipient's platform and when, by message key. */
  private final Map<String, Accepted> accepted = new HashMap<>();

  private record Accepted(String to, long atMs) {}

  /** DELIVERED statuses of this day and the next, joined with the messages at the end. */
  private final List<StatusFact> deliveries = new ArrayList<>();

  private static final class Figures {
    long optedInTotal;
    long newlyOptedIn;
    long optedOut;
    final HyperLogLog senders = new HyperLogLog();
    final HyperLogLog recipients = new HyperLogLog();
    long sent;
    long received;
    long delivered;
    long read;
    long failed;
    long expired;
    long groupPosts;
    long channelPosts;
    long callsPlaced;
    long callsAnswered;
    long callsMissed;
    long directoryLookups;
    long discoverable;
    final Map<String, Long> refusals = new TreeMap<>();
    final List<Long> deliveryMs = new ArrayList<>();
  }

  DayStatistics(LocalDate day) {
    this.day = day;
  }

  LocalDate day() {
    return day;
  }

  private Figures of(String platform) {
    return platforms.computeIfAbsent(platform, p -> new Figures());
  }

  /** The explicit opt-ins in force at the end of the day before, by platform. */
  void optedInBefore(Map<String, Long> totals) {
    totals.forEach((platform, total) -> of(platform).optedInTotal += total);
  }

  /** A fact stored this day. */
  void add(StatisticsFacts.Fact fact) {
    if (fact instanceof MessageFact m) {
      message(m);
    } else if (fact instanceof StatusFact s) {
      status(s);
    } else if (fact instanceof ConsentFact c) {
      consent(c);
    } else if (fact instanceof PostFact p) {
      Figures author = of(p.platform());
      if (p.channel()) {
        author.channelPosts++;
      } else {
        author.groupPosts++;
      }
      author.senders.add(p.author());
    } else if (fact instanceof CallFact k) {
      call(k);
    }
  }

  private void message(MessageFact m) {
    Figures from = of(m.from());
    from.sent++;
    from.senders.add(m.sender());
    Figures to = of(m.to());
    to.received++;
    to.recipients.add(m.recipient());
    traffic.computeIfAbsent(m.from(), f -> new TreeMap<>()).merge(m.to(), 1L, Long::sum);
    accepted.put(m.key(), new Accepted(m.to(), m.atMs()));
  }

  private void status(StatusFact s) {
    Figures to = of(s.recipientPlatform());
    switch (s.kind()) {
      case DELIVERED -> {
        to.delivered++;
        deliveries.add(s);
      }
      case READ -> to.read++;
      case FAILED -> {
        if (s.failure() == Status.Failure.RETENTION_EXPIRED) {
          to.expired++;
        } else {
          to.failed++;
        }
      }
    }
  }

  private void consent(ConsentFact c) {
    Figures p = of(c.platform());
    boolean wasIn = c.before().orElse(false);
    if (c.optedIn() && !wasIn) {
      p.newlyOptedIn++;
      p.optedInTotal++;
    } else if (!c.optedIn()) {
      p.optedOut++;
      if (wasIn) {
        p.optedInTotal--;
      }
    }
  }

  private void call(CallFact k) {
    switch (k.step()) {
      case 'i' -> of(k.callerPlatform()).callsPlaced++;
      case 'a' -> of(k.calleePlatform()).callsAnswered++;
      case 'e' -> {
        if (k.reason().equals(CallEnd.NO_ANSWER.name())
            || k.reason().equals(CallEnd.MISSED.name())) {
          of(k.calleePlatform()).callsMissed++;
        }
      }
      default -> {}
    }
  }

  /** A fact stored the next day: only a delivery of one of this day's messages counts here. */
  void addLater(StatisticsFacts.Fact fact) {
    if (fact instanceof StatusFact s && s.kind() == Status.Kind.DELIVERED) {
      deliveries.add(s);
    }
  }

  /** Joins the deliveries with this day's messages (facts come in any order). */
  private void joinDeliveries() {
    for (StatusFact s : deliveries) {
      Accepted message = accepted.remove(s.key());
      if (message != null) {
        of(message.to()).deliveryMs.add(Math.max(0, s.atMs() - message.atMs()));
      }
    }
    deliveries.clear();
  }

  /**
   * Refusals of a platform: as the request claimed it, or as the caller's certificate names it
   * ({@code peyvand:platform:<id>}); a caller that is no platform (an administrator, a regulator,
   * no certificate, none named) is {@value #NOT_A_PLATFORM}.
   */
  void refused(String platform, String code, long count) {
    of(platformOf(platform)).refusals.merge(code, count, Long::sum);
  }

  static final String NOT_A_PLATFORM = "(not a platform)";

  private static String platformOf(String caller) {
    String prefix = "peyvand:platform:";
    if (caller.startsWith(prefix)) {
      return caller.substring(prefix.length());
    }
    return caller.isBlank()
            || caller.contains(":")
            || caller.contains(" ")
            || caller.equals("unidentified")
        ? NOT_A_PLATFORM
        : caller;
  }

  void directoryLookups(String platform, long lookups) {
    if (lookups > 0) {
      of(platform).directoryLookups += lookups;
    }
  }

  /** Users discoverable by a phone number when the day was counted, by platform. */
  void discoverableUsers(Map<String, Long> users) {
    users.forEach((platform, n) -> of(platform).discoverable = n);
  }

  /** Explicit opt-ins in force at the end of the day, by platform. */
  Map<String, Long> optedInTotals() {
    Map<String, Long> totals = new TreeMap<>();
    platforms.forEach((platform, f) -> totals.put(platform, f.optedInTotal));
    return totals;
  }

  /** The day as a tree of sorted maps (canonical JSON once written with sorted keys). */
  Map<String, Object> toMap(boolean complete) {
    joinDeliveries();
    Map<String, Object> out = new TreeMap<>();
    out.put("day", day.toString());
    out.put("complete", complete);
    Map<String, Object> byPlatform = new TreeMap<>();
    platforms.forEach((platform, f) -> byPlatform.put(platform, figures(f)));
    out.put("platforms", byPlatform);
    out.put("traffic", traffic);
    out.put("estimates", HyperLogLog.ERROR + " (active_senders, active_recipients)");
    return out;
  }

  private static Map<String, Object> figures(Figures f) {
    Map<String, Object> out = new TreeMap<>();
    out.put("opted_in_total", f.optedInTotal);
    out.put("newly_opted_in", f.newlyOptedIn);
    out.put("opted_out", f.optedOut);
    out.put("active_senders", f.senders.estimate());
    out.put("active_recipients", f.recipients.estimate());
    out.put("messages_sent", f.sent);
    out.put("messages_received", f.received);
    out.put("delivered", f.delivered);
    out.put("read", f.read);
    out.put("failed", f.failed);
    out.put("expired", f.expired);
    out.put("group_posts", f.groupPosts);
    out.put("channel_posts", f.channelPosts);
    out.put("calls_placed", f.callsPlaced);
    out.put("calls_answered", f.callsAnswered);
    out.put("calls_missed", f.callsMissed);
    out.put("directory_lookups", f.directoryLookups);
    out.put("discoverable_users", f.discoverable);
    out.put("refusals", f.refusals);
    List<Long> times = new ArrayList<>(f.deliveryMs);
    Collections.sort(times);
    Map<String, Object> delivery = new TreeMap<>();
    delivery.put("count", (long) times.size());
    delivery.put("p50", percentile(times, 50));
    delivery.put("p99", percentile(times, 99));
    out.put("submit_to_delivered_ms", delivery);
    return out;
  }

  /** The nearest-rank percentile of sorted values (0 for none). */
  static long percentile(List<Long> sorted, int p) {
    if (sorted.isEmpty()) {
      return 0;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }
}
