/**
 * The closed-loop benchmark behind {@code ./peyvand bench}: it drives a running broker through the
 * real adapter SDK over real gRPC, one {@link io.peyvand.protocol.sdk.PeyvandClient} session per
 * platform that both submits and receives, and reports throughput, latency percentiles and the
 * delivery guarantees it observed (nothing accepted is lost; every repeated delivery is flagged).
 * Scenarios are picocli subcommands of {@link io.peyvand.loadtests.bench.Bench}; {@code direct}
 * (1:1 cross-platform messages) is the first. The pure parts (the seeded workload, the
 * {@code Ledger} that accounts for every message, the percentiles, the report) are unit-tested;
 * {@code PlatformDriver} is the only class that talks to the broker. Like every load tool it sees
 * the broker only through {@code protocol}.
 *
 * <p>The Gatling simulations (test sources, package {@code io.peyvand.loadtests}) use the public
 * parts: the {@code TrafficModel} (who writes to whom, and what, by {@code Platforms}' audience
 * sizes and the {@code SizeMix}), the {@code ArrivalSchedule} (an open arrival model), and the
 * {@code Ledger} with its {@code MessageIds}, {@code Tally} and {@code Percentiles}, which account
 * for their messages as they do for the benchmark's.
 */
package io.peyvand.loadtests.bench;
