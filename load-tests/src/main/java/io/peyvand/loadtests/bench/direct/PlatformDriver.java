package io.peyvand.loadtests.bench.direct;

import io.peyvand.loadtests.bench.direct.DirectWorkload.Planned;
import io.peyvand.loadtests.bench.harness.CommonOptions;
import io.peyvand.loadtests.bench.harness.MessageIds;
import io.peyvand.loadtests.bench.ledger.Ledger;
import io.peyvand.protocol.sdk.BrokerEndpoint;
import io.peyvand.protocol.sdk.DeliveryHandler;
import io.peyvand.protocol.sdk.PeyvandClient;
import io.peyvand.protocol.sdk.SessionListener;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.PlatformInfo;
import io.peyvand.protocol.v1.Welcome;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.ActorSystem;

/**
 * One platform's adapter in the benchmark: one {@link PeyvandClient} session that submits the
 * messages of the platform's users, at most {@code inFlight} unanswered at a time (a closed loop: a
 * slot frees when the submit completes), and receives the deliveries to them, and the statuses of
 * its users' messages (as Delivery frames of the senders' mailboxes, or as StatusDelivery frames of
 * the recipients' mailboxes when it declared statuses by recipient). Both ends are recorded in the
 * {@link Ledger}; the delivery handler does nothing else, so it never slows the session down.
 *
 * <p>It connects as the platform over mutual TLS with the platform's certificate from {@code
 * --pki-dir} when there is one (as {@code ./peyvand dev} issues them), else in plaintext. The
 * client is built with the SDK's deduplication off: the benchmark wants to see every delivery the
 * broker sends, repeats included, to check that each repeat is flagged. Automatic acknowledgement
 * stays on, as in a real adapter.
 *
 * <p>It is given every broker node of {@code --broker}; the {@code index}-th platform's session
 * starts on node index mod n and fails over like any adapter's.
 */
public final class PlatformDriver implements AutoCloseable {
  private final String platform;
  private final Ledger ledger;
  private final MessageIds ids;
  private final DirectWorkload workload;
  private final int permits;
  private final Semaphore inFlight;
  private final PeyvandClient client;
  private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();
  private final String connection;

  PlatformDriver(
      String platform,
      int index,
      CommonOptions common,
      ActorSystem system,
      int inFlight,
      Ledger ledger,
      MessageIds ids,
      DirectWorkload workload,
      PrintStream log) {
    this.platform = platform;
    this.ledger = ledger;
    this.ids = ids;
    this.workload = workload;
    this.permits = inFlight;
    this.inFlight = new Semaphore(inFlight);
    var builder = PeyvandClient.builder();
    this.connection = common.connectAs(builder, platform);
    this.client =
        builder
            .brokers(common.endpoints())
            .startAt(index)
            .platformId(platform)
            .sessionName("bench-" + platform + "-" + ids.runId())
            .actorSystem(system)
            .deduplicate(false)
            // Never let the SDK's own cap refuse a submit the closed loop allows.
            .maxPendingSubmits(Math.max(inFlight, builder.settings().maxPendingSubmits()))
            .deliveryHandler(
                DeliveryHandler.withStatuses(
                    DeliveryHandler.of(d -> ledger.delivered(d, ledger.now())),
                    s -> {
                      ledger.delivered(s);
                      return CompletableFuture.completedFuture(null);
                    }))
            .sessionListener(new Events(platform, log))
            .build();
  }

  String platform() {
    return platform;
  }

  /** How the session connects: mutual TLS with which certificate, or plaintext and why. */
  String connection() {
    return connection;
  }

  /** The broker node the session is on now, or "no session". */
  String node() {
    return client.currentBroker().map(BrokerEndpoint::toString).orElse("no session");
  }

  /** Sessions opened after the first. */
  long reconnects() {
    return client.reconnects();
  }

  /**
   * Declares whether the platform takes its statuses from the recipients' mailboxes
   * (Capabilities.statuses_by_recipient), its other capabilities unchanged; completes when the
   * broker stored it.
   */
  CompletionStage<PlatformInfo> statusesByRecipient(boolean byRecipient) {
    return client
        .platformInfo()
        .thenCompose(
            info ->
                client.configurePlatform(
                    info.getCapabilities().toBuilder().setStatusesByRecipient(byRecipient).build(),
                    info.getDefaultOptedIn()));
  }

  /** Opens the session; completes with the broker's Welcome. */
  CompletionStage<Welcome> connect() {
    return client.connect();
  }

  /**
   * Submits {@code messages} in order, each once a slot is free; returns when the last one was
   * handed to the SDK (not answered: see {@link #awaitAnswers}).
   */
  void submitAll(List<Planned> messages) throws InterruptedException {
    submitAll(messages, 0, 0);
  }

  /**
   * With {@code intervalNanos} > 0, an open loop: the k-th message is due at {@code startNanos} + k
   * x {@code intervalNanos} (ledger time) and is submitted then, whether or not earlier ones were
   * answered (the in-flight bound is only a cap); its latencies count from when it was due, so a
   * broker that falls behind shows in them (no coordinated omission). With 0, the closed loop of
   * {@link #submitAll(List)}.
   */
  void submitAll(List<Planned> messages, long startNanos, long intervalNanos)
      throws InterruptedException {
    long k = 0;
    for (Planned message : messages) {
      long due = startNanos + k++ * intervalNanos;
      if (intervalNanos > 0) {
        long wait = due - ledger.now();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
      }
      inFlight.acquire();
      int index = message.index();
      Envelope envelope =
          workload.envelope(message, ids.messageId(index), System.currentTimeMillis());
      ledger.submitted(index, intervalNanos > 0 ? due : ledger.now());
      client
          .submit(envelope)
          .whenComplete(
              (outcome, failure) -> {
                long at = ledger.now();
                if (failure == null) {
                  ledger.answered(index, outcome, at);
                } else {
                  firstFailure.compareAndSet(null, failure);
                  ledger.unanswered(index, at);
                }
                inFlight.release();
              });
    }
  }

  /** Waits until every submit made has completed; false on timeout. */
  boolean awaitAnswers(Duration timeout) throws InterruptedException {
    if (!inFlight.tryAcquire(permits, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return false;
    }
    inFlight.release(permits);
    return true;
  }

  /** The first submit that failed without an answer, or null. */
  Throwable firstFailure() {
    return firstFailure.get();
  }

  @Override
  public void close() {
    client.close();
  }

  /**
   * Reports the session's troubles on stderr (the result stays the only stdout output). Failed
   * attempts before the first session are the connect timeout's business, not reported.
   */
  private static final class Events implements SessionListener {
    private final String platform;
    private final PrintStream log;
    private volatile boolean connectedOnce;

    Events(String platform, PrintStream log) {
      this.platform = platform;
      this.log = log;
    }

    @Override
    public void onConnected(Welcome welcome, BrokerEndpoint broker) {
      if (connectedOnce) {
        log.printf("%s: session reopened on %s (%s)%n", platform, broker, welcome.getSessionId());
      }
      connectedOnce = true;
    }

    @Override
    public void onDisconnected(
        BrokerEndpoint broker, Throwable cause, BrokerEndpoint next, Duration reconnectIn) {
      if (connectedOnce) {
        log.printf(
            "%s: session on %s lost (%s); reconnecting to %s in %d ms%n",
            platform,
            broker,
            cause.getMessage() != null ? cause.getMessage() : cause,
            next,
            reconnectIn.toMillis());
      }
    }

    @Override
    public void onSessionError(Error error, boolean closing) {
      log.printf(
          "%s: the broker refused a frame: %s: %s%s%n",
          platform, error.getCode(), error.getMessage(), closing ? " (closing the session)" : "");
    }
  }
}
