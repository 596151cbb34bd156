/**
 * The closed-loop benchmark behind {@code ./peyvand bench}: it drives a running broker (or one it
 * starts, {@link io.peyvand.loadtests.bench.harness.StartedBroker}) through the real adapter SDK
 * over real gRPC, one {@link io.peyvand.protocol.sdk.PeyvandClient} session per platform that both
 * submits and receives, and reports throughput, latency percentiles and the delivery guarantees it
 * observed (nothing accepted is lost; every repeated delivery is flagged). In the same run it
 * measures the machine's ceiling, raw inserts into the broker's Cassandra with the plain driver
 * ({@code CassandraCeiling}), and where the CPU went ({@link
 * io.peyvand.loadtests.bench.harness.CpuSplit}, from {@code /proc}). Scenarios are picocli
 * subcommands of {@link io.peyvand.loadtests.bench.Bench}; {@code direct} (1:1 cross-platform
 * messages) and {@code fanout} (posts into groups and channels, small against large audiences in
 * one run: {@code FanoutCommand}, {@code GroupFanout}, {@code ChannelFanout}, accounted for by a
 * {@code FanoutLedger}) are the ones here; as the SDK has no group support yet, {@code fanout}
 * speaks the session frames itself ({@code GroupSession}) and reads the broker's heap from its
 * {@code /metrics} ({@code BrokerHeap}). The scenarios that need the broker's insides (recovery,
 * memory) are in the broker's test sources ({@code io.peyvand.broker.bench}) and share the CPU
 * accounting, which is why it is public. The pure parts (the seeded workload, the {@code Ledger}
 * that accounts for every message, the percentiles, the report, the CPU accounting, the fan-out
 * plan and ledger) are unit-tested; {@code PlatformDriver}, {@code GroupSession} and {@code
 * BrokerHeap} are the only classes that talk to the broker. Like every load tool it sees the broker
 * only through {@code protocol}.
 *
 * <p>Subpackages by job: {@code direct} and {@code fanout} (the scenarios), {@code ledger} (the
 * accounting of every message, shared by both and by the Gatling simulations) and {@code harness}
 * (options, the started broker, CPU accounting, /metrics, the ceiling, percentiles, JSON); the
 * scenarios import the ledger and the harness, never each other.
 *
 * <p>The Gatling simulations (test sources, package {@code io.peyvand.loadtests}) use the public
 *
 * <p>import io.peyvand.loadtests.bench.harness.BrokerHeap; import
 * io.peyvand.loadtests.bench.harness.CassandraCeiling; import
 * io.peyvand.loadtests.bench.harness.MessageIds; import
 * io.peyvand.loadtests.bench.harness.Percentiles; import
 * io.peyvand.loadtests.bench.harness.Platforms; import io.peyvand.loadtests.bench.harness.SizeMix;
 * import io.peyvand.loadtests.bench.ledger.Ledger; import io.peyvand.loadtests.bench.ledger.Tally;
 * import io.peyvand.loadtests.bench.ledger.FanoutLedger; import
 * io.peyvand.loadtests.bench.direct.PlatformDriver; import
 * io.peyvand.loadtests.bench.direct.TrafficModel; import
 * io.peyvand.loadtests.bench.direct.ArrivalSchedule; import
 * io.peyvand.loadtests.bench.fanout.FanoutCommand; import
 * io.peyvand.loadtests.bench.fanout.GroupSession; import
 * io.peyvand.loadtests.bench.fanout.GroupFanout; import
 * io.peyvand.loadtests.bench.fanout.ChannelFanout; parts: the {@code TrafficModel} (who writes to
 * whom, and what, by {@code Platforms}' audience sizes and the {@code SizeMix}), the {@code
 * ArrivalSchedule} (an open arrival model), and the {@code Ledger} with its {@code MessageIds},
 * {@code Tally} and {@code Percentiles}, which account for their messages as they do for the
 * benchmark's.
 */
package io.peyvand.loadtests.bench;
