/**
 * Sessions: one actor per connected adapter stream, registered per platform, writing mailbox items to its stream with bounded buffering.
 */
package io.peyvand.broker.session;
