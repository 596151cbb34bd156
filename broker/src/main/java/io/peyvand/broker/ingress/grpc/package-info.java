/**
 * The gRPC edge on the adapter port: wire messages to commands and outcomes to gRPC statuses; the
 * port's health service and server reflection (v1 and v1alpha, generated from {@code
 * src/main/proto/grpc/reflection}); request bodies drained rather than cancelled, so that every
 * call ends with its status in trailers.
 */
package io.peyvand.broker.ingress.grpc;
