/**
 * The application service, shared by every edge and by the sessions: the broker's operations in
 * wire terms ({@link io.peyvand.broker.service.Operations}, {@code GroupOperations}, {@code
 * Administration}), the mapping between wire and domain ({@code WireMapping}, {@code
 * PlatformMapping}), the capability checks, the caller's identity ({@code Peer}), the rate limits
 * ({@code limits}) and the sessions kept by certificate so that a revocation closes them ({@code
 * LiveSessions}). It calls the entities (mailboxes, groups, platforms) and never an edge or a
 * session.
 */
package io.peyvand.broker.service;
