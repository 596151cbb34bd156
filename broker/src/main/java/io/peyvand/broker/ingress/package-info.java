/**
 * The edges' common ground: the broker's operations in wire terms (Operations), wire/domain mapping and capability checks, shared by gRPC and WebSocket.
 */
package io.peyvand.broker.ingress;
