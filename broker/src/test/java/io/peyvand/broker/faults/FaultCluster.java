package io.peyvand.broker.faults;

import com.datastax.oss.driver.api.core.CqlSession;
import io.peyvand.broker.BrokerProcess;
import io.peyvand.persistence.cassandra.CassandraNode;
import io.peyvand.persistence.cassandra.CassandraNodeSettings;
import io.peyvand.persistence.cassandra.CqlSessions;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import io.peyvand.persistence.testkit.Ports;
import io.peyvand.persistence.testkit.SharedCassandra;
import io.peyvand.protocol.sdk.BrokerEndpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A Peyvand cluster of broker nodes, each a JVM of its own ({@link BrokerProcess}), on free
 * loopback ports, sharing one Cassandra: the test JVM's shared node (a keyspace of the cluster's
 * own, dropped at the end) or a node of its own that a scenario may stop and start again on the
 * same data directory. Each node runs the deployable settings of cluster-config/conf/common.conf
 * (Split Brain Resolver keep-majority, stable-after 20 s, sharding), joins through the first two
 * nodes as seeds, and knows the four dev platforms; TLS is off, as in the other integration tests.
 * Node i (from 0) is named node-(i+1); its ports stay the same across restarts.
 */
final class FaultCluster implements AutoCloseable {
  static final List<String> PLATFORMS = List.of("rubika", "eitaa", "bale", "soroush");

  /** The ports of one node, fixed for the life of the cluster. */
  record NodePorts(int grpc, int http, int artery) {}

  private final Path dir;
  private final String keyspace;
  private final CassandraNodeSettings cassandraSettings;
  private final boolean ownCassandra;
  private volatile CassandraNode cassandra;
  private final List<NodePorts> ports;
  private final BrokerProcess[] nodes;
  private final boolean[] paused;
  private final Consumer<String> log;
  private CqlSession session;

  private FaultCluster(
      Path dir,
      String keyspace,
      CassandraNode cassandra,
      boolean ownCassandra,
      List<NodePorts> ports,
      Consumer<String> log) {
    this.dir = dir;
    this.keyspace = keyspace;
    this.cassandra = cassandra;
    this.cassandraSettings = cassandra.settings();
    this.ownCassandra = ownCassandra;
    this.ports = ports;
    this.nodes = new BrokerProcess[ports.size()];
    this.paused = new boolean[ports.size()];
    this.log = log;
  }

  /**
   * A cluster of up to {@code maxNodes} nodes (none started) in {@code keyspace} of {@code
   * cassandra}, created afresh with the project's schema; {@code ownCassandra}: the cluster stops
   * that node at the end.
   */
  static FaultCluster create(
      Path dir,
      String keyspace,
      CassandraNode cassandra,
      boolean ownCassandra,
      int maxNodes,
      Consumer<String> log)
      throws IOException {
    Files.createDirectories(dir);
    List<NodePorts> ports = new ArrayList<>();
    int[] free = Ports.free(maxNodes * 3);
    for (int i = 0; i < maxNodes; i++) {
      ports.add(new NodePorts(free[3 * i], free[3 * i + 1], free[3 * i + 2]));
    }
    FaultCluster cluster = new FaultCluster(dir, keyspace, cassandra, ownCassandra, ports, log);
    cluster.session =
        CqlSessions.open(cassandra.settings().address(), cassandra.settings().cqlPort());
    CassandraKeyspace.recreate(cluster.session, keyspace);
    return cluster;
  }

  /**
   * A Cassandra node of a scenario's own, on free ports, in {@code dir}: for the scenario that
   * stops it.
   */
  static CassandraNode ownCassandra(Path dir) {
    return CassandraNode.start(
        SharedCassandra.localNode(
            dir.toAbsolutePath(),
            "peyvand-faults",
            System.getProperty("peyvand.test.cassandra-heap", "768M"),
            Duration.ofSeconds(60),
            Ports.free(3)));
  }

  Path dir() {
    return dir;
  }

  String keyspace() {
    return keyspace;
  }

  CqlSession session() {
    return session;
  }

  BrokerProcess node(int i) {
    return nodes[i];
  }

  /** The gRPC endpoints of the first {@code count} nodes, for adapters. */
  List<BrokerEndpoint> endpoints(int count) {
    List<BrokerEndpoint> endpoints = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      endpoints.add(new BrokerEndpoint("127.0.0.1", ports.get(i).grpc()));
    }
    return endpoints;
  }

  /** Starts nodes 0..count-1 at once and waits until each is ready and sees count members Up. */
  void startAll(int count, Duration timeout) throws Exception {
    for (int i = 0; i < count; i++) {
      launch(i);
    }
    for (int i = 0; i < count; i++) {
      nodes[i].awaitReady(timeout);
    }
    awaitMembersUp(count, timeout);
  }

  /** Starts node i (its earlier incarnation must have ended) without waiting. */
  BrokerProcess launch(int i) throws IOException {
    if (nodes[i] != null && nodes[i].isAlive()) {
      throw new IllegalStateException("node-" + (i + 1) + " is still running");
    }
    NodePorts p = ports.get(i);
    nodes[i] =
        BrokerProcess.launch(
            dir,
            "node-" + (i + 1),
            config(p),
            p.grpc(),
            p.http(),
            List.of(
                "-Xms128m",
                "-Xmx512m",
                "-Dlogback.configurationFile=peyvand-faults-node-logback.xml"));
    paused[i] = false;
    log.accept(
        "node-"
            + (i + 1)
            + " starting (pid "
            + nodes[i].pid()
            + ", gRPC "
            + p.grpc()
            + ", HTTP "
            + p.http()
            + ", cluster "
            + p.artery()
            + ")");
    return nodes[i];
  }

  /** Waits until every running, unpaused node is ready and says {@code members} members are Up. */
  void awaitMembersUp(int members, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      boolean all = true;
      StringBuilder seen = new StringBuilder();
      for (int i = 0; i < nodes.length; i++) {
        if (nodes[i] == null || !nodes[i].isAlive() || paused[i]) {
          continue;
        }
        BrokerProcess.Health h = nodes[i].health();
        seen.append(" node-")
            .append(i + 1)
            .append(h.ready() ? " ready" : " not-ready")
            .append(" up=")
            .append(h.membersUp());
        all &= h.ready() && h.membersUp() == members;
      }
      last = seen.toString();
      if (all) {
        return;
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException(
        "not every node saw " + members + " members Up within " + timeout + ":" + last);
  }

  /**
   * SIGTERM to node i and waits for its JVM to end (a graceful leave: coordinated shutdown hands
   * its shards over); its exit code.
   */
  OptionalInt stopGracefully(int i, Duration timeout) throws InterruptedException {
    nodes[i].terminate();
    OptionalInt code = nodes[i].awaitExit(timeout);
    if (code.isEmpty()) {
      throw new IllegalStateException(
          "node-"
              + (i + 1)
              + " did not exit within "
              + timeout
              + " after SIGTERM (log: "
              + nodes[i].log
              + ")");
    }
    return code;
  }

  void kill(int i) throws InterruptedException {
    nodes[i].kill();
  }

  void pause(int i) throws IOException, InterruptedException {
    nodes[i].pause();
    paused[i] = true;
  }

  void resume(int i) throws IOException, InterruptedException {
    nodes[i].resume();
    paused[i] = false;
  }

  /** Stops the cluster's own Cassandra (SIGTERM: it drains, then exits). */
  void stopCassandra() {
    requireOwn();
    cassandra.close();
  }

  /** Starts the cluster's own Cassandra again on the same ports and data directory. */
  void startCassandra() {
    requireOwn();
    cassandra = CassandraNode.start(cassandraSettings);
  }

  long cassandraPid() {
    return cassandra.pid();
  }

  private void requireOwn() {
    if (!ownCassandra) {
      throw new IllegalStateException("this cluster shares the test JVM's Cassandra");
    }
  }

  private String config(NodePorts p) {
    String seeds =
        List.of(ports.get(0), ports.get(1)).stream()
            .map(s -> "\"pekko://peyvand@127.0.0.1:" + s.artery() + "\"")
            .collect(Collectors.joining(", "));
    String platforms =
        PLATFORMS.stream()
            .map(
                id ->
                    "{ id = \""
                        + id
                        + "\", display-name = \""
                        + id
                        + "\", default-opted-in = true }")
            .collect(Collectors.joining("\n  "));
    return """
        # Written by the fault harness (io.peyvand.broker.faults.FaultCluster).
        include file("%s")
        peyvand.environment = dev
        peyvand.grpc { interface = "127.0.0.1", port = %d }
        peyvand.http { interface = "127.0.0.1", port = %d }
        pekko.remote.artery.canonical { hostname = "127.0.0.1", port = %d }
        pekko.cluster.seed-nodes = [%s]
        peyvand.cassandra.embedded.enabled = off
        pekko.persistence.cassandra.journal.keyspace = %s
        pekko.persistence.cassandra.snapshot.keyspace = %s
        datastax-java-driver.basic.contact-points = ["%s"]
        peyvand.platforms.bootstrap = [
          %s
        ]
        # The traffic comes from few users and must not be rate-limited: the harness measures
        # faults, not limits.
        peyvand.limits.submit-per-user { rate = 100000, burst = 100000 }
        peyvand.limits.submit-per-platform { rate = 100000, burst = 100000 }
        """
        .formatted(
            commonConf(),
            p.grpc(),
            p.http(),
            p.artery(),
            seeds,
            keyspace,
            keyspace,
            cassandraSettings.cqlContactPoint(),
            platforms);
  }

  /** cluster-config/conf/common.conf of this checkout: from peyvand.home, or above the cwd. */
  static Path commonConf() {
    String home = System.getProperty("peyvand.home");
    List<Path> candidates = new ArrayList<>();
    if (home != null) {
      candidates.add(Path.of(home));
    }
    Path cwd = Path.of("").toAbsolutePath();
    for (Path p = cwd; p != null; p = p.getParent()) {
      candidates.add(p);
    }
    for (Path base : candidates) {
      Path common = base.resolve("cluster-config/conf/common.conf");
      if (Files.isRegularFile(common)) {
        return common.toAbsolutePath();
      }
    }
    throw new IllegalStateException("cluster-config/conf/common.conf not found from " + cwd);
  }

  /** Stops every node (resuming paused ones first), drops the keyspace, stops its own Cassandra. */
  @Override
  public void close() throws Exception {
    for (int i = 0; i < nodes.length; i++) {
      if (nodes[i] != null && nodes[i].isAlive()) {
        if (paused[i]) {
          nodes[i].resume();
        }
        nodes[i].close();
      }
    }
    try {
      if (session != null) {
        if (cassandra.isAlive()) {
          session.execute("DROP KEYSPACE IF EXISTS " + keyspace);
        }
        session.close();
      }
    } finally {
      if (ownCassandra) {
        cassandra.close();
      }
    }
  }
}
