package io.peyvand.broker.bench;

import io.peyvand.loadtests.bench.harness.CpuSplit;
import io.peyvand.loadtests.bench.harness.RawHello;
import io.peyvand.protocol.v1.CallAnswer;
import io.peyvand.protocol.v1.CallEvent;
import io.peyvand.protocol.v1.CallHangup;
import io.peyvand.protocol.v1.CallInvite;
import io.peyvand.protocol.v1.CallMedia;
import io.peyvand.protocol.v1.CallRef;
import io.peyvand.protocol.v1.CallRequest;
import io.peyvand.protocol.v1.CallRinging;
import io.peyvand.protocol.v1.ClientFrame;
import io.peyvand.protocol.v1.InterconnectClient;
import io.peyvand.protocol.v1.ServerFrame;
import io.peyvand.protocol.v1.UserAddress;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.grpc.GrpcClientSettings;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code calls} scenario ({@code ./peyvand bench calls}): call setups at a fixed offered rate
 * (open loop) across the four platforms, each platform calling the next, over gRPC sessions of a
 * broker node in this JVM. Each platform has one caller session and one session that rings ({@code
 * Hello.ring_calls}); the ringing side answers at once with {@code ringing} then {@code answer},
 * and the caller hangs up when it hears the answer. Printed: setups/s achieved, and p50/p99 of
 * invite-to-rings (the caller sends the invite until the callee's session receives it), of
 * invite-to-ringing (until the caller hears the callee's ringing), and of answer-to-connected (the
 * callee sends its answer until the caller receives it), and CPU per call in the broker and in
 * Cassandra (three journal writes per call: invite, answer, end).
 */
@Command(
    name = "calls",
    mixinStandardHelpOptions = true,
    description = "Call setups/s and signalling latency (invite to ringing, answer to connected).")
final class CallsCommand implements Callable<Integer> {
  @Mixin BenchOptions common = new BenchOptions();

  @Option(
      names = "--rate",
      paramLabel = "N",
      defaultValue = "100",
      description =
          "Call setups offered per second, across the platforms (default ${DEFAULT-VALUE}).")
  int rate;

  @Option(
      names = "--calls",
      paramLabel = "N",
      defaultValue = "6000",
      description = "Calls measured (default ${DEFAULT-VALUE}), after the warm-up.")
  int calls;

  @Option(
      names = "--users",
      paramLabel = "N",
      defaultValue = "1000",
      description =
          "Users per platform who call and are called (default ${DEFAULT-VALUE}): a callee's"
              + " mailbox answers the consent check, warm once it was called.")
  int users;

  @Option(
      names = "--warmup",
      paramLabel = "N",
      defaultValue = "9000",
      description =
          "Calls placed before the measured ones, at the measured rate or 100/s if that is"
              + " faster (default ${DEFAULT-VALUE}): both JVMs are fresh, and with 300 the p99 was"
              + " 80 times higher (their JIT compiling).")
  int warmup;

  @Spec CommandLine.Model.CommandSpec spec;

  private static final List<String> PLATFORMS = List.of("bale", "eitaa", "rubika", "soroush");
  private static final String OFFER =
      "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n";
  private static final String ANSWER =
      "v=0\r\no=- 2 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n";

  /** The times of one call, in nanoseconds (0: not yet). */
  private static final class Timing {
    final long invited = System.nanoTime();
    volatile long rang;
    volatile long heardRinging;
    volatile long answerSent;
    volatile long connected;
  }

  private final Map<String, Timing> timings = new ConcurrentHashMap<>();
  private final AtomicLong refused = new AtomicLong();
  private CountDownLatch done;

  @Override
  public Integer call() throws Exception {
    if (rate < 1 || calls < 1 || users < 1 || warmup < 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--rate, --calls and --users must be positive");
    }
    PrintStream log = System.err;
    String run = Long.toString(System.currentTimeMillis(), 36);
    try (BenchCassandra cassandra =
        BenchCassandra.open(common.cassandra, common.startCassandra, "bench_calls_" + run, log)) {
      String overrides =
          """
          peyvand.platforms.bootstrap = [
            { id = "bale", display-name = "Bale", default-opted-in = true }
            { id = "eitaa", display-name = "Eitaa", default-opted-in = true }
            { id = "rubika", display-name = "Rubika", default-opted-in = true }
            { id = "soroush", display-name = "Soroush Plus", default-opted-in = true }
          ]
          peyvand.limits.submit-per-platform { rate = 100000, burst = 100000 }
          peyvand.calls.relay.shared-secret = "bench-shared-secret-0123456789"
          peyvand.calls.relay.uris = ["turn:127.0.0.1:3478?transport=udp"]
          """;
      try (BenchNode node = cassandra.startNode("bench-calls", overrides)) {
        ActorSystem<Void> system = node.system();
        int port = node.broker().grpcAddress().getPort();
        List<Side> callers = new ArrayList<>();
        for (String platform : PLATFORMS) {
          callers.add(open(system, port, platform, false));
          open(system, port, platform, true);
        }
        log.printf("calls: warming up with %d calls...%n", warmup);
        offer(callers, warmup, Math.max(rate, 100), "w");
        timings.clear();
        log.printf("calls: %,d calls at %d/s...%n", calls, rate);
        List<CpuSplit.Part> parts =
            List.of(CpuSplit.self("broker+bench"), new CpuSplit.Part("cassandra", cassandra.pid));
        CpuSplit cpu = CpuSplit.start(parts);
        long start = System.nanoTime();
        boolean all = offer(callers, calls, rate, "m");
        long wall = System.nanoTime() - start;
        CpuSplit.Result split = cpu.stop();
        report(all, wall, split);
      }
    }
    return 0;
  }

  /** Places {@code count} calls at {@code perSecond}; true when every one was connected. */
  private boolean offer(List<Side> callers, int count, int perSecond, String prefix)
      throws InterruptedException {
    done = new CountDownLatch(count);
    long interval = 1_000_000_000L / perSecond;
    long next = System.nanoTime();
    for (int i = 0; i < count; i++) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      next += interval;
      int from = i % PLATFORMS.size();
      String callee = PLATFORMS.get((from + 1) % PLATFORMS.size());
      String id = prefix + "-" + i;
      timings.put(id, new Timing());
      callers
          .get(from)
          .send(
              request(PLATFORMS.get(from), id, i)
                  .setInvite(
                      CallInvite.newBuilder()
                          .setCallee(user(callee, "u" + Math.floorMod(i * 7919L, users)))
                          .addMedia(CallMedia.AUDIO)
                          .setSdpOffer(OFFER))
                  .build());
    }
    return done.await(count / (double) perSecond > 60 ? 120 : 60, TimeUnit.SECONDS);
  }

  private void report(boolean all, long wall, CpuSplit.Result split) {
    List<Timing> measured = List.copyOf(timings.values());
    long[] rings = nanos(measured, t -> t.rang == 0 ? -1 : t.rang - t.invited);
    long[] ringing = nanos(measured, t -> t.heardRinging == 0 ? -1 : t.heardRinging - t.invited);
    long[] connected = nanos(measured, t -> t.connected == 0 ? -1 : t.connected - t.answerSent);
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        Locale.ROOT,
        "calls: %,d call setups offered at %d/s across %d platforms (each calls the next), %,d users"
            + " each%s%n",
        calls,
        rate,
        PLATFORMS.size(),
        users,
        all ? "" : "; NOT ALL CONNECTED within the wait");
    out.printf(
        Locale.ROOT,
        "  setups/s %.0f   connected %,d   refused %,d%n",
        connected.length / (wall / 1e9),
        connected.length,
        refused.get());
    line(out, "invite to rings (callee's session)", rings);
    line(out, "invite to ringing (caller hears it)", ringing);
    line(out, "answer to connected (caller has it)", connected);
    out.printf(Locale.ROOT, "  cpu %s%n", split.line());
    for (CpuSplit.Share share : split.shares()) {
      out.printf(
          Locale.ROOT,
          "  cpu per call, %s: %.2f ms%n",
          share.name(),
          share.cpuNanos() / 1e6 / Math.max(1, connected.length));
    }
    out.printf(
        Locale.ROOT,
        "rerun: ./peyvand bench calls --start-cassandra --rate %d --calls %d --users %d --warmup %d%n",
        rate,
        calls,
        users,
        warmup);
  }

  private static void line(PrintWriter out, String what, long[] sorted) {
    if (sorted.length == 0) {
      out.printf(Locale.ROOT, "  %-38s none measured%n", what);
      return;
    }
    out.printf(
        Locale.ROOT,
        "  %-38s p50 %6.1f ms   p99 %6.1f ms   max %6.1f ms%n",
        what,
        sorted[sorted.length / 2] / 1e6,
        sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] / 1e6,
        sorted[sorted.length - 1] / 1e6);
  }

  private static long[] nanos(
      List<Timing> timings, java.util.function.ToLongFunction<Timing> value) {
    long[] values = timings.stream().mapToLong(value).filter(v -> v >= 0).toArray();
    Arrays.sort(values);
    return values;
  }

  /** One session of a platform: a caller's, or one that rings and answers at once. */
  private final class Side {
    private final BoundedSourceQueue<ClientFrame> out;
    private final String platform;

    Side(ActorSystem<?> system, int port, String platform, boolean rings) {
      this.platform = platform;
      InterconnectClient client =
          InterconnectClient.create(
              GrpcClientSettings.connectToServiceAt("127.0.0.1", port, system).withTls(false),
              system);
      Pair<BoundedSourceQueue<ClientFrame>, Source<ClientFrame, org.apache.pekko.NotUsed>> queue =
          Source.<ClientFrame>queue(65_536).preMaterialize(system);
      this.out = queue.first();
      client.connect(queue.second()).runWith(Sink.foreach(this::received), system);
      send(RawHello.frame(platform, "bench-" + (rings ? "rings" : "calls"), rings));
    }

    void send(CallRequest request) {
      send(ClientFrame.newBuilder().setCall(request).build());
    }

    void send(ClientFrame frame) {
      out.offer(frame);
    }

    private void received(ServerFrame frame) {
      if (frame.hasCallResult() && frame.getCallResult().hasRefused()) {
        refused.incrementAndGet();
        done.countDown();
        return;
      }
      if (!frame.hasCallEvent()) {
        return;
      }
      CallEvent event = frame.getCallEvent();
      Timing timing = timings.get(event.getCall().getCallId());
      if (timing == null) {
        return;
      }
      long now = System.nanoTime();
      switch (event.getEventCase()) {
        case INVITED -> {
          timing.rang = now;
          send(request(event.getCall()).setRinging(CallRinging.getDefaultInstance()).build());
          timing.answerSent = System.nanoTime();
          send(
              request(event.getCall())
                  .setAnswer(CallAnswer.newBuilder().setSdpAnswer(ANSWER))
                  .build());
        }
        case RINGING -> timing.heardRinging = now;
        case ANSWERED -> {
          timing.connected = now;
          send(request(event.getCall()).setHangup(CallHangup.getDefaultInstance()).build());
          done.countDown();
        }
        default -> {}
      }
    }
  }

  private Side open(ActorSystem<?> system, int port, String platform, boolean rings) {
    return new Side(system, port, platform, rings);
  }

  private static final AtomicLong CORRELATIONS = new AtomicLong();

  /** Call {@code n}'s request, placed by one of the platform's users. */
  private CallRequest.Builder request(String platform, String id, int n) {
    return request(
        CallRef.newBuilder()
            .setCaller(user(platform, "u" + Math.floorMod(n * 104_729L, users)))
            .setCallId(id)
            .build());
  }

  private static CallRequest.Builder request(CallRef call) {
    return CallRequest.newBuilder().setCorrelationId(CORRELATIONS.incrementAndGet()).setCall(call);
  }

  private static UserAddress user(String platform, String id) {
    return UserAddress.newBuilder().setPlatformId(platform).setUserId(id).build();
  }
}
