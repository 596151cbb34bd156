/**
 * The edges' common ground, shared by gRPC and WebSocket: the broker's operations in wire terms
 * (Operations), wire/domain mapping and capability checks, and who a request comes from: its
 * {@link io.peyvand.broker.ingress.Peer}, read from the client certificate by
 * {@link io.peyvand.broker.ingress.PeerAuthentication}, which decides the platforms it may act for.
 */
package io.peyvand.broker.ingress;
