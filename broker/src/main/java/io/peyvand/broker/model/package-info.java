/**
 * The broker's domain values: addresses, messages and their content, statuses, mailbox items. Plain
 * records shared by entities, delivery and the edges; the wire model (module protocol) and the
 * stored model (module persistence) are mapped to and from these at the edges and in serialization,
 * so each can evolve under its own rules.
 */
package io.peyvand.broker.model;
