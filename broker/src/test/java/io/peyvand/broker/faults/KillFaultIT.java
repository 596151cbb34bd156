package io.peyvand.broker.faults;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A node holding adapter sessions is SIGKILLed under steady traffic (KillScenario): its adapters
 * move to other nodes, the Split Brain Resolver downs it, its shards move, and every accepted
 * message is delivered, repeats only flagged. Broker nodes in JVMs of their own on free ports; a
 * shorter warm-up and settle time than {@code ./peyvand faults} to fit CI. Prints the scenario's
 * summary line.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KillFaultIT {

  @Test
  void aKilledNodesSessionsMoveAndNothingAcceptedIsLostOrSilentlyDuplicated() throws Exception {
    new KillScenario().passesInCi();
  }
}
