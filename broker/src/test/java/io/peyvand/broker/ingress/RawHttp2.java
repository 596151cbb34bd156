package io.peyvand.broker.ingress;

import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Exception;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Headers;
import io.peyvand.broker.TestBroker;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * An HTTP/2 client that writes and reads frames by hand over cleartext (prior knowledge), as a gRPC
 * implementation outside the JVM sees them: nothing of grpc-java's or pekko's stack decides what it
 * reads. Only what the tests need: one stream at a time, headers sent as HPACK literals without
 * indexing, every frame read kept in order (headers decoded with an HPACK decoder).
 */
final class RawHttp2 implements AutoCloseable {
  static final int DATA = 0;
  static final int HEADERS = 1;
  static final int RST_STREAM = 3;
  static final int SETTINGS = 4;
  static final int PING = 6;
  static final int GOAWAY = 7;
  static final int WINDOW_UPDATE = 8;
  static final int CONTINUATION = 9;
  static final int END_STREAM = 0x1;
  static final int END_HEADERS = 0x4;

  /** One frame read; {@code headers} decoded for HEADERS frames. */
  record Frame(int type, int flags, int streamId, byte[] payload, Http2Headers headers) {
    boolean endStream() {
      return (flags & END_STREAM) != 0;
    }

    @Override
    public String toString() {
      String name =
          switch (type) {
            case DATA -> "DATA";
            case HEADERS -> "HEADERS";
            case RST_STREAM -> "RST_STREAM";
            case SETTINGS -> "SETTINGS";
            case PING -> "PING";
            case GOAWAY -> "GOAWAY";
            case WINDOW_UPDATE -> "WINDOW_UPDATE";
            default -> "type " + type;
          };
      return name
          + "(stream "
          + streamId
          + (endStream() ? ", END_STREAM" : "")
          + (headers != null ? ", " + headers : "")
          + (type == RST_STREAM ? ", error " + errorCode() : "")
          + ")";
    }

    int errorCode() {
      return ((payload[0] & 0xff) << 24)
          | ((payload[1] & 0xff) << 16)
          | ((payload[2] & 0xff) << 8)
          | (payload[3] & 0xff);
    }
  }

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false);

  private final String scheme;

  /** HTTP/2 over TLS (ALPN h2) to {@code node}'s gRPC port, with {@code platform}'s certificate. */
  RawHttp2(TestBroker node, String platform) throws IOException {
    this(tls(node, platform), "https");
  }

  private static Socket tls(TestBroker node, String platform) throws IOException {
    SSLSocket socket =
        (SSLSocket)
            node.tls()
                .platform(platform)
                .getSocketFactory()
                .createSocket("127.0.0.1", node.grpcPort());
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setApplicationProtocols(new String[] {"h2"});
    socket.setSSLParameters(parameters);
    socket.startHandshake();
    return socket;
  }

  private RawHttp2(Socket socket, String scheme) throws IOException {
    this.socket = socket;
    this.scheme = scheme;
    socket.setSoTimeout(15_000);
    in = new DataInputStream(socket.getInputStream());
    out = socket.getOutputStream();
    out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    frame(SETTINGS, 0, 0, new byte[0]);
  }

  /** Opens stream {@code streamId} with a gRPC call's request headers, not ending it. */
  void startCall(int streamId, String path, int port) throws IOException {
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    for (Map.Entry<String, String> h :
        List.of(
            Map.entry(":method", "POST"),
            Map.entry(":scheme", scheme),
            Map.entry(":path", path),
            Map.entry(":authority", "127.0.0.1:" + port),
            Map.entry("content-type", "application/grpc"),
            Map.entry("te", "trailers"))) {
      block.write(0x00); // literal header field without indexing, new name
      literal(block, h.getKey());
      literal(block, h.getValue());
    }
    frame(HEADERS, END_HEADERS, streamId, block.toByteArray());
  }

  /** Sends one gRPC message (uncompressed) on the stream, without ending it. */
  void message(int streamId, byte[] message) throws IOException {
    byte[] data = new byte[5 + message.length];
    data[1] = (byte) (message.length >>> 24);
    data[2] = (byte) (message.length >>> 16);
    data[3] = (byte) (message.length >>> 8);
    data[4] = (byte) message.length;
    System.arraycopy(message, 0, data, 5, message.length);
    frame(DATA, 0, streamId, data);
  }

  /** Reads frames until a DATA frame on {@code streamId} (e.g. a session's Welcome). */
  List<Frame> untilData(int streamId) throws IOException, Http2Exception {
    List<Frame> frames = new ArrayList<>();
    while (frames.isEmpty() || frames.get(frames.size() - 1).type() != DATA) {
      Frame f = next();
      if (f.streamId() == streamId) {
        frames.add(f);
        if (f.type() == RST_STREAM || f.endStream()) {
          throw new AssertionError("the stream ended before any data: " + frames);
        }
      }
    }
    return frames;
  }

  /**
   * Reads frames until one on {@code streamId} ends it (END_STREAM or RST_STREAM); returns every
   * frame of that stream read, in order. Acknowledges the server's SETTINGS and PINGs.
   */
  List<Frame> untilStreamEnds(int streamId) throws IOException, Http2Exception {
    List<Frame> frames = new ArrayList<>();
    while (true) {
      Frame f = next();
      if (f.streamId() != streamId) {
        continue;
      }
      frames.add(f);
      if (f.type() == RST_STREAM || f.endStream()) {
        return frames;
      }
    }
  }

  /** The next frame; the server's SETTINGS and PINGs are acknowledged. */
  private Frame next() throws IOException, Http2Exception {
    Frame f = read();
    if (f.type() == SETTINGS && (f.flags() & 0x1) == 0) {
      frame(SETTINGS, 0x1, 0, new byte[0]);
    } else if (f.type() == PING && (f.flags() & 0x1) == 0) {
      frame(PING, 0x1, 0, f.payload());
    }
    return f;
  }

  private Frame read() throws IOException, Http2Exception {
    int length =
        (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
    int type = in.readUnsignedByte();
    int flags = in.readUnsignedByte();
    int streamId = in.readInt() & 0x7fffffff;
    byte[] payload = new byte[length];
    in.readFully(payload);
    Http2Headers headers = null;
    if (type == HEADERS) {
      byte[] block = payload;
      while ((flags & END_HEADERS) == 0) { // CONTINUATION frames follow
        Frame next = read();
        block = concat(block, next.payload());
        flags |= next.flags() & END_HEADERS;
      }
      headers = decoder.decodeHeaders(streamId, Unpooled.wrappedBuffer(headerBlock(block, flags)));
    }
    return new Frame(type, flags, streamId, payload, headers);
  }

  /** The header block of a HEADERS payload, without padding and priority fields. */
  private static byte[] headerBlock(byte[] payload, int flags) {
    int start = 0;
    int end = payload.length;
    if ((flags & 0x8) != 0) { // PADDED
      end -= payload[0] & 0xff;
      start = 1;
    }
    if ((flags & 0x20) != 0) { // PRIORITY
      start += 5;
    }
    byte[] block = new byte[end - start];
    System.arraycopy(payload, start, block, 0, block.length);
    return block;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static void literal(ByteArrayOutputStream block, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (bytes.length >= 127) {
      throw new IllegalArgumentException("header too long for this client: " + text);
    }
    block.write(bytes.length); // not Huffman-coded
    block.writeBytes(bytes);
  }

  private void frame(int type, int flags, int streamId, byte[] payload) throws IOException {
    byte[] header = {
      (byte) (payload.length >>> 16),
      (byte) (payload.length >>> 8),
      (byte) payload.length,
      (byte) type,
      (byte) flags,
      (byte) (streamId >>> 24),
      (byte) (streamId >>> 16),
      (byte) (streamId >>> 8),
      (byte) streamId
    };
    out.write(header);
    out.write(payload);
    out.flush();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
