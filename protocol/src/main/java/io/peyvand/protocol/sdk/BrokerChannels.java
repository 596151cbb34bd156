package io.peyvand.protocol.sdk;

import io.peyvand.protocol.v1.DirectoryClient;
import io.peyvand.protocol.v1.GroupsClient;
import io.peyvand.protocol.v1.InterconnectClient;
import io.peyvand.protocol.v1.KeyPackageDirectoryClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.grpc.GrpcChannel;
import org.apache.pekko.grpc.GrpcClientSettings;

/**
 * One gRPC channel (one HTTP/2 connection) per broker endpoint of {@link ClientSettings#brokers},
 * made on first use: an adapter given three nodes but never failing over opens one connection. The
 * session (Interconnect) and the unary calls (Groups, Directory, KeyPackageDirectory) to a node
 * share its channel; a channel pekko-grpc closed (connection attempts used up) is made again on
 * next use. {@link #close} closes every channel made.
 *
 * <p>The unary clients see the channel through a GrpcChannel view whose settings add the
 * call-timeout as deadline: a deadline in the channel's own settings would end the session.
 */
final class BrokerChannels {
  /** A node's channel and the clients on it. */
  private record Node(
      GrpcChannel channel,
      InterconnectClient interconnect,
      GroupsClient groups,
      DirectoryClient directory,
      KeyPackageDirectoryClient keyPackages) {}

  private final ClientSettings settings;
  private final ActorSystem system;
  private final Optional<SSLContext> tls;
  private final UnaryOperator<GrpcClientSettings> customizer;
  private final Node[] nodes;
  private boolean closed;

  BrokerChannels(
      ClientSettings settings,
      ActorSystem system,
      Optional<SSLContext> tls,
      UnaryOperator<GrpcClientSettings> customizer) {
    this.settings = settings;
    this.system = system;
    this.tls = tls;
    this.customizer = customizer;
    this.nodes = new Node[settings.brokers().size()];
  }

  /** The Interconnect client (for the session) of the node at {@code index}. */
  synchronized InterconnectClient interconnect(int index) {
    return node(index).interconnect();
  }

  /** The Groups client (unary calls, call-timeout as deadline) of the node at {@code index}. */
  synchronized GroupsClient groups(int index) {
    return node(index).groups();
  }

  /** The Directory client (unary calls, call-timeout as deadline) of the node at {@code index}. */
  synchronized DirectoryClient directory(int index) {
    return node(index).directory();
  }

  /**
   * The KeyPackageDirectory client (unary calls, call-timeout as deadline) of the node at {@code
   * index}.
   */
  synchronized KeyPackageDirectoryClient keyPackages(int index) {
    return node(index).keyPackages();
  }

  private Node node(int index) {
    if (closed) {
      throw new IllegalStateException("the client is closed");
    }
    Node node = nodes[index];
    if (node == null || node.channel().closedCS().toCompletableFuture().isDone()) {
      GrpcChannel channel =
          GrpcChannel.apply(
              customizer.apply(
                  settings
                      .brokers()
                      .get(index)
                      .grpcSettings(system, tls)
                      .withConnectionAttempts(-1)),
              system);
      GrpcChannel unary =
          new GrpcChannel(
              channel.settings().withDeadline(settings.callTimeout()),
              channel.internalChannel(),
              system);
      node =
          new Node(
              channel,
              InterconnectClient.create(channel, system),
              GroupsClient.create(unary, system),
              DirectoryClient.create(unary, system),
              KeyPackageDirectoryClient.create(unary, system));
      nodes[index] = node;
    }
    return node;
  }

  /** Closes every channel made; completes when all are closed. Later uses fail. */
  CompletableFuture<Void> close() {
    List<CompletableFuture<?>> closing = new ArrayList<>();
    synchronized (this) {
      closed = true;
      for (Node node : nodes) {
        if (node != null) {
          closing.add(node.channel().closeCS().toCompletableFuture());
        }
      }
    }
    return CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new));
  }
}
