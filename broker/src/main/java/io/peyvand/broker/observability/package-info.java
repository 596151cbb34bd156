/**
 * What operators see of a node: readiness (the checks behind /health/ready and gRPC health),
 * metrics in the Prometheus text format ({@link io.peyvand.broker.observability.Metrics}), and the
 * cluster as the node sees it ({@link io.peyvand.broker.observability.ClusterStatus}, GET
 * /cluster). Message counters, session gauges and latency histograms live in {@link
 * io.peyvand.broker.observability.MessageMetrics}, a node-local extension that the ingress, the
 * sessions, the entities and the delivery Pusher count into without locks;
 * cluster-config/METRICS.md explains every metric.
 */
package io.peyvand.broker.observability;
