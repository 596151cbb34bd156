/**
 * Runs inside the Cassandra child process: its main class, which ends Cassandra when the parent JVM
 * ends. JDK only.
 */
package io.peyvand.persistence.cassandra.internal;
