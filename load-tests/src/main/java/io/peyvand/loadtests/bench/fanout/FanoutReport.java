package io.peyvand.loadtests.bench.fanout;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.peyvand.loadtests.bench.harness.BrokerHeap;
import io.peyvand.loadtests.bench.harness.Json;
import io.peyvand.loadtests.bench.harness.Percentiles;
import io.peyvand.loadtests.bench.ledger.FanoutLedger.FanoutTally;
import io.peyvand.protocol.v1.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;

/**
 * The result of one {@code fanout} run, as text (a one-line summary, then detail lines) or one JSON
 * object, in the conventions of {@link Report}. The groups are listed smallest first; the ratios
 * are largest/smallest, measured in the same run (on a shared machine only those compare).
 * Latencies are in milliseconds; the channel part is either two results or the reason it was
 * skipped.
 *
 * @param groups the group results of the last round, smallest group first
 * @param earlier the results of earlier rounds (warming up): not reported, but their guarantees
 *     count
 * @param channels the channel results, smallest first; empty when skipped
 * @param channelSkipped why the channel part did not run; null when it ran
 */
public record FanoutReport(
    List<String> platforms,
    int posts,
    int inFlight,
    int warmup,
    int channelWarmup,
    long seed,
    String sizeMix,
    String runId,
    List<GroupFanout.Result> groups,
    List<GroupFanout.Result> earlier,
    List<ChannelFanout.Result> channels,
    String channelSkipped) {

  public FanoutReport {
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
      parts.add(
          String.format(
              Locale.ROOT,
              "group(%d)=%.0f posts/s %.0f deliveries/s p50=%s ms" + " p99=%s ms",
              g.total(),
              t.acceptedPerSecond(),
              t.deliveriesPerSecond(),
              ms(t.submitToDelivered().value(0.5)),
              ms(t.submitToDelivered().value(0.99))));
    }
    if (groups.size() > 1) {
      parts.add(
          largeOverSmall(
              groups,
              GroupFanout.Result::total,
              "ratio(%d/%d) deliveries/s=%s p50=%s",
              List.of(
                  g -> g.measured().deliveriesPerSecond(),
                  g -> g.measured().submitToDelivered().value(0.5))));
    }
    List<GroupFanout.Result> all = new ArrayList<>(earlier);
    all.addAll(groups);
    parts.add(
        String.format(
            Locale.ROOT,
            "lost=%d unflagged-dups=%d out-of-order=%d",
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
      parts.add(
          String.format(
              Locale.ROOT,
              "channel(%d) accepted p50=%s ms delivered-all"
                  + " p50=%s ms p99=%s ms heap-growth=%s",
              c.subscribers(),
              ms(t.submitToAccepted().value(0.5)),
              ms(t.submitToAllDelivered().value(0.5)),
              ms(t.submitToAllDelivered().value(0.99)),
              growth(c)));
    }
    if (channels.size() > 1) {
      parts.add(
          largeOverSmall(
              channels,
              ChannelFanout.Result::subscribers,
              "ratio(%d/%d) accepted p50=%s delivered-all p50=%s" + " p99=%s",
              List.of(
                  c -> c.measured().submitToAccepted().value(0.5),
                  c -> c.measured().submitToAllDelivered().value(0.5),
                  c -> c.measured().submitToAllDelivered().value(0.99))));
    }
    return "fanout: " + String.join(" ", parts);
  }

  /**
   * The last of {@code results} (the largest) against the first (the smallest): {@code format}
   * given both sizes, then each of {@code measures} as large/small.
   */
  private static <R> String largeOverSmall(
      List<R> results, ToIntFunction<R> size, String format, List<ToDoubleFunction<R>> measures) {
    R small = results.get(0);
    R large = results.get(results.size() - 1);
    List<Object> args = new ArrayList<>(List.of(size.applyAsInt(large), size.applyAsInt(small)));
    for (ToDoubleFunction<R> measure : measures) {
      args.add(fixed(ratio(measure.applyAsDouble(large), measure.applyAsDouble(small))));
    }
    return String.format(Locale.ROOT, format, args.toArray());
  }

  /** The summary, then one line per group and channel with its CPU split. */
  String text() {
    StringBuilder out = new StringBuilder(summary());
    for (GroupFanout.Result g : groups) {
      FanoutTally t = g.measured();
      out.append('\n')
          .append(
              String.format(
                  Locale.ROOT,
                  "  group %s: %d members %s, set up"
                      + " in %.1f s (%d log items, %.0f members/s); %d posts after %d warm-up, at most"
                      + " %d in flight per platform: accepted=%.0f/s deliveries=%.0f/s (%d of %d first"
                      + " arrivals, %d frames) submit-accepted p50=%s ms p99=%s ms submit-delivered"
                      + " p50=%s ms p99=%s ms max=%s ms lost=%d unflagged-dups=%d out-of-order=%d"
                      + " redelivered=%d refused=%d%s unanswered=%d%s",
                  g.group(),
                  g.total(),
                  g.members(),
                  g.setupNanos() / 1e9,
                  g.setupItems(),
                  g.total() * 1e9 / Math.max(1, g.setupNanos()),
                  t.posts(),
                  warmup,
                  inFlight,
                  t.acceptedPerSecond(),
                  t.deliveriesPerSecond(),
                  t.deliveries(),
                  t.accepted() * platforms.size(),
                  t.frames(),
                  ms(t.submitToAccepted().value(0.5)),
                  ms(t.submitToAccepted().value(0.99)),
                  ms(t.submitToDelivered().value(0.5)),
                  ms(t.submitToDelivered().value(0.99)),
                  ms(t.submitToDelivered().max()),
                  g.lost(),
                  t.unflaggedDuplicates(),
                  t.outOfOrder(),
                  t.redelivered(),
                  t.refused(),
                  codes(t.refusedByCode()),
                  t.unanswered(),
                  g.settled() ? "" : " (not settled within the grace period)"));
      if (g.cpu() != null) {
        out.append('\n').append("    measured phase ").append(g.cpu().line());
      }
      if (t.refusedByCode().containsKey(ErrorCode.RATE_LIMITED)) {
        out.append('\n')
            .append(
                "    posts were refused RATE_LIMITED: run the broker with the"
                    + " group and per-user limits off for this benchmark (BENCHMARKS.md, fanout), or"
                    + " use --start");
      }
    }
    for (GroupFanout.Result g : earlier) {
      out.append('\n')
          .append(
              String.format(
                  Locale.ROOT,
                  "  earlier round, group %s (warming"
                      + " up, not reported): lost=%d unflagged-dups=%d out-of-order=%d",
                  g.group(),
                  g.lost(),
                  g.measured().unflaggedDuplicates(),
                  g.measured().outOfOrder()));
    }
    if (channelSkipped != null) {
      out.append('\n')
          .append("  channel part skipped: ")
          .append(channelSkipped)
          .append("; the group part's results stand");
    }
    for (ChannelFanout.Result c : channels) {
      FanoutTally t = c.measured();
      out.append('\n')
          .append(
              String.format(
                  Locale.ROOT,
                  "  channel %s: %d subscribers %s by"
                      + " %d BulkSubscribe calls in %.1f s (%.0f subscriptions/s), all counted by"
                      + " GetGroup after %.1f s; %d posts one at a time after %d warm-up:"
                      + " submit-accepted p50=%s ms p99=%s ms delivered-on-all-platforms p50=%s ms"
                      + " p99=%s ms max=%s ms lost=%d unflagged-dups=%d out-of-order=%d"
                      + " rate-limited-retries=%d; broker heap after GC before=%s after=%s",
                  c.channel(),
                  c.subscribers(),
                  c.counted(),
                  c.calls(),
                  c.subscribeNanos() / 1e9,
                  c.subscriptionsPerSecond(),
                  c.countedNanos() / 1e9,
                  t.posts(),
                  channelWarmup,
                  ms(t.submitToAccepted().value(0.5)),
                  ms(t.submitToAccepted().value(0.99)),
                  ms(t.submitToAllDelivered().value(0.5)),
                  ms(t.submitToAllDelivered().value(0.99)),
                  ms(t.submitToAllDelivered().max()),
                  t.lost() + c.lostWarmup(),
                  t.unflaggedDuplicates(),
                  t.outOfOrder(),
                  c.rateLimitedRetries(),
                  mib(c.heapBefore()),
                  mib(c.heapAfter())));
      if (c.cpu() != null) {
        out.append('\n').append("    measured posts ").append(c.cpu().line());
      }
    }
    return out.toString();
  }

  /** Everything as one JSON object. */
  String json() {
    ObjectNode o = Json.object();
    o.put("scenario", "fanout");
    platforms.forEach(o.putArray("platformIds")::add);
    o.put("posts", posts);
    o.put("inFlight", inFlight);
    o.put("warmup", warmup);
    o.put("channelWarmup", channelWarmup);
    o.put("seed", seed);
    o.put("sizeMix", sizeMix);
    o.put("runId", runId);
    ArrayNode groupsNode = o.putArray("groups");
    groups.forEach(g -> groupsNode.add(json(g)));
    ArrayNode earlierNode = o.putArray("earlierRounds");
    earlier.forEach(g -> earlierNode.add(json(g)));
    o.put("channelSkipped", channelSkipped);
    ArrayNode channelsNode = o.putArray("channels");
    channels.forEach(c -> channelsNode.add(json(c)));
    o.put("ok", !failed());
    return Json.text(o);
  }

  private static ObjectNode json(GroupFanout.Result g) {
    ObjectNode o = Json.object();
    o.put("group", g.group());
    o.put("members", g.total());
    o.set("membersPerPlatform", Json.counts(g.members()));
    o.put("setupSec", Json.fixed(g.setupNanos() / 1e9, 1));
    o.put("setupItems", g.setupItems());
    tally(o, g.measured());
    o.put("lost", g.lost());
    o.put("settled", g.settled());
    o.set("cpu", g.cpu() == null ? null : g.cpu().json());
    return o;
  }

  private static ObjectNode json(ChannelFanout.Result c) {
    FanoutTally t = c.measured();
    ObjectNode o = Json.object();
    o.put("channel", c.channel());
    o.put("subscribers", c.subscribers());
    o.set("subscribersPerPlatform", Json.counts(c.counted()));
    o.put("bulkSubscribeCalls", c.calls());
    o.put("subscribeSec", Json.fixed(c.subscribeNanos() / 1e9, 1));
    o.put("subscriptionsPerSec", Json.fixed(c.subscriptionsPerSecond(), 1));
    o.put("countedSec", Json.fixed(c.countedNanos() / 1e9, 1));
    tally(o, t);
    o.put("lost", t.lost() + c.lostWarmup());
    o.put("rateLimitedRetries", c.rateLimitedRetries());
    o.put("heapAfterGcBeforeBytes", c.heapBefore() == null ? null : c.heapBefore().afterGcBytes());
    o.put("heapAfterGcAfterBytes", c.heapAfter() == null ? null : c.heapAfter().afterGcBytes());
    o.put("heapForcedGc", c.heapAfter() != null && c.heapAfter().forcedGc());
    o.set("cpu", c.cpu() == null ? null : c.cpu().json());
    return o;
  }

  private static void tally(ObjectNode o, FanoutTally t) {
    o.put("posts", t.posts());
    o.put("accepted", t.accepted());
    o.put("acceptedPerSec", Json.fixed(t.acceptedPerSecond(), 1));
    o.put("deliveries", t.deliveries());
    o.put("deliveriesPerSec", Json.fixed(t.deliveriesPerSecond(), 1));
    o.put("frames", t.frames());
    o.set("submitAcceptedMs", latencies(t.submitToAccepted()));
    o.set("submitDeliveredMs", latencies(t.submitToDelivered()));
    o.set("submitDeliveredAllMs", latencies(t.submitToAllDelivered()));
    o.put("unflaggedDups", t.unflaggedDuplicates());
    o.put("outOfOrder", t.outOfOrder());
    o.put("redelivered", t.redelivered());
    o.put("refused", t.refused());
    o.set("refusedByCode", Json.byCode(t.refusedByCode()));
    o.put("unanswered", t.unanswered());
  }

  /** p50, p99 and max in milliseconds, and the count. */
  private static ObjectNode latencies(Percentiles p) {
    ObjectNode o = Json.object();
    o.put("p50", Json.ms(p.value(0.5)));
    o.put("p99", Json.ms(p.value(0.99)));
    o.put("max", Json.ms(p.max()));
    o.put("count", p.count());
    return o;
  }

  /**
   * How much the broker's heap after GC grew over a channel's posts, e.g. {@code +0.4MiB}: the
   * memory the posts left behind; {@code ?} without both readings.
   */
  private static String growth(ChannelFanout.Result c) {
    if (c.heapBefore() == null || c.heapAfter() == null) {
      return "?";
    }
    return String.format(
        Locale.ROOT,
        "%+.1fMiB",
        (c.heapAfter().afterGcBytes() - c.heapBefore().afterGcBytes()) / 1048576.0);
  }

  private static String mib(BrokerHeap.Reading reading) {
    return reading == null ? "?" : reading.text();
  }

  /** Refusals as {@code (CODE=n,...)} for the text lines, nothing when there were none. */
  private static String codes(Map<ErrorCode, Integer> refused) {
    return refused.isEmpty()
        ? ""
        : refused.entrySet().stream()
            .map(e -> e.getKey().name() + "=" + e.getValue())
            .collect(Collectors.joining(",", "(", ")"));
  }

  private static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
  }

  private static String fixed(double value) {
    return value < 0 ? "?" : String.format(Locale.ROOT, "%.2f", value);
  }
}
