/**
 * What every scenario shares: the common options, a broker started for the run, CPU accounting from
 * /proc, the broker's /metrics, the Cassandra ceiling and its bounded writes, the Hello of a raw
 * session, percentiles, sizes, ids and JSON. The broker's inside benchmarks and fault harness use
 * it too.
 */
package io.peyvand.loadtests.bench.harness;
