package io.peyvand.protocol.sdk;

import com.typesafe.config.Config;
import io.peyvand.protocol.tls.KeyMaterial;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.grpc.GrpcClientSettings;

/**
 * Builds a {@link PeyvandClient}. Needs a platform id and a delivery handler; a call handler is
 * optional (see {@link #callHandler}); everything else starts from {@code peyvand.sdk} of the
 * configuration (reference.conf explains each default).
 */
public final class PeyvandClientBuilder {
  private final Config config;
  private List<BrokerEndpoint> brokers;
  private int startAt;
  private String platformId;
  private String sessionName;
  private DeliveryHandler handler;
  private SessionListener listener = SessionListener.NONE;
  private CallHandler callHandler;
  private Boolean ringCalls;
  private ClassicActorSystemProvider system;
  private UnaryOperator<GrpcClientSettings> grpcSettings = UnaryOperator.identity();
  private Optional<SSLContext> tls = Optional.empty();
  private boolean autoAcknowledge;
  private Duration acknowledgeInterval;
  private boolean deduplicate;
  private int trackedMailboxes;
  private int maxConcurrentDeliveries;
  private int outgoingBuffer;
  private int maxPendingSubmits;
  private Duration submitTimeout;
  private RetryPolicy submitRetry;
  private Backoff reconnect;
  private Duration failoverAfterOpen;
  private Duration welcomeTimeout;
  private Duration keepAliveInterval;
  private Duration closeTimeout;
  private Duration callTimeout;

  PeyvandClientBuilder(Config config) {
    this.config = config;
    Config sdk = config.getConfig("peyvand.sdk");
    brokers = BrokerEndpoint.listFromConfig(config);
    autoAcknowledge = sdk.getBoolean("auto-acknowledge");
    acknowledgeInterval = sdk.getDuration("acknowledge-interval");
    deduplicate = sdk.getBoolean("deduplicate");
    trackedMailboxes = sdk.getInt("tracked-mailboxes");
    maxConcurrentDeliveries = sdk.getInt("max-concurrent-deliveries");
    outgoingBuffer = sdk.getInt("outgoing-buffer");
    maxPendingSubmits = sdk.getInt("max-pending-submits");
    submitTimeout = sdk.getDuration("submit-timeout");
    submitRetry =
        new RetryPolicy(
            sdk.getInt("submit-retry.max-attempts"), backoff(sdk.getConfig("submit-retry")));
    reconnect = backoff(sdk.getConfig("reconnect"));
    failoverAfterOpen = sdk.getDuration("reconnect.failover-after-open");
    welcomeTimeout = sdk.getDuration("welcome-timeout");
    keepAliveInterval = sdk.getDuration("keep-alive-interval");
    closeTimeout = sdk.getDuration("close-timeout");
    callTimeout = sdk.getDuration("call-timeout");
    if (sdk.getBoolean("tls.enabled")) {
      tls(
          Path.of(sdk.getString("tls.key-store")),
          sdk.getString("tls.key-store-password").toCharArray(),
          Path.of(sdk.getString("tls.trust-store")));
    }
  }

  private static Backoff backoff(Config c) {
    return new Backoff(
        c.getDuration("initial-backoff"), c.getDuration("max-backoff"), c.getDouble("jitter"));
  }

  /** The broker's gRPC address for adapters: a single node (a list of one). */
  public PeyvandClientBuilder broker(String host, int port) {
    return broker(new BrokerEndpoint(host, port));
  }

  /** A single broker node (a list of one). */
  public PeyvandClientBuilder broker(BrokerEndpoint endpoint) {
    return brokers(List.of(Objects.requireNonNull(endpoint)));
  }

  /**
   * The nodes of the broker's cluster, any of which accepts this adapter (default {@code
   * peyvand.sdk.brokers}, else {@code peyvand.sdk.broker}). The session is on one of them; when it
   * ends or cannot be opened the next attempt goes to the next node in this order, round robin, the
   * first one at once after a session that had been open. See SDK.md, "Connecting to a cluster".
   */
  public PeyvandClientBuilder brokers(List<BrokerEndpoint> endpoints) {
    this.brokers = BrokerEndpoint.distinct(Objects.requireNonNull(endpoints));
    return this;
  }

  /**
   * Which of {@link #brokers} the first session goes to: {@code index mod n} (default 0). Give each
   * adapter instance a different index (e.g. its replica number) so that many instances spread over
   * the nodes instead of all starting on the first.
   */
  public PeyvandClientBuilder startAt(int index) {
    if (index < 0) {
      throw new IllegalArgumentException("startAt must be at least 0, got " + index);
    }
    this.startAt = index;
    return this;
  }

  /** The platform this adapter acts for, e.g. "bale" (Hello.platform_id). Required. */
  public PeyvandClientBuilder platformId(String platformId) {
    this.platformId = platformId;
    return this;
  }

  /** This adapter instance's name in the broker's logs; default "PLATFORM-PID". */
  public PeyvandClientBuilder sessionName(String sessionName) {
    this.sessionName = sessionName;
    return this;
  }

  /** Called for each delivery; see {@link DeliveryHandler}. Required. */
  public PeyvandClientBuilder deliveryHandler(DeliveryHandler handler) {
    this.handler = handler;
    return this;
  }

  /**
   * Takes every call event pushed to the session (see {@link CallHandler}), and makes the session
   * ring: it declares Hello.ring_calls, so invites to the platform's users come to it, unless
   * {@link #ringCalls(boolean) ringCalls(false)}. Without a call handler the session does not ring
   * and the events of calls it places are dropped. Calls are placed and answered with {@link
   * PeyvandClient#call}.
   */
  public PeyvandClientBuilder callHandler(CallHandler handler) {
    this.callHandler = Objects.requireNonNull(handler);
    return this;
  }

  /**
   * Whether invites to the platform's users ring on this session (Hello.ring_calls). Default: true
   * with a {@link #callHandler}, false without. Set false for an instance that places calls but
   * must not take invites (it still gets its own calls' events); true needs a call handler.
   */
  public PeyvandClientBuilder ringCalls(boolean ring) {
    this.ringCalls = ring;
    return this;
  }

  /** Told when the session connects, drops, or is refused. */
  public PeyvandClientBuilder sessionListener(SessionListener listener) {
    this.listener = Objects.requireNonNull(listener);
    return this;
  }

  /**
   * Runs the client on this actor system (a typed or classic one), which the client then does not
   * terminate. Without it the client creates a local actor system of its own and terminates it on
   * close.
   */
  public PeyvandClientBuilder actorSystem(ClassicActorSystemProvider system) {
    this.system = system;
    return this;
  }

  /**
   * Mutual TLS: present the platform's certificate from {@code keyStore} (PKCS#12, as {@code
   * ./peyvand pki issue-platform} writes it, with {@code password}) and trust the broker's
   * certificate if the interconnect's CA in {@code trustStore} (PEM or DER certificates, or PKCS#12
   * with the same password) issued it. The broker then takes the platform from the certificate:
   * {@link #platformId} must be the same. Fails at once if a file cannot be used.
   */
  public PeyvandClientBuilder tls(Path keyStore, char[] password, Path trustStore) {
    return tls(KeyMaterial.clientContext(keyStore, password, trustStore));
  }

  /** Mutual TLS with a context the adapter built (it must present the platform's certificate). */
  public PeyvandClientBuilder tls(SSLContext context) {
    this.tls = Optional.of(context);
    return this;
  }

  /** Plaintext, for a development broker with TLS off (the default unless peyvand.sdk.tls). */
  public PeyvandClientBuilder plaintext() {
    this.tls = Optional.empty();
    return this;
  }

  /**
   * Adjusts the pekko-grpc client settings after the SDK made them (TLS included), e.g. to set
   * {@code withOverrideAuthority} when the broker's certificate names another host.
   */
  public PeyvandClientBuilder grpcSettings(UnaryOperator<GrpcClientSettings> customizer) {
    this.grpcSettings = Objects.requireNonNull(customizer);
    return this;
  }

  /** On (default): acknowledge deliveries once handled. Off: call PeyvandClient.acknowledge. */
  public PeyvandClientBuilder autoAcknowledge(boolean on) {
    this.autoAcknowledge = on;
    return this;
  }

  /** How often acknowledgements are sent, batched per mailbox (default 20 ms). */
  public PeyvandClientBuilder acknowledgeInterval(Duration interval) {
    this.acknowledgeInterval = interval;
    return this;
  }

  /** On (default): a delivery already handled by this client does not reach the handler again. */
  public PeyvandClientBuilder deduplicate(boolean on) {
    this.deduplicate = on;
    return this;
  }

  public PeyvandClientBuilder trackedMailboxes(int mailboxes) {
    this.trackedMailboxes = mailboxes;
    return this;
  }

  public PeyvandClientBuilder maxConcurrentDeliveries(int deliveries) {
    this.maxConcurrentDeliveries = deliveries;
    return this;
  }

  public PeyvandClientBuilder outgoingBuffer(int frames) {
    this.outgoingBuffer = frames;
    return this;
  }

  public PeyvandClientBuilder maxPendingSubmits(int submits) {
    this.maxPendingSubmits = submits;
    return this;
  }

  public PeyvandClientBuilder submitTimeout(Duration timeout) {
    this.submitTimeout = timeout;
    return this;
  }

  /** How submits are retried (default 5 attempts, 200 ms doubling up to 5 s). */
  public PeyvandClientBuilder submitRetry(RetryPolicy policy) {
    this.submitRetry = policy;
    return this;
  }

  /** Waits between attempts to open the session again (default 200 ms doubling up to 10 s). */
  public PeyvandClientBuilder reconnectBackoff(Backoff backoff) {
    this.reconnect = backoff;
    return this;
  }

  /**
   * With several brokers: a session that was open at least this long is followed at once by an
   * attempt on the next node; a shorter one waits the reconnect backoff (default 1 s).
   */
  public PeyvandClientBuilder failoverAfterOpen(Duration open) {
    this.failoverAfterOpen = open;
    return this;
  }

  public PeyvandClientBuilder welcomeTimeout(Duration timeout) {
    this.welcomeTimeout = timeout;
    return this;
  }

  public PeyvandClientBuilder keepAliveInterval(Duration interval) {
    this.keepAliveInterval = interval;
    return this;
  }

  public PeyvandClientBuilder closeTimeout(Duration timeout) {
    this.closeTimeout = timeout;
    return this;
  }

  /**
   * How long a unary call (the group and directory operations) and a {@link PeyvandClient#call}
   * request wait for the broker's answer (default 10 s).
   */
  public PeyvandClientBuilder callTimeout(Duration timeout) {
    this.callTimeout = timeout;
    return this;
  }

  /** The settings as they stand. */
  public ClientSettings settings() {
    return new ClientSettings(
        brokers,
        startAt,
        platformId,
        sessionName != null ? sessionName : platformId + "-" + ProcessHandle.current().pid(),
        autoAcknowledge,
        acknowledgeInterval,
        deduplicate,
        trackedMailboxes,
        maxConcurrentDeliveries,
        outgoingBuffer,
        maxPendingSubmits,
        submitTimeout,
        submitRetry,
        reconnect,
        failoverAfterOpen,
        welcomeTimeout,
        keepAliveInterval,
        closeTimeout,
        callTimeout,
        ringCalls != null ? ringCalls : callHandler != null);
  }

  /** A client, not yet connected: call {@link PeyvandClient#connect()}. */
  public PeyvandClient build() {
    Objects.requireNonNull(handler, "a delivery handler is needed: deliveryHandler(...)");
    ClientSettings settings = settings();
    if (settings.ringCalls() && callHandler == null) {
      throw new IllegalStateException(
          "ringCalls(true) needs a call handler: callHandler(...); invites would ring on a session"
              + " that cannot see them");
    }
    return new PeyvandClient(
        settings,
        handler,
        callHandler != null ? callHandler : CallHandler.NONE,
        listener,
        system,
        config,
        tls,
        grpcSettings);
  }
}
