/**
 * Backups of the broker's keyspaces from Cassandra nodes on this host (snapshots taken and imported
 * over each node's JMX port) and the checksums that let a restore trust a backup.
 */
package io.peyvand.persistence.backup;
