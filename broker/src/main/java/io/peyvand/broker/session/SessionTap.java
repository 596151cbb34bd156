package io.peyvand.broker.session;

import io.peyvand.protocol.v1.ClientFrame;
import io.peyvand.protocol.v1.ServerFrame;
import java.util.function.Function;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Something placed around every session's frames, between the edge (gRPC or WebSocket) and {@link
 * SessionStreams}: it sees the adapter's frames before the broker does and the broker's frames
 * before the adapter does, and may drop, replace, repeat or add frames, or end the session. Only
 * the conformance sandbox ({@code ./peyvand conformance}, io.peyvand.broker.conformance) installs
 * one, to script faults at the edge; a broker started by {@code Broker.start(system)} (dev, run,
 * every deployable) has {@link #NONE}, which hands the frames through untouched.
 */
@FunctionalInterface
public interface SessionTap {
  /** No tap: the session as SessionStreams makes it. */
  SessionTap NONE = (in, session) -> session.apply(in);

  /**
   * The outgoing frames of a session whose incoming frames are {@code in}; {@code session} is the
   * broker's session for a stream of incoming frames.
   */
  Source<ServerFrame, NotUsed> around(
      Source<ClientFrame, ?> in,
      Function<Source<ClientFrame, ?>, Source<ServerFrame, NotUsed>> session);
}
