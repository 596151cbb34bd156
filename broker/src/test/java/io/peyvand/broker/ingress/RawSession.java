package io.peyvand.broker.ingress;

import io.peyvand.broker.TestBroker;
import io.peyvand.loadtests.bench.harness.RawHello;
import io.peyvand.protocol.v1.Acknowledge;
import io.peyvand.protocol.v1.ClientFrame;
import io.peyvand.protocol.v1.Delivery;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.InterconnectClient;
import io.peyvand.protocol.v1.ServerFrame;
import io.peyvand.protocol.v1.SetBlockedRequest;
import io.peyvand.protocol.v1.SetConsentRequest;
import io.peyvand.protocol.v1.Submit;
import io.peyvand.protocol.v1.SubmitResult;
import io.peyvand.protocol.v1.Text;
import io.peyvand.protocol.v1.UserAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * A session frame by frame, with no SDK in between: for tests that must send exactly the frames
 * they mean (bad ones included) and see exactly what the broker answers.
 */
public final class RawSession implements AutoCloseable {
  private final InterconnectClient client;
  private final BoundedSourceQueue<ClientFrame> out;
  private final BlockingQueue<ServerFrame> in = new LinkedBlockingQueue<>();
  private volatile Throwable ended;
  private final AtomicLong correlations = new AtomicLong(1L << 40);

  private RawSession(InterconnectClient client, ActorSystem<?> system) {
    this.client = client;
    Pair<BoundedSourceQueue<ClientFrame>, Source<ClientFrame, org.apache.pekko.NotUsed>> queue =
        Source.<ClientFrame>queue(1024).preMaterialize(system);
    this.out = queue.first();
    client
        .connect(queue.second())
        .runWith(Sink.foreach(in::add), system)
        .whenComplete(
            (done, error) -> ended = error != null ? error : new RuntimeException("ended"));
  }

  /** Opens a session to {@code node} as {@code platform} (its certificate) without sending. */
  public static RawSession open(TestBroker node, String platform) {
    return open(node.system(), node.interconnect(platform));
  }

  /** Opens a session to {@code node} as {@code platform} and says Hello; waits for Welcome. */
  public static RawSession hello(TestBroker node, String platform) {
    return hello(node.system(), node.interconnect(platform), platform);
  }

  /** Opens a session through {@code client} (e.g. TLS), which it closes when closed. */
  public static RawSession open(ActorSystem<?> system, InterconnectClient client) {
    return new RawSession(client, system);
  }

  /** Opens a session through {@code client}, says Hello for the platform; waits for Welcome. */
  public static RawSession hello(
      ActorSystem<?> system, InterconnectClient client, String platform) {
    return hello(system, client, platform, false);
  }

  /**
   * Opens a session through {@code client}, says Hello for the platform (calls ring on it when
   * {@code ringCalls}); waits for Welcome.
   */
  public static RawSession hello(
      ActorSystem<?> system, InterconnectClient client, String platform, boolean ringCalls) {
    RawSession session = open(system, client);
    session.send(RawHello.frame(platform, "test", ringCalls));
    session.expect(ServerFrame::hasWelcome, Duration.ofSeconds(20));
    return session;
  }

  public void send(ClientFrame frame) {
    out.offer(frame);
  }

  public void submit(long correlation, Envelope envelope) {
    send(
        ClientFrame.newBuilder()
            .setSubmit(Submit.newBuilder().setCorrelationId(correlation).setEnvelope(envelope))
            .build());
  }

  /** Submits with a correlation id of this session's own and waits for the answer. */
  public SubmitResult submitAndAwait(Envelope envelope, Duration timeout) {
    long correlation = correlations.incrementAndGet();
    submit(correlation, envelope);
    return expect(
            f -> f.hasSubmitResult() && f.getSubmitResult().getCorrelationId() == correlation,
            timeout)
        .getSubmitResult();
  }

  public void ack(UserAddress mailbox, long upTo) {
    send(ackFrame(mailbox, upTo));
  }

  /** The acknowledgement of {@code mailbox}'s items up to {@code upTo}. */
  public static ClientFrame ackFrame(UserAddress mailbox, long upTo) {
    return ClientFrame.newBuilder()
        .setAcknowledge(Acknowledge.newBuilder().setMailbox(mailbox).setUpToSequence(upTo))
        .build();
  }

  /**
   * The next Delivery of the message {@code messageId}, skipping other frames; fails after the
   * timeout.
   */
  public Delivery delivery(String messageId, Duration timeout) {
    return expect(
            f -> f.hasDelivery() && f.getDelivery().getMessage().getMessageId().equals(messageId),
            timeout)
        .getDelivery();
  }

  /** The next frame matching, skipping others; fails after the timeout. */
  public ServerFrame expect(Predicate<ServerFrame> matching, Duration timeout) {
    return expect(in, matching, timeout, () -> ended != null ? "the stream ended: " + ended : null);
  }

  /**
   * The next frame in {@code in} matching, skipping others, for the raw clients of either
   * transport; fails after the timeout, or once {@code ended} says how the connection ended (null
   * while it is open) and no frame is left.
   */
  public static ServerFrame expect(
      BlockingQueue<ServerFrame> in,
      Predicate<ServerFrame> matching,
      Duration timeout,
      Supplier<String> ended) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        ServerFrame frame = in.poll(50, TimeUnit.MILLISECONDS);
        if (frame != null && matching.test(frame)) {
          return frame;
        }
        if (frame == null && ended.get() != null && in.isEmpty()) {
          break; // nothing more will come
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    String end = ended.get();
    throw new AssertionError(
        "no matching frame within " + timeout + (end != null ? "; " + end : ""));
  }

  /**
   * A submit refused UNAVAILABLE, which an adapter sends again unchanged (PROTOCOL.md §10): the
   * machine running the tests may be slow enough for the broker's ask timeout to pass.
   */
  public static boolean mayResend(SubmitResult result) {
    return result.hasRefused() && result.getRefused().getCode() == ErrorCode.UNAVAILABLE;
  }

  /** The next frame of any kind, or null. */
  public ServerFrame poll(Duration timeout) throws InterruptedException {
    return in.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public Throwable ended() {
    return ended;
  }

  @Override
  public void close() {
    try {
      out.complete();
    } catch (IllegalStateException alreadyEndedByTheBroker) {
      // the broker closed the session first
    }
    client.close();
  }

  public static UserAddress user(String text) {
    int colon = text.indexOf(':');
    return UserAddress.newBuilder()
        .setPlatformId(text.substring(0, colon))
        .setUserId(text.substring(colon + 1))
        .build();
  }

  /** {@code platform}'s request that {@code user} (platform:user) opts in or out. */
  public static SetConsentRequest consent(String platform, String user, boolean optedIn) {
    return SetConsentRequest.newBuilder()
        .setPlatformId(platform)
        .setUser(user(user))
        .setOptedIn(optedIn)
        .build();
  }

  /** {@code platform}'s request that {@code user} blocks (or unblocks) {@code sender}. */
  public static SetBlockedRequest block(
      String platform, String user, String sender, boolean blocked) {
    return SetBlockedRequest.newBuilder()
        .setPlatformId(platform)
        .setUser(user(user))
        .setSender(user(sender))
        .setBlocked(blocked)
        .build();
  }

  public static Envelope text(String id, String from, String to, String body) {
    return Envelope.newBuilder()
        .setMessageId(id)
        .setSender(user(from))
        .setRecipient(user(to))
        .setClientTimestampMs(System.currentTimeMillis())
        .setText(Text.newBuilder().setBody(body))
        .build();
  }
}
