/**
 * The benchmark scenarios that need a broker node's insides, run by {@code ./peyvand bench
 * recovery} and {@code ./peyvand bench memory} ({@link io.peyvand.broker.bench.MailboxBench}):
 * recovery time of a long mailbox, with and without snapshots, and heap per active mailbox and per
 * idle user. A node is started in the benchmark's JVM as Main starts one, and the real {@code
 * UserMailbox} is driven through Cluster Sharding; events are written through Pekko Persistence,
 * whichever journal it is configured with, except the idle users' single events, which are copied
 * from rows the journal wrote when it stores them in the Cassandra plugin's layout. The result
 * records are unit-tested ({@code BenchResultsTest}); the scenarios print their figures and are
 * never run by the build. Two channel scenarios are run with java directly, as their comments say:
 * {@link io.peyvand.broker.bench.ChannelBucketBench} (heap, snapshot and event size of one
 * subscription bucket, no node) and {@link io.peyvand.broker.bench.ChannelSubscribeBench} (bulk and
 * single subscriptions through Cluster Sharding on Cassandra, a small channel against a big one).
 */
package io.peyvand.broker.bench;
