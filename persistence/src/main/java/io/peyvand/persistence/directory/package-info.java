/** The directory's Cassandra tables (V004): keyed hashes of phone numbers to discoverable users. */
package io.peyvand.persistence.directory;
