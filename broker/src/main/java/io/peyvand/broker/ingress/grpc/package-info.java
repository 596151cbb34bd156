/**
 * The gRPC edge on the adapter port: wire messages to commands and outcomes to gRPC statuses.
 */
package io.peyvand.broker.ingress.grpc;
