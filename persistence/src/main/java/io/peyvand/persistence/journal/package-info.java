/**
 * Peyvand's own Pekko Persistence journal and snapshot store on the Cassandra driver, reading and
 * writing the very tables of pekko-persistence-cassandra (migration V001) so that either can be
 * switched for the other. The journal coalesces the writes of many entities into few Cassandra
 * requests (group commit) while each entity is answered only when its own rows are durable;
 * persistence/JOURNAL.md explains the design, the durability argument and the measurements. {@link
 * io.peyvand.persistence.journal.JournalReader} reads one entity's stored events page by page,
 * newest or oldest first, without replaying it (history on request).
 */
package io.peyvand.persistence.journal;
