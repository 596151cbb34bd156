package io.peyvand.broker.faults;

import io.peyvand.broker.TestPki;
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
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;

/**
 * One platform adapter connected to the cluster, as a platform would connect it: one {@link
 * PeyvandClient} given every node ({@code brokers}), its first session on node {@code firstNode}
 * ({@code startAt}), and the SDK's own failover: when the session is lost, or its node cannot be
 * reached, the next session goes to the next node of the list. Unanswered submits are retried by
 * the SDK with the same message id, and then by the traffic.
 *
 * <p>Counts reconnects: sessions welcomed after the first, with their time, so that a scenario can
 * count them per fault, and the moves from node to node. The client is built with {@code
 * deduplicate(false)} so that every copy the broker pushes reaches the {@link Ledger}, and with a 5
 * s keep-alive so that a frozen node (SIGSTOP) is noticed within about 15 s (not shorter: on a
 * loaded machine a 2 s keep-alive reconnected healthy sessions, back when a Pong waited behind the
 * slow submits before it; answers now leave as they are ready). Submits keep the SDK's defaults (5
 * attempts, 60 s submit-timeout), as a platform's adapter would: shorter timeouts resubmit sooner
 * and, on a loaded cluster, pile retries onto it.
 */
final class ClusterAdapter implements AutoCloseable {
  private static final Duration WELCOME_TIMEOUT = Duration.ofSeconds(5);
  private final String name;
  private final String platform;
  private final List<BrokerEndpoint> nodes;
  private final ActorSystem system;
  private final DeliveryHandler handler;
  private final List<Long> connects = new CopyOnWriteArrayList<>();
  private final List<String> moves = new CopyOnWriteArrayList<>();
  private volatile PeyvandClient client;
  private volatile int node;
  private volatile boolean closed;

  ClusterAdapter(
      String name,
      String platform,
      List<BrokerEndpoint> nodes,
      int firstNode,
      ActorSystem system,
      DeliveryHandler handler) {
    this.name = name;
    this.platform = platform;
    this.nodes = List.copyOf(nodes);
    this.node = firstNode % nodes.size();
    this.system = system;
    this.handler = handler;
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

  /** Opens the first session and waits for it; the SDK keeps it open from then on. */
  void start(Duration timeout) throws Exception {
    client = open(node);
    client.connect().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
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

  private PeyvandClient open(int index) {
    return PeyvandClient.builder()
        .brokers(nodes)
        .startAt(index)
        .platformId(platform)
        .sessionName(name)
        .tls(TestPki.shared().platform(platform))
        .actorSystem(system)
        .deliveryHandler(handler)
        .deduplicate(false)
        .keepAliveInterval(Duration.ofSeconds(5))
        .welcomeTimeout(WELCOME_TIMEOUT)
        .reconnectBackoff(new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2), 0.2))
        .sessionListener(
            new SessionListener() {
              @Override
              public void onConnected(Welcome welcome, BrokerEndpoint broker) {
                connects.add(System.nanoTime());
                int to = nodes.indexOf(broker);
                int from = node;
                if (to >= 0 && to != from) {
                  moves.add("node-" + (from + 1) + "->node-" + (to + 1));
                  node = to;
                }
              }
            })
        .build();
  }

  @Override
  public void close() {
    closed = true;
    PeyvandClient current = client;
    if (current != null) {
      current.close();
    }
  }
}
