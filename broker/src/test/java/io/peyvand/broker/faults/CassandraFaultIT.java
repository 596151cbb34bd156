package io.peyvand.broker.faults;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Cassandra stops for 30 s under steady traffic (CassandraScenario, on a Cassandra node of its
 * own): submissions are refused retryably or not answered, never accepted and lost; every node is
 * not ready meanwhile and recovers by itself when Cassandra is back. Broker nodes in JVMs of their
 * own on free ports; a shorter warm-up and settle time than {@code ./peyvand faults} to fit CI.
 * Prints the scenario's summary line.
 *
 * <p>It once found accepted messages that were never delivered (FAULTS.md, finding 8: entities
 * restarted into a state that still held their failed event); it is the proof of that fix.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CassandraFaultIT {

  @Test
  void aCassandraOutageIsRefusedRetryablyAndTheBrokersRecoverByThemselves() throws Exception {
    new CassandraScenario().passesInCi();
  }
}
