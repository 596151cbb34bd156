package io.peyvand.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.junit.jupiter.api.Test;

/**
 * A node the cluster downed exits non-zero, so that a supervisor restarting on failure restarts it.
 */
class MainExitCodeTest {

  @Test
  void aNodeDownedByTheClusterExitsWithDowned() {
    assertEquals(
        Main.DOWNED, Main.exitCode(Optional.of(CoordinatedShutdown.clusterDowningReason())));
  }

  @Test
  void aStopTheNodeWasAskedForExitsWithZero() {
    assertEquals(0, Main.exitCode(Optional.of(CoordinatedShutdown.jvmExitReason())));
    assertEquals(0, Main.exitCode(Optional.of(CoordinatedShutdown.clusterLeavingReason())));
    assertEquals(0, Main.exitCode(Optional.empty()));
  }
}
