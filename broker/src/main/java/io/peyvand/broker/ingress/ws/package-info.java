/**
 * The WebSocket edge on the HTTP port ({@code /v1/ws}) for web clients and load tools: a connection
 * is a session of {@link io.peyvand.broker.session.SessionStreams}, exactly as a gRPC Connect
 * stream, with one serialized {@code ClientFrame} per binary message in and one {@code ServerFrame}
 * per binary message out. Messages that are not frames (undecodable, too large, text) are answered
 * with a non-closing {@code SessionError} and the session goes on; backpressure holds end to end
 * and nothing is buffered without bound.
 */
package io.peyvand.broker.ingress.ws;
