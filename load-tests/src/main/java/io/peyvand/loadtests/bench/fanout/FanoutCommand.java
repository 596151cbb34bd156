package io.peyvand.loadtests.bench.fanout;

import static io.peyvand.loadtests.bench.harness.CommonOptions.atLeast;
import static io.peyvand.loadtests.bench.harness.CommonOptions.atMost;

import io.peyvand.loadtests.bench.harness.BrokerHeap;
import io.peyvand.loadtests.bench.harness.CommonOptions;
import io.peyvand.loadtests.bench.harness.CpuSplit;
import io.peyvand.loadtests.bench.harness.MessageIds;
import io.peyvand.loadtests.bench.harness.Platforms;
import io.peyvand.loadtests.bench.harness.SizeMix;
import io.peyvand.protocol.sdk.BrokerEndpoint;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.pekko.actor.ActorSystem;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code fanout} scenario (issue 6): what a post into a group or channel costs, and that the
 * cost does not grow with the audience. One session per platform for the whole run ({@link
 * FanoutSessions}), then in the same run: a group of {@code --small-members} and one of {@code
 * --members} over the platforms ({@link GroupFanout}), and channels of {@code --channel-small} and
 * {@code --channel-large} subscribers ({@link ChannelFanout}), each compared large/small. When the
 * broker does not serve BulkSubscribe yet, the channel part is skipped with a line that says so,
 * and the group part's result stands.
 *
 * <p>The broker must not rate-limit the benchmark's posts: a group's posts per second ({@code
 * peyvand.groups.posts-per-second}) and a user's submissions per second ({@code
 * peyvand.limits.submit-per-user}: a member of a 10-member group sends a tenth of the posts).
 * {@code --start} starts a broker with both off; for a broker started by hand, BENCHMARKS.md gives
 * the settings. Refused posts are reported with the hint.
 */
@Command(
    name = "fanout",
    mixinStandardHelpOptions = true,
    version = "Peyvand bench 0.1.0",
    description = {
      "Group and channel fan-out over the four dev platforms, over raw gRPC sessions"
          + " (one acknowledging session per platform).",
      "1. A group of --small-members and one of --members members: --posts posts from members"
          + " on every platform, at most --in-flight unanswered per platform; posts accepted/s,"
          + " deliveries/s (GroupDelivery first arrivals over all platforms), submit-to-delivered"
          + " p50/p99 per platform delivery, lost, unflagged duplicates and out-of-order arrivals,"
          + " and the ratio large/small.",
      "2. Channels of --channel-small and --channel-large subscribers made with BulkSubscribe"
          + " (subscriptions/s), then --channel-posts posts one at a time into each: time to"
          + " accepted and to delivered on every platform (p50/p99), the broker's heap after GC"
          + " before and after (GET /metrics at --http), and the ratio large/small. Skipped with a"
          + " line saying why when the broker does not serve BulkSubscribe yet.",
      "Prints a summary line, then a line per group and channel with its CPU split; or one"
          + " --json object."
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:every accepted post reached every platform once, in order, repeats flagged"
          + " (the channel part may have been skipped)",
      "1:a post was lost, a repeat was not flagged, posts arrived out of order, or a part"
          + " accepted nothing",
      "2:bad options, or the broker could not be reached, refused a session or a set-up call"
    })
public final class FanoutCommand implements Callable<Integer> {
  static final int BROKEN = 1;
  static final int UNREACHABLE = CommonOptions.UNREACHABLE;

  /** What --start turns off in its broker: the limits this benchmark must not hit. */
  static final List<String> UNLIMITED =
      List.of(
          "peyvand.groups.posts-per-second=0",
          "peyvand.limits.submit-per-user.rate=1000000",
          "peyvand.limits.submit-per-user.burst=1000000");

  @Mixin CommonOptions common = new CommonOptions();

  @Option(
      names = "--platforms",
      paramLabel = "N|LIST",
      defaultValue = "4",
      description =
          "How many of the dev platforms (eitaa, bale, rubika, soroush, in that order),"
              + " or a comma-separated list; the first is the groups' home (default"
              + " ${DEFAULT-VALUE}). Members are spread by monthly users (rubika 40, eitaa 22, bale"
              + " 16.5, soroush 10.5 million).")
  String platforms;

  @Option(
      names = "--members",
      paramLabel = "N",
      defaultValue = "10000",
      description = "Members of the large group (default ${DEFAULT-VALUE}).")
  int members;

  @Option(
      names = "--small-members",
      paramLabel = "N",
      defaultValue = "10",
      description =
          "Members of the small group, run first for the ratio; 0 skips it (default"
              + " ${DEFAULT-VALUE}).")
  int smallMembers;

  @Option(
      names = "--posts",
      paramLabel = "N",
      defaultValue = "2000",
      description = "Measured posts into each group (default ${DEFAULT-VALUE}).")
  int posts;

  @Option(
      names = "--in-flight",
      paramLabel = "N",
      defaultValue = "16",
      description = "Unanswered posts per platform at most (default ${DEFAULT-VALUE}).")
  int inFlight;

  @Option(
      names = "--warmup",
      paramLabel = "N",
      defaultValue = "200",
      description =
          "Posts sent into each group first and not measured (default" + " ${DEFAULT-VALUE}).")
  int warmup;

  @Option(
      names = "--rounds",
      paramLabel = "N",
      defaultValue = "2",
      description =
          "Rounds of the group part, each a new small and large group; only the last"
              + " is reported (earlier ones warm the broker, Cassandra and this JVM up, so that the"
              + " small group, run first, is not the one measured cold), but every round's"
              + " guarantees count (default ${DEFAULT-VALUE}).")
  int rounds;

  @Option(
      names = "--size-mix",
      paramLabel = "MIX",
      defaultValue = "realistic",
      description =
          "Text body sizes of group posts: realistic (80%% under 200 bytes, up to 16"
              + " KiB) or fixed:N (default ${DEFAULT-VALUE}).")
  String sizeMix;

  @Option(
      names = "--member-batch",
      paramLabel = "N",
      defaultValue = "1000",
      description = "Members added per ChangeMembers call, 1-1000 (default ${DEFAULT-VALUE}).")
  int memberBatch;

  @Option(
      names = "--grace",
      paramLabel = "SECONDS",
      defaultValue = "60",
      description =
          "How long after the last submit an accepted post may take to reach every"
              + " platform before it counts as lost (default ${DEFAULT-VALUE}).")
  int graceSeconds;

  @Option(
      names = "--setup-timeout",
      paramLabel = "SECONDS",
      defaultValue = "1800",
      description =
          "How long a group's members or a channel's subscriptions may take to be"
              + " set up and counted (default ${DEFAULT-VALUE}).")
  int setupTimeoutSeconds;

  @Option(
      names = "--ack-interval",
      paramLabel = "MS",
      defaultValue = "20",
      description =
          "Each session acknowledges a group at most once per this many ms, up to"
              + " what it received (default ${DEFAULT-VALUE}, the SDK's acknowledge-interval).")
  int ackIntervalMs;

  @Option(
      names = "--channel-small",
      paramLabel = "N",
      defaultValue = "1000",
      description = "Subscribers of the small channel (default ${DEFAULT-VALUE}).")
  int channelSmall;

  @Option(
      names = "--channel-large",
      paramLabel = "N",
      defaultValue = "1000000",
      description = "Subscribers of the large channel (default ${DEFAULT-VALUE}).")
  int channelLarge;

  @Option(
      names = "--channel-posts",
      paramLabel = "N",
      defaultValue = "200",
      description =
          "Measured posts into each channel, one at a time (default" + " ${DEFAULT-VALUE}).")
  int channelPosts;

  @Option(
      names = "--channel-warmup",
      paramLabel = "N",
      defaultValue = "20",
      description = "Posts into each channel first, not measured (default ${DEFAULT-VALUE}).")
  int channelWarmup;

  @Option(
      names = "--subscribe-batch",
      paramLabel = "N",
      defaultValue = "10000",
      description =
          "Users of one platform per BulkSubscribe call, 1-10000 (default" + " ${DEFAULT-VALUE}).")
  int subscribeBatch;

  @Option(
      names = "--subscribe-in-flight",
      paramLabel = "N",
      defaultValue = "4",
      description = "BulkSubscribe calls unanswered at most (default ${DEFAULT-VALUE}).")
  int subscribeInFlight;

  @Option(names = "--no-channels", description = "Skip the channel part.")
  boolean noChannels;

  @Option(
      names = "--start",
      description =
          "Start a broker for the run (./peyvand dev with its"
              + " embedded Cassandra, on free ports, data under load-tests/target/bench-broker, with the"
              + " group and per-user post limits off) and stop it at the end, instead of using the one"
              + " at --broker, --http and --cassandra.")
  boolean start;

  @Spec CommandLine.Model.CommandSpec spec;

  private SizeMix sizes;

  SizeMix sizes() {
    return sizes;
  }

  @Override
  public Integer call() throws Exception {
    List<String> platformIds;
    try {
      platformIds = Platforms.parse(platforms);
      sizes = SizeMix.parse(sizeMix);
      common.endpoints();
      BrokerEndpoint.parse(common.http);
      atLeast("--members", members, platformIds.size());
      atLeast("--small-members", smallMembers, 0);
      if (smallMembers > 0) {
        atLeast("--small-members", smallMembers, platformIds.size());
      }
      atLeast("--posts", posts, 1);
      atLeast("--in-flight", inFlight, 1);
      atLeast("--warmup", warmup, 0);
      atLeast("--rounds", rounds, 1);
      atLeast("--grace", graceSeconds, 1);
      atLeast("--setup-timeout", setupTimeoutSeconds, 1);
      atLeast("--ack-interval", ackIntervalMs, 1);
      atLeast("--member-batch", memberBatch, 1);
      atMost("--member-batch", memberBatch, 1000);
      atLeast("--channel-small", channelSmall, platformIds.size());
      atLeast("--channel-large", channelLarge, platformIds.size());
      atLeast("--channel-posts", channelPosts, 1);
      atLeast("--channel-warmup", channelWarmup, 0);
      atLeast("--subscribe-batch", subscribeBatch, 1);
      atMost("--subscribe-batch", subscribeBatch, 10000);
      atLeast("--subscribe-in-flight", subscribeInFlight, 1);
      common.cassandraPort();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintStream log = System.err;
    return common.againstBroker(start, UNLIMITED, log, () -> run(platformIds, log));
  }

  private int run(List<String> platformIds, PrintStream log) throws Exception {
    String runId = MessageIds.fresh().runId();
    List<BrokerEndpoint> endpoints = common.endpoints();
    ActorSystem system = CommonOptions.actorSystem();
    FanoutSessions sessions =
        new FanoutSessions(
            platformIds,
            common,
            system,
            4 * inFlight + 1024,
            Duration.ofMillis(ackIntervalMs),
            log);
    try {
      try {
        sessions.connect("bench-fanout-" + runId, Duration.ofSeconds(common.connectTimeoutSeconds));
      } catch (TimeoutException e) {
        log.println(
            CommonOptions.unreachable(
                endpoints, "no session within " + common.connectTimeoutSeconds + " s"));
        return UNREACHABLE;
      } catch (ExecutionException e) {
        log.println(CommonOptions.unreachable(endpoints, String.valueOf(e.getCause())));
        return UNREACHABLE;
      }
      List<CpuSplit.Part> brokers = common.brokerParts();
      // The heap is read on the node of --http: the first one's process, when there are several.
      CpuSplit.Part broker = brokers.get(0);
      CpuSplit.Part cassandra = common.cassandraPart();
      List<CpuSplit.Part> parts = new ArrayList<>(brokers);
      parts.add(cassandra);
      parts.add(CpuSplit.self("bench"));
      log.printf(
          "fanout: run %s, platforms %s, %d posts after %d warm-up per group, at most %d"
              + " in flight per platform, sizes %s, seed %d, over %s; CPU accounted to %s pid"
              + " %s, cassandra pid %d (-1: not found on this machine)%n",
          runId,
          platformIds,
          posts,
          warmup,
          inFlight,
          sizes.name(),
          common.seed,
          common.connection(platformIds.get(0)),
          CpuSplit.names(brokers),
          CpuSplit.pids(brokers),
          cassandra.pid());
      log.printf(
          "fanout: sessions on %s%n",
          sessions.all().stream()
              .map(session -> session.platform() + " " + session.node())
              .collect(Collectors.joining(", ")));

      List<GroupFanout.Result> groups = new ArrayList<>();
      List<GroupFanout.Result> earlier = new ArrayList<>();
      GroupFanout groupFanout = new GroupFanout(this, sessions, log);
      try {
        for (int round = 1; round <= rounds; round++) {
          earlier.addAll(groups);
          groups.clear();
          String tag = rounds == 1 ? runId : runId + "r" + round;
          if (smallMembers > 0) {
            groups.add(groupFanout.run(tag, smallMembers, platformIds, parts));
          }
          groups.add(groupFanout.run(tag, members, platformIds, parts));
          if (round < rounds) {
            log.println(
                "fanout: round "
                    + round
                    + " of "
                    + rounds
                    + " (not reported): "
                    + report(platformIds, runId, groups, List.of(), List.of(), null).summary());
          }
        }
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        log.println("fanout: setting a group up failed: " + e);
        return UNREACHABLE;
      }

      List<ChannelFanout.Result> channels = new ArrayList<>();
      String skipped = noChannels ? "--no-channels" : null;
      if (!noChannels) {
        BrokerHeap heap =
            new BrokerHeap(common.http, common.tlsFor(platformIds.get(0)), broker.pid());
        ChannelFanout channelFanout = new ChannelFanout(this, sessions, heap, log);
        Optional<ChannelFanout.Skipped> skip = channelFanout.probe(runId, platformIds);
        if (skip.isPresent()) {
          skipped = skip.get().reason();
          log.println(
              "fanout: channel part skipped: "
                  + skipped
                  + " (channels are not served"
                  + " by this broker yet); the group part's results stand");
        } else {
          channels.add(channelFanout.run(runId, channelSmall, platformIds, parts));
          channels.add(channelFanout.run(runId, channelLarge, platformIds, parts));
        }
      }
      FanoutReport report = report(platformIds, runId, groups, earlier, channels, skipped);
      spec.commandLine().getOut().println(common.json ? report.json() : report.text());
      spec.commandLine().getOut().flush();
      return report.failed() ? BROKEN : 0;
    } finally {
      sessions.close();
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** The report of this run's options with the given results. */
  private FanoutReport report(
      List<String> platformIds,
      String runId,
      List<GroupFanout.Result> groups,
      List<GroupFanout.Result> earlier,
      List<ChannelFanout.Result> channels,
      String skipped) {
    return new FanoutReport(
        platformIds,
        posts,
        inFlight,
        warmup,
        channelWarmup,
        common.seed,
        sizes.name(),
        runId,
        groups,
        earlier,
        channels,
        skipped);
  }
}
