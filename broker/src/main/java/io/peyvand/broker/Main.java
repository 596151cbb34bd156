package io.peyvand.broker;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.peyvand.broker.conformance.ConformanceCommand;
import io.peyvand.broker.pki.DevPki;
import io.peyvand.broker.pki.PkiCommand;
import io.peyvand.broker.pki.PkiSettings;
import io.peyvand.broker.tls.ServerTls;
import io.peyvand.persistence.cassandra.CassandraNode;
import io.peyvand.persistence.cassandra.CassandraNodeSettings;
import java.io.File;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The command line behind {@code ./peyvand}: {@code dev} (a broker with its own Cassandra and, on
 * first start, its development CA), {@code run} (a broker from a deployable configuration), {@code
 * cassandra} (a Cassandra node in the foreground), {@code pki} (the development CA) and {@code
 * regulator} (the regulator's signed statistics). Flags override the configuration file, which
 * overrides every reference.conf.
 */
@Command(
    name = "peyvand",
    mixinStandardHelpOptions = true,
    version = "Peyvand 0.1.0",
    description = "Peyvand interconnection broker.",
    subcommands = {
      Main.Dev.class,
      Main.Run.class,
      Main.CassandraCommand.class,
      BackupCommands.Backup.class,
      BackupCommands.Restore.class,
      PkiCommand.class,
      RegulatorCommand.class,
      ConformanceCommand.class
    })
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  public static void main(String[] args) {
    int code = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** The deployables folder (cluster-config/conf), found from the launcher's peyvand.home. */
  static Path deployable(String name) {
    return Path.of(System.getProperty("peyvand.home", "."), "cluster-config", "conf", name);
  }

  /** Options shared by dev and run: listeners and the configuration file. */
  static class Listeners {
    @Option(names = "--grpc-port", description = "gRPC port for adapters (default 7400).")
    Integer grpcPort;

    @Option(
        names = "--http-port",
        description = "HTTP port: health, metrics, WebSocket (default 7401).")
    Integer httpPort;

    @Option(names = "--cluster-port", description = "Pekko cluster port (default 25520).")
    Integer clusterPort;

    Map<String, Object> overrides() {
      Map<String, Object> o = new HashMap<>();
      putGiven(o, "peyvand.grpc.port", grpcPort);
      putGiven(o, "peyvand.http.port", httpPort);
      putGiven(o, "pekko.remote.artery.canonical.port", clusterPort);
      return o;
    }
  }

  /** Options of the embedded Cassandra, shared by dev and cassandra. */
  static class CassandraOptions {
    @Option(
        names = "--cql-port",
        description = "CQL port of the embedded Cassandra (default 9042).")
    Integer cqlPort;

    @Option(
        names = "--data-dir",
        description = "Data directory of the embedded Cassandra" + " (default data/cassandra).")
    Path dataDir;

    @Option(names = "--cassandra-heap", description = "Heap of the Cassandra JVM, e.g. 1G.")
    String heap;

    @Option(
        names = "--address",
        description =
            "Address Cassandra listens on for CQL and storage"
                + " (default 127.0.0.1; 127.0.0.2 and 127.0.0.3 for the local ring).")
    String address;

    @Option(
        names = "--storage-port",
        description =
            "Cassandra's inter-node storage port"
                + " (default 7000; one value for every node of a ring).")
    Integer storagePort;

    @Option(
        names = "--jmx-port",
        description =
            "Cassandra's local JMX port (default 7199;" + " distinct per node on one host).")
    Integer jmxPort;

    @Option(
        names = "--seeds",
        description =
            "Comma-separated addresses of the ring's seed nodes"
                + " (default: this node's own address, a single node).")
    String seeds;

    @Option(
        names = "--cluster-name",
        description =
            "Cassandra cluster name (default peyvand-dev;" + " the same on every node of a ring).")
    String clusterName;

    Map<String, Object> addTo(Map<String, Object> overrides) {
      String embedded = "peyvand.cassandra.embedded.";
      putGiven(overrides, embedded + "cql-port", cqlPort);
      putGiven(overrides, embedded + "data-directory", dataDir == null ? null : dataDir.toString());
      putGiven(overrides, embedded + "heap", heap);
      putGiven(overrides, embedded + "address", address);
      putGiven(overrides, embedded + "storage-port", storagePort);
      putGiven(overrides, embedded + "jmx-port", jmxPort);
      putGiven(overrides, embedded + "seeds", seeds);
      putGiven(overrides, embedded + "cluster-name", clusterName);
      return overrides;
    }
  }

  /** Sets {@code path} to an option's value when the option was given. */
  private static void putGiven(Map<String, Object> overrides, String path, Object value) {
    if (value != null) {
      overrides.put(path, value);
    }
  }

  static Config load(File file, Map<String, Object> overrides) {
    if (!file.isFile()) {
      throw new CommandLine.ParameterException(
          new CommandLine(new Main()), "configuration file " + file + " does not exist");
    }
    return ConfigFactory.load(
        ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.parseFile(file)));
  }

  @Command(
      name = "dev",
      mixinStandardHelpOptions = true,
      description = {
        "Run a single-node broker with an embedded Cassandra (data kept in"
            + " data/cassandra) until Ctrl-C.",
        "Over mutual TLS: on first start it creates a development CA and certificates for the"
            + " dev platforms in data/pki (peyvand.pki)."
      })
  static final class Dev implements Callable<Integer> {
    @CommandLine.Mixin Listeners listeners = new Listeners();
    @CommandLine.Mixin CassandraOptions cassandra = new CassandraOptions();

    @Option(
        names = "--config",
        description = "Configuration file (default cluster-config/conf/dev.conf).")
    File config;

    @Option(
        names = "--turn",
        description =
            "Also run a coturn TURN relay (Debian's coturn package) on 127.0.0.1 --turn-port, with"
                + " a fresh shared secret, stopped with the broker: calls get relay credentials"
                + " for it (PROTOCOL.md §16.8).")
    boolean turn;

    @Option(
        names = "--turn-port",
        defaultValue = "3478",
        description =
            "The relay's port with --turn (default ${DEFAULT-VALUE}; relays on 49160-49200).")
    int turnPort;

    @Override
    public Integer call() throws Exception {
      Map<String, Object> overrides = cassandra.addTo(listeners.overrides());
      TurnServer relay = null;
      if (turn) {
        byte[] random = new byte[24];
        new java.security.SecureRandom().nextBytes(random);
        String secret = java.util.HexFormat.of().formatHex(random);
        relay = TurnServer.start(secret, turnPort, 49160, Path.of("data", "turn"));
        overrides.put("peyvand.calls.relay.shared-secret", secret);
        overrides.put("peyvand.calls.relay.uris", relay.uris());
        System.out.printf(
            "TURN relay (coturn) on 127.0.0.1:%d, log %s%n", relay.port(), relay.log());
      }
      try {
        Config loaded = load(config != null ? config : deployable("dev.conf").toFile(), overrides);
        createDevPki(loaded);
        return runBroker(loaded);
      } finally {
        if (relay != null) {
          relay.close();
        }
      }
    }
  }

  /**
   * With peyvand.pki.create-for-dev: the development CA and the certificates of the broker, the
   * bootstrap platforms and the dev administrator, where missing; prints what it wrote.
   */
  static void createDevPki(Config config) {
    PkiSettings pki = PkiSettings.fromConfig(config);
    BrokerSettings settings = BrokerSettings.fromConfig(config);
    if (!pki.createForDev() || settings.environment() != BrokerSettings.Environment.DEV) {
      return;
    }
    List<String> written =
        DevPki.ensure(
            pki,
            settings.bootstrapPlatforms().stream().map(BrokerSettings.PlatformSeed::id).toList(),
            Clock.systemUTC());
    written.forEach(line -> System.out.println("pki: " + line));
    System.out.flush();
  }

  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description =
          "Run a broker node from a deployable configuration (production, local cluster).")
  static final class Run implements Callable<Integer> {
    @CommandLine.Mixin Listeners listeners = new Listeners();

    @Option(
        names = "--config",
        required = true,
        description = "Configuration file, e.g. cluster-config/conf/production.conf.")
    File config;

    @Option(
        names = "--seed-node",
        paramLabel = "ADDRESS",
        description =
            "Replaces pekko.cluster.seed-nodes (repeat it), e.g. the members of a running"
                + " cluster, so that a restarted first seed joins them instead of forming a cluster"
                + " of its own: pekko://peyvand@127.0.0.1:25522.")
    List<String> seedNodes;

    @Override
    public Integer call() throws Exception {
      Map<String, Object> overrides = listeners.overrides();
      if (seedNodes != null && !seedNodes.isEmpty()) {
        overrides.put("pekko.cluster.seed-nodes", seedNodes);
      }
      Config loaded = load(config, overrides);
      // A dev deployable such as the local cluster's nodes may create the dev CA as dev does.
      createDevPki(loaded);
      return runBroker(loaded);
    }
  }

  @Command(
      name = "cassandra",
      mixinStandardHelpOptions = true,
      description = "Run a Cassandra node in the foreground for development until Ctrl-C.")
  static final class CassandraCommand implements Callable<Integer> {
    @CommandLine.Mixin CassandraOptions cassandra = new CassandraOptions();

    @Option(
        names = "--client-tls",
        description =
            "TLS only on the CQL port, with the Cassandra certificate of the development CA"
                + " (data/pki/cassandra.p12, naming 127.0.0.1-3 and localhost, created if"
                + " missing); drivers must trust data/pki/ca.crt.")
    boolean clientTls;

    @Override
    public Integer call() throws Exception {
      Map<String, Object> overrides = cassandra.addTo(new HashMap<>());
      if (clientTls) {
        overrides.put("peyvand.cassandra.embedded.client-encryption.enabled", true);
      }
      Config loaded = load(deployable("dev.conf").toFile(), overrides);
      if (clientTls) {
        // The node's certificate: the first of the local cluster's processes to start creates the
        // development CA, as the broker nodes do when they find it missing.
        createDevPki(loaded);
      }
      CassandraNode node = CassandraNode.start(CassandraNodeSettings.fromConfig(loaded));
      PrintStream out = System.out;
      out.printf(
          "Cassandra is up: CQL %s, data in %s, logs in %s%nPress Ctrl-C to stop.%n",
          node.settings().cqlContactPoint(),
          node.home().resolve("data"),
          node.home().resolve("logs"));
      while (node.isAlive()) {
        Thread.sleep(1000);
      }
      return 0;
    }
  }

  /** Starts the embedded Cassandra if configured, then the broker; blocks until it terminates. */
  static int runBroker(Config config) throws InterruptedException {
    // Fail on a bad setting or an unusable TLS file before anything starts.
    BrokerSettings settings = BrokerSettings.fromConfig(config);
    if (settings.tls().enabled()) {
      ServerTls.create(settings.tls(), Clock.systemUTC());
    }
    CassandraNode cassandra = null;
    if (config.getBoolean("peyvand.cassandra.embedded.enabled")) {
      cassandra = CassandraNode.start(CassandraNodeSettings.fromConfig(config));
      config =
          config.withValue(
              "datastax-java-driver.basic.contact-points",
              ConfigValueFactory.fromIterable(List.of(cassandra.settings().cqlContactPoint())));
    }
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "peyvand", config);
    if (cassandra != null) {
      cassandra.stopAfter(system.getWhenTerminated());
    }
    CountDownLatch terminated = new CountDownLatch(1);
    system.getWhenTerminated().thenRun(terminated::countDown);
    try {
      Broker broker = Broker.start(system).toCompletableFuture().get(10, TimeUnit.MINUTES);
      printListening(broker, cassandra);
    } catch (Exception e) {
      log.error("The broker could not start: {}", e.getCause() != null ? e.getCause() : e);
      CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.unknownReason());
    }
    terminated.await();
    if (cassandra != null) {
      cassandra.close();
    }
    return exitCode(CoordinatedShutdown.get(system).getShutdownReason());
  }

  /** Exit status of a node downed by the cluster (Split Brain Resolver, or an operator's down). */
  static final int DOWNED = 3;

  /**
   * 0 after a stop the node was asked for (SIGTERM, Ctrl-C, leaving the cluster); {@link #DOWNED}
   * when the cluster downed it (the Split Brain Resolver on the minority side of a partition), so
   * that a supervisor restarting on failure (systemd {@code Restart=on-failure}) starts it again
   * and it rejoins as a new incarnation.
   */
  static int exitCode(Optional<CoordinatedShutdown.Reason> reason) {
    return reason
        .filter(CoordinatedShutdown.clusterDowningReason()::equals)
        .map(r -> DOWNED)
        .orElse(0);
  }

  private static void printListening(Broker broker, CassandraNode cassandra) {
    PrintStream out = System.out;
    boolean tls = broker.settings().tls().enabled();
    out.printf(
        "%nPeyvand broker is ready (%s, node %s, %s)%n",
        broker.settings().environment().name().toLowerCase(),
        broker.system().address(),
        tls
            ? "mutual TLS, CA " + broker.settings().tls().trustStore()
            : "PLAINTEXT: platform ids are taken as given");
    out.printf(
        "  gRPC       %s:%d   adapters%s; grpc.health.v1.Health; server reflection%n",
        broker.grpcAddress().getHostString(),
        broker.grpcAddress().getPort(),
        tls ? " (client certificate required)" : "");
    out.printf(
        "  HTTP       %s://%s:%d   /health/ready  /health/alive  /metrics  /cluster%n",
        tls ? "https" : "http",
        broker.httpAddress().getHostString(),
        broker.httpAddress().getPort());
    out.printf(
        "  WebSocket  %s://%s:%d/v1/ws   sessions for web clients (binary frames)%s%n",
        tls ? "wss" : "ws",
        broker.httpAddress().getHostString(),
        broker.httpAddress().getPort(),
        tls ? ", client certificate required" : "");
    if (cassandra != null) {
      out.printf(
          "  Cassandra  %s   embedded; data in %s%n",
          cassandra.settings().cqlContactPoint(), cassandra.home());
    }
    out.printf("Press Ctrl-C to stop.%n%n");
    out.flush();
  }
}
