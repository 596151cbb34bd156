/**
 * What operators see of a node: readiness (the checks behind /health/ready and gRPC health) and metrics in the Prometheus text format.
 */
package io.peyvand.broker.observability;
