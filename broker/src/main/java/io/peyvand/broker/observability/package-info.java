/**
 * What operators see of a node: readiness (the checks behind /health/ready and gRPC health), metrics in the Prometheus text format, and the cluster as the node sees it (ClusterStatus, GET /cluster).
 */
package io.peyvand.broker.observability;
