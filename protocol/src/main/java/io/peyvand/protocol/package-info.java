/**
 * Wire helpers shared by the broker's gRPC and WebSocket edges and by the adapter SDK: the one
 * place where every field of every {@code peyvand.v1} frame is checked. Addresses in their text
 * form ({@link io.peyvand.protocol.Addresses}), the limits the broker enforces ({@link
 * io.peyvand.protocol.ProtocolLimits}), decoding ({@link io.peyvand.protocol.FrameDecoding}) and
 * validation ({@link io.peyvand.protocol.FrameValidator}, {@link
 * io.peyvand.protocol.EnvelopeValidator}, and for the Groups service's requests {@link
 * io.peyvand.protocol.GroupRequestValidator}) that answer with the first problem as a wire {@code
 * Error} whose message says what to fix, and the mapping of error codes to gRPC statuses ({@link
 * io.peyvand.protocol.ErrorCodes}). Pure Java, no actors, no I/O, safe from any thread.
 */
package io.peyvand.protocol;
