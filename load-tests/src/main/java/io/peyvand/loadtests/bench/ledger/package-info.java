/**
 * The accounting of every message a run sends: answers, deliveries, repeats and statuses, and the
 * tallies the reports print; shared by the benchmark's scenarios and the Gatling simulations.
 */
package io.peyvand.loadtests.bench.ledger;
