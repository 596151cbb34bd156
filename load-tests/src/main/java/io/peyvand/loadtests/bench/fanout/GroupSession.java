package io.peyvand.loadtests.bench.fanout;

import io.peyvand.loadtests.bench.harness.CommonOptions;
import io.peyvand.loadtests.bench.harness.RawHello;
import io.peyvand.protocol.sdk.BrokerEndpoint;
import io.peyvand.protocol.v1.ClientFrame;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.GroupAcknowledge;
import io.peyvand.protocol.v1.GroupAddress;
import io.peyvand.protocol.v1.GroupDelivery;
import io.peyvand.protocol.v1.GroupsClient;
import io.peyvand.protocol.v1.InterconnectClient;
import io.peyvand.protocol.v1.ServerFrame;
import io.peyvand.protocol.v1.Submit;
import io.peyvand.protocol.v1.SubmitResult;
import io.peyvand.protocol.v1.Welcome;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.grpc.GrpcClientSettings;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * One platform's adapter in the {@code fanout} benchmark, speaking the session frames itself over
 * gRPC (so that the figures measure the broker, not the SDK): it says Hello, submits posts (answers
 * matched by correlation id), hands every GroupDelivery to a {@link Receiver} and acknowledges what
 * it received, and makes the platform's unary {@code Groups} calls. It connects as the platform
 * over mutual TLS with the platform's certificate when there is one ({@link CommonOptions#tlsFor}).
 *
 * <p>Acknowledgements are cumulative per group and sent at most once per group every {@code
 * ackInterval}, as the SDK does for mailboxes (its {@code acknowledge-interval}, 20 ms by default):
 * up to the highest sequence received. That never covers an item not received, because a platform's
 * first arrivals come in the group's order (which the ledger checks), and a repeat is at or below
 * what was received already.
 */
public final class GroupSession implements AutoCloseable {
  /** Where the session's deliveries go, on the session's stream thread: keep it short. */
  interface Receiver {
    void received(String platform, GroupDelivery delivery);
  }

  private final String platform;
  private final BrokerEndpoint node;
  private final InterconnectClient interconnect;
  private final GroupsClient groups;
  private final BoundedSourceQueue<ClientFrame> out;
  private final Source<ClientFrame, NotUsed> outSource;
  private final ActorSystem system;
  private final Receiver receiver;
  private final PrintStream log;
  private final CompletableFuture<Welcome> welcome = new CompletableFuture<>();
  private final Map<Long, CompletableFuture<SubmitResult>> answers = new ConcurrentHashMap<>();
  private final AtomicLong correlations = new AtomicLong();

  /** Per group: the highest sequence received, and the highest acknowledged. */
  private final Map<GroupAddress, Long> received = new ConcurrentHashMap<>();

  private final Map<GroupAddress, Long> acknowledged = new ConcurrentHashMap<>();
  private final ScheduledExecutorService acker;
  private volatile Throwable ended;
  private volatile boolean closing;

  GroupSession(
      String platform,
      BrokerEndpoint node,
      CommonOptions common,
      ActorSystem system,
      int buffer,
      Duration ackInterval,
      Receiver receiver,
      PrintStream log) {
    this.platform = platform;
    this.node = node;
    this.system = system;
    this.receiver = receiver;
    this.log = log;
    Optional<SSLContext> tls = common.tlsFor(platform);
    GrpcClientSettings settings = node.grpcSettings(system, tls);
    this.interconnect = InterconnectClient.create(settings, system);
    this.groups = GroupsClient.create(settings, system);
    Pair<BoundedSourceQueue<ClientFrame>, Source<ClientFrame, NotUsed>> queue =
        Source.<ClientFrame>queue(buffer).preMaterialize(system);
    this.out = queue.first();
    this.outSource = queue.second();
    this.acker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "fanout-ack-" + platform);
              thread.setDaemon(true);
              return thread;
            });
    acker.scheduleWithFixedDelay(
        this::acknowledge, ackInterval.toNanos(), ackInterval.toNanos(), TimeUnit.NANOSECONDS);
  }

  String platform() {
    return platform;
  }

  /** The broker node this session and the platform's unary calls go to. */
  BrokerEndpoint node() {
    return node;
  }

  /** The platform's unary Groups calls (CreateGroup, ChangeMembers, BulkSubscribe, GetGroup). */
  GroupsClient groups() {
    return groups;
  }

  /** Opens the session and says Hello; completes with the broker's Welcome. */
  CompletionStage<Welcome> connect(String sessionName) {
    interconnect
        .connect(outSource)
        .runWith(Sink.foreach(this::handle), system)
        .whenComplete(
            (done, failure) -> {
              ended = failure != null ? failure : new IllegalStateException("the broker ended it");
              welcome.completeExceptionally(ended);
              answers.values().forEach(a -> a.completeExceptionally(ended));
              if (!closing) {
                log.printf("%s: session ended (%s)%n", platform, ended.getMessage());
              }
            });
    send(RawHello.frame(platform, sessionName, false));
    return welcome;
  }

  /** Submits a post; completes with the broker's answer (or fails if the session ends). */
  CompletableFuture<SubmitResult> submit(Envelope post) {
    long correlation = correlations.incrementAndGet();
    CompletableFuture<SubmitResult> answer = new CompletableFuture<>();
    answers.put(correlation, answer);
    if (ended != null) {
      answers.remove(correlation);
      answer.completeExceptionally(ended);
      return answer;
    }
    if (!send(
        ClientFrame.newBuilder()
            .setSubmit(Submit.newBuilder().setCorrelationId(correlation).setEnvelope(post))
            .build())) {
      answers.remove(correlation);
      answer.completeExceptionally(
          new IllegalStateException(platform + ": the session's outgoing buffer is full"));
    }
    return answer;
  }

  /** The highest sequence of {@code group} this session received (0: none). */
  long receivedUpTo(GroupAddress group) {
    return received.getOrDefault(group, 0L);
  }

  private void handle(ServerFrame frame) {
    if (frame.hasGroupDelivery()) {
      GroupDelivery delivery = frame.getGroupDelivery();
      receiver.received(platform, delivery);
      received.merge(delivery.getGroup(), delivery.getSequence(), Math::max);
    } else if (frame.hasSubmitResult()) {
      CompletableFuture<SubmitResult> answer =
          answers.remove(frame.getSubmitResult().getCorrelationId());
      if (answer != null) {
        answer.complete(frame.getSubmitResult());
      }
    } else if (frame.hasWelcome()) {
      welcome.complete(frame.getWelcome());
    } else if (frame.hasError()) {
      log.printf(
          "%s: the broker refused a frame: %s: %s%s%n",
          platform,
          frame.getError().getError().getCode(),
          frame.getError().getError().getMessage(),
          frame.getError().getClosing() ? " (closing the session)" : "");
    }
  }

  /** One GroupAcknowledge per group that received something since the last one. */
  private void acknowledge() {
    for (Map.Entry<GroupAddress, Long> group : received.entrySet()) {
      long upTo = group.getValue();
      if (acknowledged.getOrDefault(group.getKey(), 0L) < upTo
          && send(
              ClientFrame.newBuilder()
                  .setGroupAcknowledge(
                      GroupAcknowledge.newBuilder().setGroup(group.getKey()).setUpToSequence(upTo))
                  .build())) {
        acknowledged.put(group.getKey(), upTo);
      }
    }
  }

  private boolean send(ClientFrame frame) {
    if (ended != null) {
      return false;
    }
    try {
      return out.offer(frame) == QueueOfferResult.enqueued();
    } catch (IllegalStateException closed) {
      return false;
    }
  }

  @Override
  public void close() {
    closing = true;
    acker.shutdownNow();
    try {
      out.complete();
    } catch (IllegalStateException alreadyEnded) {
      // the broker ended the session first
    }
    interconnect.close();
    groups.close();
  }
}
