/**
 * What every scenario shares: the common options, a broker started for the run, CPU accounting from
 * /proc, the broker's /metrics, the Cassandra ceiling, percentiles, sizes, ids and JSON.
 */
package io.peyvand.loadtests.bench.harness;
