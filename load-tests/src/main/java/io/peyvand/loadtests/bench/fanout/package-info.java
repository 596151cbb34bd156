/**
 * The {@code fanout} scenario: posts into groups and channels, small against large audiences in one
 * run, over raw session frames.
 */
package io.peyvand.loadtests.bench.fanout;
