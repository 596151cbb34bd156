package io.peyvand.broker.ingress.ws;

import io.peyvand.broker.service.Peer;
import io.peyvand.broker.session.SessionStreams;
import io.peyvand.protocol.ErrorCodes;
import io.peyvand.protocol.FrameDecoding;
import io.peyvand.protocol.ProtocolException;
import io.peyvand.protocol.v1.ClientFrame;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.ServerFrame;
import io.peyvand.protocol.v1.SessionError;
import java.net.InetAddress;
import java.util.Optional;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.ws.BinaryMessage;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Graph;
import org.apache.pekko.stream.UniformFanInShape;
import org.apache.pekko.stream.UniformFanOutShape;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.GraphDSL;
import org.apache.pekko.stream.javadsl.Merge;
import org.apache.pekko.stream.javadsl.Partition;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * A WebSocket connection as a session of {@link SessionStreams} (transport "websocket"): each
 * binary message carries one serialized ClientFrame in, each ServerFrame goes out as one binary
 * message.
 *
 * <p>A message that is not a frame (it does not decode, is larger than the maximum, or is text) is
 * answered by {@code SessionError{closing: false}}, recorded as a refusal, and the session goes on.
 * Those answers join the session's output through a Partition and a Merge, which hold at most one
 * element per port: no queue, nothing buffered without bound, and a client that stops reading stops
 * being read (its errors wait for demand like every other frame).
 */
public final class WebSocketSessions {
  /** The transport name sessions log and count. */
  public static final String TRANSPORT = "websocket";

  /** The ports of the split and the merge: frames go through the session, errors around it. */
  private static final int FRAMES = 0;

  private static final int ERRORS = 1;

  private final SessionStreams sessions;
  private final long maxMessageBytes;

  /**
   * Sessions on {@code sessions}; a binary message over {@code maxMessageBytes} (positive) is
   * refused without being held in memory.
   */
  public WebSocketSessions(SessionStreams sessions, long maxMessageBytes) {
    if (maxMessageBytes <= 0) {
      throw new IllegalArgumentException(
          "maxMessageBytes must be positive, not " + maxMessageBytes);
    }
    this.sessions = sessions;
    this.maxMessageBytes = maxMessageBytes;
  }

  /**
   * The handler of one connection from {@code peer}, for {@code handleWebSocketMessages}; each
   * materialization is a new session. It completes (and the WebSocket closes) when the session
   * ends: after a {@code SessionError{closing: true}}, or once the client has closed its side and
   * the session has answered what it read.
   */
  public Flow<Message, Message, NotUsed> handler(Peer peer, Optional<InetAddress> from) {
    return Flow.<Message>create()
        .flatMapConcat(this::decode)
        .via(sessionWithErrors(peer, from))
        .map(
            frame ->
                (Message) BinaryMessage.create(ByteString.fromArrayUnsafe(frame.toByteArray())));
  }

  /** One incoming message: a frame to handle, or the error to answer it with. */
  private record Decoded(ClientFrame frame, Error error) {}

  /**
   * The session's output merged with the errors of messages that were not frames. The merge
   * completes with the session; the error branch never completes on its own, so that a client
   * closing its side does not cut off answers the session still owes it.
   */
  private Graph<FlowShape<Decoded, ServerFrame>, NotUsed> sessionWithErrors(
      Peer peer, Optional<InetAddress> from) {
    // prefixAndTail(0) hands on the frames as one Source, which is what SessionStreams takes.
    Flow<Decoded, ServerFrame, NotUsed> session =
        Flow.<Decoded>create()
            .map(Decoded::frame)
            .prefixAndTail(0)
            .flatMapConcat(
                noneAndAll -> sessions.session(noneAndAll.second(), TRANSPORT, peer, from));
    Flow<Decoded, ServerFrame, NotUsed> errors =
        Flow.<Decoded>create()
            .map(
                decoded -> {
                  sessions.undecodable(TRANSPORT, decoded.error());
                  return ServerFrame.newBuilder()
                      .setError(
                          SessionError.newBuilder().setError(decoded.error()).setClosing(false))
                      .build();
                })
            .concat(Source.never());
    return GraphDSL.create(
        b -> {
          UniformFanOutShape<Decoded, Decoded> split =
              b.add(
                  Partition.create(
                      Decoded.class, 2, decoded -> decoded.frame() != null ? FRAMES : ERRORS));
          UniformFanInShape<ServerFrame, ServerFrame> merge =
              b.add(Merge.<ServerFrame>create(2, true));
          b.from(split.out(FRAMES)).via(b.add(session)).toInlet(merge.in(FRAMES));
          b.from(split.out(ERRORS)).via(b.add(errors)).toInlet(merge.in(ERRORS));
          return FlowShape.of(split.in(), merge.out());
        });
  }

  /**
   * One message as a frame or an error. The message's data is always read to its end (the
   * connection reads nothing else until it is), but at most {@code maxMessageBytes} are kept.
   */
  private Source<Decoded, NotUsed> decode(Message message) {
    if (message.isText()) {
      return message
          .asTextMessage()
          .getStreamedText()
          .fold(refused("send binary protobuf ClientFrame messages, not text"), (r, text) -> r)
          .mapMaterializedValue(m -> NotUsed.getInstance());
    }
    return message
        .asBinaryMessage()
        .getStreamedData()
        .fold(Collected.EMPTY, (collected, chunk) -> collected.add(chunk, maxMessageBytes))
        .map(this::parse)
        .mapMaterializedValue(m -> NotUsed.getInstance());
  }

  private Decoded parse(Collected message) {
    if (message.size() > maxMessageBytes) {
      return refused(
          "the message is "
              + message.size()
              + " bytes; at most "
              + maxMessageBytes
              + " bytes are accepted per WebSocket message: send one ClientFrame per message and keep"
              + " content within the limits of Welcome");
    }
    try {
      return new Decoded(FrameDecoding.parseClientFrame(message.bytes().toArray()), null);
    } catch (ProtocolException e) {
      return new Decoded(null, e.error());
    }
  }

  private static Decoded refused(String message) {
    return new Decoded(null, ErrorCodes.error(ErrorCode.INVALID_FRAME, message));
  }

  /** A message's bytes as they arrive; past the maximum only their count is kept. */
  private record Collected(ByteString bytes, long size) {
    static final Collected EMPTY = new Collected(ByteString.emptyByteString(), 0);

    Collected add(ByteString chunk, long maxBytes) {
      long total = size + chunk.size();
      return new Collected(
          total > maxBytes ? ByteString.emptyByteString() : bytes.concat(chunk), total);
    }
  }
}
