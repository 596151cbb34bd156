package io.peyvand.broker.faults;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Each node in turn is restarted gracefully under steady traffic (RollingRestartScenario): nothing
 * accepted is lost, repeats are flagged, and no adapter reconnects more than once per restarted
 * node. Broker nodes in JVMs of their own on free ports; a shorter warm-up and settle time than
 * {@code ./peyvand faults} to fit CI. Prints the scenario's summary line.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RollingRestartFaultIT {

  @Test
  void aRollingRestartLosesNothingAndMovesEachAdapterAtMostOncePerNode() throws Exception {
    new RollingRestartScenario().passesInCi();
  }
}
