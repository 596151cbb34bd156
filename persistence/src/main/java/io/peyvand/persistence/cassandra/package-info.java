/**
 * A real Cassandra node run by the project as a child process (dev mode and tests), and plain
 * driver sessions for tools.
 */
package io.peyvand.persistence.cassandra;
