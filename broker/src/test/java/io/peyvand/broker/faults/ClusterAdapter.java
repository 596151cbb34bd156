package io.peyvand.broker.faults;

import io.peyvand.protocol.sdk.Backoff;
import io.peyvand.protocol.sdk.BrokerEndpoint;
import io.peyvand.protocol.sdk.DeliveryHandler;
import io.peyvand.protocol.sdk.NotAnsweredException;
import io.peyvand.protocol.sdk.PeyvandClient;
import io.peyvand.protocol.sdk.SessionListener;
import io.peyvand.protocol.sdk.SubmitOutcome;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.Welcome;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;

/**
 * One platform adapter connected to the cluster: the ONE place that decides which broker node it
 * talks to. For now it does its own failover: a {@link PeyvandClient} on node i; when its session
 * is lost and not regained within {@code failoverAfter} (a new client first gets a whole
 * welcome-timeout to connect: on a busy machine a Welcome can take seconds), that client is closed (its unanswered
 * submits fail, and the traffic resubmits them with the same message id) and a client is opened on
 * the next node of the list. The SDK's own failover over a list of brokers, once it exists, replaces
 * {@link #watch} and {@link #open}: build one client with every node's endpoint instead.
 *
 * <p>Counts reconnects: sessions welcomed after the first, whether the SDK reconnected to the same
 * node or this class moved it; each with its time, so that a scenario can count them per fault.
 * The client is built with {@code deduplicate(false)} so that every copy the broker pushes reaches
 * the {@link Ledger}, and with a 5 s keep-alive so that a frozen node (SIGSTOP) is noticed within
 * about 15 s (not shorter: the broker answers a Ping after the submits before it, so a Pong can
 * wait seconds behind slow submits, and a 2 s keep-alive reconnected healthy sessions). Submits keep the SDK's defaults (5 attempts, 60 s submit-timeout), as a platform's
 * adapter would: shorter timeouts resubmit sooner and, on a loaded cluster, pile retries onto it.
 */
final class ClusterAdapter implements AutoCloseable {
  private static final Duration WELCOME_TIMEOUT = Duration.ofSeconds(5);
  private final String name;
  private final String platform;
  private final List<BrokerEndpoint> nodes;
  private final ActorSystem system;
  private final DeliveryHandler handler;
  private final Duration failoverAfter;
  private final ScheduledExecutorService timer;
  private final List<Long> connects = new CopyOnWriteArrayList<>();
  private final List<String> moves = new CopyOnWriteArrayList<>();
  private volatile PeyvandClient client;
  private volatile int node;
  private volatile long disconnectedSince;
  /** When the current client was opened: it gets a whole welcome-timeout before it is judged. */
  private volatile long openedAt;
  private volatile boolean closed;
  private ScheduledFuture<?> watching;

  ClusterAdapter(String name, String platform, List<BrokerEndpoint> nodes, int firstNode,
      ActorSystem system, DeliveryHandler handler, Duration failoverAfter) {
    this.name = name;
    this.platform = platform;
    this.nodes = List.copyOf(nodes);
    this.node = firstNode % nodes.size();
    this.system = system;
    this.handler = handler;
    this.failoverAfter = failoverAfter;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "adapter-" + name);
      t.setDaemon(true);
      return t;
    });
  }

  String name() {
    return name;
  }

  String platform() {
    return platform;
  }

  /** Index of the node the adapter's client is on now. */
  int node() {
    return node;
  }

  /** Opens the first session and waits for it, then watches it. */
  void start(Duration timeout) throws Exception {
    client = open(node);
    client.connect().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    watching = timer.scheduleWithFixedDelay(this::watch, 250, 250, TimeUnit.MILLISECONDS);
  }

  /** Submits through the current client; fails with NotAnsweredException while there is none. */
  CompletionStage<SubmitOutcome> submit(Envelope envelope) {
    PeyvandClient current = client;
    if (current == null || closed) {
      return CompletableFuture.failedFuture(new NotAnsweredException("no client"));
    }
    return current.submit(envelope);
  }

  boolean connected() {
    PeyvandClient current = client;
    return current != null && current.isConnected();
  }

  /** Sessions welcomed after the first one. */
  int reconnects() {
    return Math.max(0, connects.size() - 1);
  }

  /** Reconnects whose Welcome came between the two instants (System.nanoTime). */
  int reconnectsBetween(long fromNanos, long toNanos) {
    int n = 0;
    for (int i = 1; i < connects.size(); i++) {
      long at = connects.get(i);
      if (at >= fromNanos && at < toNanos) {
        n++;
      }
    }
    return n;
  }

  /** The moves from node to node, as "node-i->node-j". */
  List<String> moves() {
    return List.copyOf(moves);
  }

  private void watch() {
    if (closed) {
      return;
    }
    PeyvandClient current = client;
    if (current.isConnected()) {
      disconnectedSince = 0;
      return;
    }
    long now = System.nanoTime();
    if (disconnectedSince == 0) {
      disconnectedSince = now;
      return;
    }
    if (now - disconnectedSince < failoverAfter.toNanos()
        || now - openedAt < WELCOME_TIMEOUT.plus(failoverAfter).toNanos()) {
      return;
    }
    int from = node;
    int to = (from + 1) % nodes.size();
    moves.add("node-" + (from + 1) + "->node-" + (to + 1));
    node = to;
    client = open(to);
    client.connect();
    disconnectedSince = now;
    // Closing waits for the old session's end (up to a few close-timeouts): not on this timer.
    Thread closer = new Thread(current::close, "adapter-close-" + name);
    closer.setDaemon(true);
    closer.start();
  }

  private PeyvandClient open(int index) {
    openedAt = System.nanoTime();
    BrokerEndpoint endpoint = nodes.get(index);
    return PeyvandClient.builder()
        .broker(endpoint)
        .platformId(platform)
        .sessionName(name)
        .plaintext()
        .actorSystem(system)
        .deliveryHandler(handler)
        .deduplicate(false)
        .keepAliveInterval(Duration.ofSeconds(5))
        .welcomeTimeout(WELCOME_TIMEOUT)
        .reconnectBackoff(new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2), 0.2))
        .sessionListener(new SessionListener() {
          @Override
          public void onConnected(Welcome welcome) {
            connects.add(System.nanoTime());
          }
        })
        .build();
  }

  @Override
  public void close() {
    closed = true;
    if (watching != null) {
      watching.cancel(false);
    }
    timer.shutdownNow();
    PeyvandClient current = client;
    if (current != null) {
      current.close();
    }
  }
}
