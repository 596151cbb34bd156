/**
 * Test kit shipped as the test-jar: one shared Cassandra node per test JVM and a JUnit 5 extension
 * giving each test class its own keyspace.
 */
package io.peyvand.persistence.testkit;
