package io.peyvand.broker.conformance;

import io.peyvand.protocol.v1.ClientFrame;
import io.peyvand.protocol.v1.ServerFrame;
import java.util.List;

/**
 * A fault a scenario installs at the sandbox's edge ({@link EdgeRecorder}) for the sessions of the
 * platform under test: what the adapter sees differs from what the broker did, in one scripted way.
 */
interface EdgeFault {
  /**
   * A frame from the adapter; false keeps it from the broker (the fault may answer it itself with
   * {@link EdgeRecorder.Session#inject}).
   */
  default boolean fromAdapter(EdgeRecorder.Session session, ClientFrame frame) {
    return true;
  }

  /** A frame from the broker; what the adapter receives instead (itself when untouched). */
  default List<ServerFrame> toAdapter(EdgeRecorder.Session session, ServerFrame frame) {
    return List.of(frame);
  }
}
