/**
 * The edges: the gRPC services ({@code grpc}), the WebSocket endpoint ({@code ws}) and the HTTP
 * endpoints ({@code http}), which turn transport calls into calls of the application service
 * ({@link io.peyvand.broker.service}) and sessions ({@link io.peyvand.broker.session}); and who a
 * request comes from, read from the client certificate by {@link PeerAuthentication}. Nothing below
 * imports this package.
 */
package io.peyvand.broker.ingress;
