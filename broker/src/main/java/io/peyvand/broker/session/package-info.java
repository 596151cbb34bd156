/**
 * Sessions: one actor per connected adapter stream, registered per platform, writing mailbox items
 * to its stream with bounded buffering; the sessions opened with a client certificate are kept by
 * certificate ({@link io.peyvand.broker.service.LiveSessions}, in the application service) so that
 * a revocation closes them.
 */
package io.peyvand.broker.session;
