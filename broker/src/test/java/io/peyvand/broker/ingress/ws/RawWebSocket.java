package io.peyvand.broker.ingress.ws;

import com.google.protobuf.InvalidProtocolBufferException;
import io.peyvand.broker.TestBroker;
import io.peyvand.broker.ingress.RawSession;
import io.peyvand.loadtests.bench.harness.RawHello;
import io.peyvand.protocol.v1.ClientFrame;
import io.peyvand.protocol.v1.ServerFrame;
import io.peyvand.protocol.v1.UserAddress;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A WebSocket session through the JDK's own client (java.net.http), frame by frame: sends exactly
 * the bytes or text a test means, and collects what the broker answers as ServerFrames. Over wss
 * with a platform's certificate of the node's CA, or through any client and URI (TlsIT: other
 * certificates, none).
 */
public final class RawWebSocket implements AutoCloseable {
  private static final Duration CONNECT = Duration.ofSeconds(10);

  private final BlockingQueue<ServerFrame> in = new LinkedBlockingQueue<>();
  private final CompletableFuture<String> closed = new CompletableFuture<>();
  private final WebSocket socket;

  private RawWebSocket(HttpClient client, URI uri) {
    this.socket =
        client
            .newWebSocketBuilder()
            .buildAsync(uri, new Listener())
            .orTimeout(CONNECT.toSeconds(), TimeUnit.SECONDS)
            .join();
  }

  /** Connects through {@code client} to {@code uri} without sending anything. */
  public static RawWebSocket open(HttpClient client, URI uri) {
    return new RawWebSocket(client, uri);
  }

  /**
   * Connects to {@code node}'s /v1/ws as {@code platform} (wss with its certificate) without
   * sending anything.
   */
  public static RawWebSocket open(TestBroker node, String platform) {
    return open(
        HttpClient.newBuilder()
            .connectTimeout(CONNECT)
            .sslContext(node.tls().platform(platform))
            .build(),
        URI.create("wss://127.0.0.1:" + node.httpPort() + "/v1/ws"));
  }

  /** Connects to {@code node} as {@code platform} and says Hello; waits for Welcome. */
  public static RawWebSocket hello(TestBroker node, String platform) {
    return hello(open(node, platform), platform);
  }

  private static RawWebSocket hello(RawWebSocket session, String platform) {
    session.send(RawHello.frame(platform, "ws-test", false));
    session.expect(ServerFrame::hasWelcome, Duration.ofSeconds(20));
    return session;
  }

  public void send(ClientFrame frame) {
    sendBytes(frame.toByteArray());
  }

  /** One binary message with exactly these bytes. */
  void sendBytes(byte[] bytes) {
    socket.sendBinary(ByteBuffer.wrap(bytes), true).orTimeout(10, TimeUnit.SECONDS).join();
  }

  /** Acknowledges {@code mailbox}'s items up to {@code upTo}. */
  public void ack(UserAddress mailbox, long upTo) {
    send(RawSession.ackFrame(mailbox, upTo));
  }

  public void sendText(String text) {
    socket.sendText(text, true).orTimeout(10, TimeUnit.SECONDS).join();
  }

  /** The next frame matching, skipping others; fails after the timeout. */
  public ServerFrame expect(Predicate<ServerFrame> matching, Duration timeout) {
    return RawSession.expect(
        in,
        matching,
        timeout,
        () -> closed.isDone() ? "the WebSocket closed: " + closed.join() : null);
  }

  /** Completes with the close status and reason (or the error) when the connection ends. */
  public CompletionStage<String> closed() {
    return closed;
  }

  @Override
  public void close() {
    if (!closed.isDone()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "test done");
    }
    socket.abort();
  }

  /** Collects binary messages (possibly in parts) as ServerFrames; a text message is a failure. */
  private final class Listener implements WebSocket.Listener {
    private final ByteArrayOutputStream message = new ByteArrayOutputStream();

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      byte[] part = new byte[data.remaining()];
      data.get(part);
      message.writeBytes(part);
      if (last) {
        try {
          in.add(ServerFrame.parseFrom(message.toByteArray()));
        } catch (InvalidProtocolBufferException e) {
          closed.complete("the broker sent a message that is not a ServerFrame: " + e);
        }
        message.reset();
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      closed.complete("the broker sent a text message: " + data);
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(statusCode + " " + reason);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.complete("error: " + error);
    }
  }
}
