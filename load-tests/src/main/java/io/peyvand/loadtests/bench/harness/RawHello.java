package io.peyvand.loadtests.bench.harness;

import io.peyvand.protocol.FrameValidator;
import io.peyvand.protocol.v1.ClientFrame;
import io.peyvand.protocol.v1.Hello;

/**
 * The first frame of a session the benchmark opens over raw gRPC, or a Gatling simulation over
 * WebSocket (not through the SDK, so that the figures measure the broker): Hello in this library's
 * protocol version, as a platform.
 */
public final class RawHello {
  private RawHello() {}

  /** Hello as {@code platform} with {@code sessionName}; {@code ringCalls} as Hello.ring_calls. */
  public static ClientFrame frame(String platform, String sessionName, boolean ringCalls) {
    return ClientFrame.newBuilder()
        .setHello(
            Hello.newBuilder()
                .setProtocolVersion(FrameValidator.PROTOCOL_VERSION)
                .setPlatformId(platform)
                .setSessionName(sessionName)
                .setRingCalls(ringCalls))
        .build();
  }
}
