/**
 * The audit log's Cassandra tables (V006): the entries of a Merkle-tree log as stored bytes, and
 * its signed tree heads. What a leaf or a head means is the broker's and the protocol's.
 */
package io.peyvand.persistence.audit;
