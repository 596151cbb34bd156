/** Pekko leases kept in Cassandra with lightweight transactions (table {@code leases}, V003). */
package io.peyvand.persistence.lease;
