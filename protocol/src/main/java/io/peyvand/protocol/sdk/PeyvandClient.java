package io.peyvand.protocol.sdk;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.InterconnectClient;
import io.peyvand.protocol.v1.UserAddress;
import io.peyvand.protocol.v1.Welcome;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.grpc.GrpcClientSettings;

/**
 * A platform adapter's connection to the Peyvand broker: one session (the gRPC Connect stream) that
 * the client keeps open, reconnecting with backoff, over which it submits envelopes and receives,
 * deduplicates and acknowledges deliveries. Thread-safe. See SDK.md for a complete example.
 *
 * <pre>{@code
 * PeyvandClient client = PeyvandClient.builder()
 *     .platformId("bale")
 *     .deliveryHandler(delivery -> store(delivery))   // a CompletionStage<Void>
 *     .build();
 * client.connect().toCompletableFuture().join();
 * client.submit(envelope).thenAccept(outcome -> ...);
 * }</pre>
 */
public final class PeyvandClient implements AutoCloseable {
  private final ClientSettings settings;
  private final ActorSystem system;
  private final boolean ownsSystem;
  private final Optional<SSLContext> tls;
  private final UnaryOperator<GrpcClientSettings> grpcSettings;
  private final ClientEngine engine;
  private final AtomicBoolean closed = new AtomicBoolean();
  private InterconnectClient grpc;

  PeyvandClient(ClientSettings settings, DeliveryHandler handler, SessionListener listener,
      ClassicActorSystemProvider system, Config config, Optional<SSLContext> tls,
      UnaryOperator<GrpcClientSettings> grpcSettings) {
    this.settings = settings;
    this.ownsSystem = system == null;
    this.system = ownsSystem ? SdkActorSystem.create("peyvand-sdk", config)
        : system.classicSystem();
    this.tls = tls;
    this.grpcSettings = grpcSettings;
    this.engine = new ClientEngine(settings, this.system, this::grpc, handler, listener);
  }

  /** A builder with the defaults of {@code peyvand.sdk} in the application's configuration. */
  public static PeyvandClientBuilder builder() {
    return builder(ConfigFactory.load());
  }

  /** A builder with the defaults of {@code peyvand.sdk} in {@code config}. */
  public static PeyvandClientBuilder builder(Config config) {
    return new PeyvandClientBuilder(config);
  }

  /**
   * Opens the session and keeps it open from now on; completes with the broker's first Welcome, or
   * fails if the broker refuses the session (a {@link SessionRefusedException}) or the client is
   * closed first. While the broker cannot be reached it keeps trying; bound the wait yourself, e.g.
   * {@code connect().toCompletableFuture().get(10, SECONDS)}. Calling it again returns the same.
   */
  public CompletionStage<Welcome> connect() {
    return engine.connect();
  }

  /**
   * Submits an envelope; completes with the broker's final answer. It is sent as soon as a session
   * is open, and sent again, with the same message_id, after a retryable refusal or when the
   * session is lost before the answer, per the retry policy; the broker answers a repeat of an
   * accepted envelope "duplicate" with the original sequence. Fails with
   * {@link NotAnsweredException} if no final answer came (attempts used up on lost sessions,
   * submit-timeout, close), with {@link BackpressureException} at once if max-pending-submits are
   * waiting. The envelope needs a message_id, unique per sender: it is the idempotency key.
   */
  public CompletionStage<SubmitOutcome> submit(Envelope envelope) {
    if (envelope.getMessageId().isEmpty()) {
      return CompletableFuture.failedFuture(new IllegalArgumentException(
          "the envelope needs a message_id: it is what makes resubmitting safe"));
    }
    if (closed.get()) {
      return CompletableFuture.failedFuture(new IllegalStateException("the client is closed"));
    }
    return engine.submit(envelope);
  }

  /**
   * Acknowledges every item of {@code mailbox} up to {@code upToSequence}: the broker will not send
   * them again. Sent with the next batch. Only with automatic acknowledgement off.
   */
  public void acknowledge(UserAddress mailbox, long upToSequence) {
    if (settings.autoAcknowledge()) {
      throw new IllegalStateException("deliveries are acknowledged automatically; build the client"
          + " with autoAcknowledge(false) to acknowledge them yourself");
    }
    engine.acknowledge(mailbox, upToSequence);
  }

  /**
   * Reports that {@code reader} (a user of this platform) read their mailbox up to
   * {@code upToSequence}; their senders' platforms receive READ statuses. Cumulative: sent with the
   * next batch, only the highest per reader, and kept across reconnections until written.
   */
  public void readReceipt(UserAddress reader, long upToSequence) {
    engine.readReceipt(reader, upToSequence);
  }

  /** Whether a session is open (welcomed) now. */
  public boolean isConnected() {
    return engine.isConnected();
  }

  public ClientSettings settings() {
    return settings;
  }

  /**
   * Writes the last acknowledgements, ends the session, fails pending submits with
   * {@link NotAnsweredException}, and terminates the actor system if the client created it. Waits
   * at most about three close-timeouts. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    engine.close();
    InterconnectClient last;
    synchronized (this) {
      last = grpc;
    }
    long timeoutMs = settings.closeTimeout().toMillis();
    try {
      if (last != null) {
        last.close().toCompletableFuture().get(timeoutMs, TimeUnit.MILLISECONDS);
      }
      if (ownsSystem) {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(timeoutMs, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // closing is best effort past the timeout
    }
  }

  /** The gRPC client, made again if pekko-grpc closed it (connection attempts used up). */
  private synchronized InterconnectClient grpc() {
    if (grpc == null || grpc.closed().toCompletableFuture().isDone()) {
      grpc = InterconnectClient.create(grpcSettings.apply(
          settings.broker().grpcSettings(system, tls).withConnectionAttempts(-1)), system);
    }
    return grpc;
  }
}
