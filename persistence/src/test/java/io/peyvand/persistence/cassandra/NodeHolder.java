package io.peyvand.persistence.cassandra;

import io.peyvand.persistence.testkit.SharedCassandra;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A stand-in parent process for {@link CassandraNodeIT}: starts a node, prints its pid, and waits
 * to be killed. Arguments: data directory, CQL port, storage port, JMX port.
 */
public final class NodeHolder {
  private NodeHolder() {}

  public static void main(String[] args) throws InterruptedException {
    CassandraNode node =
        CassandraNode.start(
            SharedCassandra.localNode(
                Path.of(args[0]),
                "peyvand-holder",
                "512M",
                Duration.ofSeconds(30),
                Integer.parseInt(args[1]),
                Integer.parseInt(args[2]),
                Integer.parseInt(args[3])));
    System.out.println("CASSANDRA-PID " + node.pid());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
