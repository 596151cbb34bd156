/**
 * The fault harness ({@code ./peyvand faults}, cluster-config/FAULTS.md): broker nodes as JVMs of
 * their own in one Pekko cluster on a real Cassandra ({@link
 * io.peyvand.broker.faults.FaultCluster}), platform adapters over the SDK that move to another node
 * when theirs goes away ({@link io.peyvand.broker.faults.ClusterAdapter}), steady traffic that
 * resubmits with the same message id ({@link io.peyvand.broker.faults.Traffic}), and a ledger that
 * compares what senders were told with what recipients received (the load generator's {@link
 * io.peyvand.loadtests.bench.ledger.Ledger}, with its checks for retries by the same id). Each
 * scenario (kill, cassandra, partition, scale-out, rolling-restart) is a {@link
 * io.peyvand.broker.faults.FaultScenario}; three of them also run as failsafe ITs.
 */
package io.peyvand.broker.faults;
