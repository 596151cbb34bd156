/**
 * The versioned CQL schema: settings (keyspaces, replication) and the migrator that applies
 * cql/V*.cql idempotently.
 */
package io.peyvand.persistence.schema;
