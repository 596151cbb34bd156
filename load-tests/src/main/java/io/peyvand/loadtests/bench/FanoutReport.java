package io.peyvand.loadtests.bench;

import io.peyvand.loadtests.bench.FanoutLedger.FanoutTally;
import io.peyvand.protocol.v1.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The result of one {@code fanout} run, as text (a one-line summary, then detail lines) or one
 * JSON object, in the conventions of {@link Report}. The groups are listed smallest first; the
 * ratios are largest/smallest, measured in the same run (on a shared machine only those compare).
 * Latencies are in milliseconds; the channel part is either two results or the reason it was
 * skipped.
 *
 * @param groups the group results of the last round, smallest group first
 * @param earlier the results of earlier rounds (warming up): not reported, but their guarantees
 *     count
 * @param channels the channel results, smallest first; empty when skipped
 * @param channelSkipped why the channel part did not run; null when it ran
 */
record FanoutReport(List<String> platforms, int posts, int inFlight, int warmup,
    int channelWarmup, long seed,
    String sizeMix, String runId, List<GroupFanout.Result> groups,
    List<GroupFanout.Result> earlier, List<ChannelFanout.Result> channels,
    String channelSkipped) {

  FanoutReport {
    platforms = List.copyOf(platforms);
    groups = List.copyOf(groups);
    earlier = List.copyOf(earlier);
    channels = List.copyOf(channels);
  }

  /** A guarantee was broken in any part (or a part accepted nothing): exit non-zero. */
  boolean failed() {
    return groups.stream().anyMatch(GroupFanout.Result::failed)
        || earlier.stream().anyMatch(GroupFanout.Result::failed)
        || channels.stream().anyMatch(ChannelFanout.Result::failed);
  }

  /** {@code a / b}, or -1 when {@code b} is not positive. */
  static double ratio(double a, double b) {
    return b > 0 ? a / b : -1;
  }

  /**
   * {@code fanout: group(10)=... group(10000)=... ratio(10000/10) ... lost=0 unflagged-dups=0
   * out-of-order=0 channel(...)...}.
   */
  String summary() {
    List<String> parts = new ArrayList<>();
    for (GroupFanout.Result g : groups) {
      FanoutTally t = g.measured();
      parts.add(String.format(Locale.ROOT, "group(%d)=%.0f posts/s %.0f deliveries/s p50=%s ms"
          + " p99=%s ms", g.total(), t.acceptedPerSecond(), t.deliveriesPerSecond(),
          ms(t.submitToDelivered().value(0.5)), ms(t.submitToDelivered().value(0.99))));
    }
    if (groups.size() > 1) {
      GroupFanout.Result small = groups.get(0);
      GroupFanout.Result large = groups.get(groups.size() - 1);
      parts.add(String.format(Locale.ROOT, "ratio(%d/%d) deliveries/s=%s p50=%s",
          large.total(), small.total(),
          fixed(ratio(large.measured().deliveriesPerSecond(),
              small.measured().deliveriesPerSecond())),
          fixed(ratio(large.measured().submitToDelivered().value(0.5),
              small.measured().submitToDelivered().value(0.5)))));
    }
    List<GroupFanout.Result> all = new ArrayList<>(earlier);
    all.addAll(groups);
    parts.add(String.format(Locale.ROOT, "lost=%d unflagged-dups=%d out-of-order=%d",
        all.stream().mapToInt(GroupFanout.Result::lost).sum()
            + channels.stream().mapToInt(c -> c.measured().lost() + c.lostWarmup()).sum(),
        all.stream().mapToInt(g -> g.measured().unflaggedDuplicates()).sum()
            + channels.stream().mapToInt(c -> c.measured().unflaggedDuplicates()).sum(),
        all.stream().mapToInt(g -> g.measured().outOfOrder()).sum()
            + channels.stream().mapToInt(c -> c.measured().outOfOrder()).sum()));
    if (channelSkipped != null) {
      parts.add("channel=skipped");
    }
    for (ChannelFanout.Result c : channels) {
      FanoutTally t = c.measured();
      parts.add(String.format(Locale.ROOT, "channel(%d) accepted p50=%s ms delivered-all"
              + " p50=%s ms p99=%s ms heap-growth=%s", c.subscribers(),
          ms(t.submitToAccepted().value(0.5)), ms(t.submitToAllDelivered().value(0.5)),
          ms(t.submitToAllDelivered().value(0.99)), growth(c)));
    }
    if (channels.size() > 1) {
      ChannelFanout.Result small = channels.get(0);
      ChannelFanout.Result large = channels.get(channels.size() - 1);
      parts.add(String.format(Locale.ROOT, "ratio(%d/%d) accepted p50=%s delivered-all p50=%s"
              + " p99=%s", large.subscribers(), small.subscribers(),
          fixed(ratio(large.measured().submitToAccepted().value(0.5),
              small.measured().submitToAccepted().value(0.5))),
          fixed(ratio(large.measured().submitToAllDelivered().value(0.5),
              small.measured().submitToAllDelivered().value(0.5))),
          fixed(ratio(large.measured().submitToAllDelivered().value(0.99),
              small.measured().submitToAllDelivered().value(0.99)))));
    }
    return "fanout: " + String.join(" ", parts);
  }

  /** The summary, then one line per group and channel with its CPU split. */
  String text() {
    StringBuilder out = new StringBuilder(summary());
    for (GroupFanout.Result g : groups) {
      FanoutTally t = g.measured();
      out.append('\n').append(String.format(Locale.ROOT, "  group %s: %d members %s, set up"
              + " in %.1f s (%d log items, %.0f members/s); %d posts after %d warm-up, at most"
              + " %d in flight per platform: accepted=%.0f/s deliveries=%.0f/s (%d of %d first"
              + " arrivals, %d frames) submit-accepted p50=%s ms p99=%s ms submit-delivered"
              + " p50=%s ms p99=%s ms max=%s ms lost=%d unflagged-dups=%d out-of-order=%d"
              + " redelivered=%d refused=%d%s unanswered=%d%s",
          g.group(), g.total(), g.members(), g.setupNanos() / 1e9, g.setupItems(),
          g.total() * 1e9 / Math.max(1, g.setupNanos()), t.posts(),
          warmup, inFlight, t.acceptedPerSecond(), t.deliveriesPerSecond(), t.deliveries(),
          t.accepted() * platforms.size(), t.frames(), ms(t.submitToAccepted().value(0.5)),
          ms(t.submitToAccepted().value(0.99)), ms(t.submitToDelivered().value(0.5)),
          ms(t.submitToDelivered().value(0.99)), ms(t.submitToDelivered().max()), g.lost(),
          t.unflaggedDuplicates(), t.outOfOrder(), t.redelivered(), t.refused(),
          codes(t.refusedByCode(), "(", ")", "="), t.unanswered(),
          g.settled() ? "" : " (not settled within the grace period)"));
      if (g.cpu() != null) {
        out.append('\n').append("    measured phase ").append(g.cpu().line());
      }
      if (t.refusedByCode().containsKey(ErrorCode.RATE_LIMITED)) {
        out.append('\n').append("    posts were refused RATE_LIMITED: run the broker with the"
            + " group and per-user limits off for this benchmark (BENCHMARKS.md, fanout), or"
            + " use --start");
      }
    }
    for (GroupFanout.Result g : earlier) {
      out.append('\n').append(String.format(Locale.ROOT, "  earlier round, group %s (warming"
              + " up, not reported): lost=%d unflagged-dups=%d out-of-order=%d", g.group(),
          g.lost(), g.measured().unflaggedDuplicates(), g.measured().outOfOrder()));
    }
    if (channelSkipped != null) {
      out.append('\n').append("  channel part skipped: ").append(channelSkipped)
          .append("; the group part's results stand");
    }
    for (ChannelFanout.Result c : channels) {
      FanoutTally t = c.measured();
      out.append('\n').append(String.format(Locale.ROOT, "  channel %s: %d subscribers %s by"
              + " %d BulkSubscribe calls in %.1f s (%.0f subscriptions/s), all counted by"
              + " GetGroup after %.1f s; %d posts one at a time after %d warm-up:"
              + " submit-accepted p50=%s ms p99=%s ms delivered-on-all-platforms p50=%s ms"
              + " p99=%s ms max=%s ms lost=%d unflagged-dups=%d out-of-order=%d"
              + " rate-limited-retries=%d; broker heap after GC before=%s after=%s",
          c.channel(), c.subscribers(), c.counted(), c.calls(), c.subscribeNanos() / 1e9,
          c.subscriptionsPerSecond(), c.countedNanos() / 1e9, t.posts(), channelWarmup,
          ms(t.submitToAccepted().value(0.5)), ms(t.submitToAccepted().value(0.99)),
          ms(t.submitToAllDelivered().value(0.5)), ms(t.submitToAllDelivered().value(0.99)),
          ms(t.submitToAllDelivered().max()), t.lost() + c.lostWarmup(),
          t.unflaggedDuplicates(), t.outOfOrder(), c.rateLimitedRetries(), mib(c.heapBefore()),
          mib(c.heapAfter())));
      if (c.cpu() != null) {
        out.append('\n').append("    measured posts ").append(c.cpu().line());
      }
    }
    return out.toString();
  }

  /** Everything as one JSON object. */
  String json() {
    return "{" + String.join(",",
        field("scenario", quote("fanout")),
        field("platformIds", platforms.stream().map(FanoutReport::quote)
            .collect(Collectors.joining(",", "[", "]"))),
        field("posts", posts),
        field("inFlight", inFlight),
        field("warmup", warmup),
        field("channelWarmup", channelWarmup),
        field("seed", seed),
        field("sizeMix", quote(sizeMix)),
        field("runId", quote(runId)),
        field("groups", groups.stream().map(FanoutReport::json)
            .collect(Collectors.joining(",", "[", "]"))),
        field("earlierRounds", earlier.stream().map(FanoutReport::json)
            .collect(Collectors.joining(",", "[", "]"))),
        field("channelSkipped", channelSkipped == null ? "null" : quote(channelSkipped)),
        field("channels", channels.stream().map(FanoutReport::json)
            .collect(Collectors.joining(",", "[", "]"))),
        field("ok", !failed())) + "}";
  }

  private static String json(GroupFanout.Result g) {
    FanoutTally t = g.measured();
    return "{" + String.join(",",
        field("group", quote(g.group())),
        field("members", g.total()),
        field("membersPerPlatform", counts(g.members())),
        field("setupSec", round(g.setupNanos() / 1e9)),
        field("setupItems", g.setupItems()),
        tally(t),
        field("lost", g.lost()),
        field("settled", g.settled()),
        field("cpu", g.cpu() == null ? "null" : g.cpu().json())) + "}";
  }

  private static String json(ChannelFanout.Result c) {
    FanoutTally t = c.measured();
    return "{" + String.join(",",
        field("channel", quote(c.channel())),
        field("subscribers", c.subscribers()),
        field("subscribersPerPlatform", counts(c.counted())),
        field("bulkSubscribeCalls", c.calls()),
        field("subscribeSec", round(c.subscribeNanos() / 1e9)),
        field("subscriptionsPerSec", round(c.subscriptionsPerSecond())),
        field("countedSec", round(c.countedNanos() / 1e9)),
        tally(t),
        field("lost", t.lost() + c.lostWarmup()),
        field("rateLimitedRetries", c.rateLimitedRetries()),
        field("heapAfterGcBeforeBytes", c.heapBefore() == null ? "null"
            : c.heapBefore().afterGcBytes()),
        field("heapAfterGcAfterBytes", c.heapAfter() == null ? "null"
            : c.heapAfter().afterGcBytes()),
        field("heapForcedGc", c.heapAfter() != null && c.heapAfter().forcedGc()),
        field("cpu", c.cpu() == null ? "null" : c.cpu().json())) + "}";
  }

  private static String tally(FanoutTally t) {
    return String.join(",",
        field("posts", t.posts()),
        field("accepted", t.accepted()),
        field("acceptedPerSec", round(t.acceptedPerSecond())),
        field("deliveries", t.deliveries()),
        field("deliveriesPerSec", round(t.deliveriesPerSecond())),
        field("frames", t.frames()),
        field("submitAcceptedMs", latencies(t.submitToAccepted())),
        field("submitDeliveredMs", latencies(t.submitToDelivered())),
        field("submitDeliveredAllMs", latencies(t.submitToAllDelivered())),
        field("unflaggedDups", t.unflaggedDuplicates()),
        field("outOfOrder", t.outOfOrder()),
        field("redelivered", t.redelivered()),
        field("refused", t.refused()),
        field("refusedByCode", codes(t.refusedByCode(), "{", "}", ":")),
        field("unanswered", t.unanswered()));
  }

  private static String counts(Map<String, Long> counts) {
    return counts.entrySet().stream().map(e -> quote(e.getKey()) + ":" + e.getValue())
        .collect(Collectors.joining(",", "{", "}"));
  }

  private static String latencies(Percentiles p) {
    return "{\"p50\":" + ms(p.value(0.5)) + ",\"p99\":" + ms(p.value(0.99)) + ",\"max\":"
        + ms(p.max()) + ",\"count\":" + p.count() + "}";
  }

  private static String codes(Map<ErrorCode, Integer> refused, String open, String close,
      String separator) {
    if (refused.isEmpty() && separator.equals("=")) {
      return "";
    }
    return refused.entrySet().stream()
        .map(e -> (separator.equals(":") ? quote(e.getKey().name()) : e.getKey().name())
            + separator + e.getValue())
        .collect(Collectors.joining(",", open, close));
  }

  /**
   * How much the broker's heap after GC grew over a channel's posts, e.g. {@code +0.4MiB}: the
   * memory the posts left behind; {@code ?} without both readings.
   */
  private static String growth(ChannelFanout.Result c) {
    if (c.heapBefore() == null || c.heapAfter() == null) {
      return "?";
    }
    return String.format(Locale.ROOT, "%+.1fMiB",
        (c.heapAfter().afterGcBytes() - c.heapBefore().afterGcBytes()) / 1048576.0);
  }

  private static String mib(BrokerHeap.Reading reading) {
    return reading == null ? "?" : reading.text();
  }

  private static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
  }

  private static String fixed(double value) {
    return value < 0 ? "?" : String.format(Locale.ROOT, "%.2f", value);
  }

  private static String round(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }

  private static String field(String name, Object value) {
    return quote(name) + ":" + value;
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
