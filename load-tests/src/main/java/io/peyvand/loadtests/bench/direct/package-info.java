/**
 * The {@code direct} scenario: 1:1 messages between users of different platforms, its seeded
 * workload and traffic model, its report.
 */
package io.peyvand.loadtests.bench.direct;
