package io.peyvand.broker.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.peyvand.loadtests.bench.harness.ListeningProcess;
import io.peyvand.persistence.cassandra.CassandraNode;
import io.peyvand.persistence.cassandra.CqlSessions;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import io.peyvand.persistence.testkit.SharedCassandra;
import java.io.PrintStream;

/**
 * The Cassandra a scenario stores in: a running one (the dev broker's, by default) or, with {@code
 * --start-cassandra}, one the test kit starts for this JVM ({@link SharedCassandra}: free ports, a
 * data directory under target/test-cassandra, stopped and deleted at exit). Either way the scenario
 * gets a scratch keyspace of its own with the project's schema, dropped at the end, and the
 * Cassandra process's id for the CPU split.
 */
final class BenchCassandra implements AutoCloseable {
  final String contactPoint;
  final long pid;
  final String version;
  final String keyspace;
  final CqlSession session;

  /** The node's JMX port when this run started it, else -1. */
  final int jmxPort;

  private BenchCassandra(
      String contactPoint, long pid, String keyspace, CqlSession session, int jmxPort) {
    this.contactPoint = contactPoint;
    this.jmxPort = jmxPort;
    this.pid = pid;
    this.keyspace = keyspace;
    this.session = session;
    Row row = session.execute("SELECT release_version FROM system.local").one();
    this.version = row == null ? "unknown" : row.getString("release_version");
  }

  static BenchCassandra open(String hostPort, boolean start, String keyspace, PrintStream log) {
    String host;
    int port;
    long pid;
    int jmxPort = -1;
    if (start) {
      log.println("Starting a Cassandra node for this run (target/test-cassandra)...");
      CassandraNode node = SharedCassandra.node();
      host = node.settings().address();
      port = node.settings().cqlPort();
      pid = node.pid();
      jmxPort = node.settings().jmxPort();
    } else {
      int colon = hostPort.lastIndexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("--cassandra must be HOST:PORT, got " + hostPort);
      }
      host = hostPort.substring(0, colon);
      port = Integer.parseInt(hostPort.substring(colon + 1));
      pid = ListeningProcess.of(port).orElse(-1);
    }
    CqlSession session = CqlSessions.open(host, port);
    CassandraKeyspace.recreate(session, keyspace);
    return new BenchCassandra(host + ":" + port, pid, keyspace, session, jmxPort);
  }

  /** A broker node in this JVM named {@code name} on this keyspace, {@code overrides} first. */
  BenchNode startNode(String name, String overrides) throws Exception {
    return BenchNode.start(name, contactPoint, keyspace, overrides);
  }

  @Override
  public void close() {
    try {
      session.execute("DROP KEYSPACE IF EXISTS " + keyspace);
    } finally {
      session.close();
    }
  }
}
