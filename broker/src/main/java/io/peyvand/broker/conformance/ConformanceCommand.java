package io.peyvand.broker.conformance;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.peyvand.broker.pki.DevPki;
import io.peyvand.broker.pki.PkiLayout;
import io.peyvand.broker.pki.PkiSettings;
import io.peyvand.persistence.cassandra.CassandraNode;
import io.peyvand.persistence.cassandra.CassandraNodeSettings;
import java.io.File;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./peyvand conformance --platform <id>}: starts the sandbox broker (its own Cassandra as
 * {@code ./peyvand dev} does, or one given by --cassandra), over mutual TLS with a development CA
 * it creates (or plaintext), runs the scenarios against the platform's adapter, prints a line per
 * scenario and writes the report. Exit 0 only when every scenario passed.
 */
@Command(
    name = "conformance",
    mixinStandardHelpOptions = true,
    description = {
      "Check a platform's adapter against a sandbox broker with scripted faults"
          + " (protocol/CONFORMANCE.md).",
      "Exit 0 when every scenario passed, 1 otherwise."
    })
public final class ConformanceCommand implements Callable<Integer> {
  @Option(names = "--platform", required = true, description = "The platform under test.")
  String platform;

  @Option(
      names = "--adapter-command",
      description =
          "Run the adapter as this shell command (sh -c 'exec COMMAND'): the kit starts it, kills"
              + " it (SIGKILL) and starts it again for acknowledges-after-storing. Without it the"
              + " kit waits for an adapter to connect and skips that scenario.")
  String adapterCommand;

  @Option(names = "--grpc-port", defaultValue = "7500", description = "gRPC (default 7500).")
  int grpcPort;

  @Option(names = "--http-port", defaultValue = "7501", description = "HTTP (default 7501).")
  int httpPort;

  @Option(
      names = "--cluster-port",
      defaultValue = "25590",
      description = "The sandbox node's cluster port (default 25590).")
  int clusterPort;

  @Option(
      names = "--cassandra",
      paramLabel = "HOST:PORT",
      description = "Use this Cassandra (e.g. a running ./peyvand dev's, 127.0.0.1:9042).")
  String cassandra;

  @Option(
      names = "--cql-port",
      defaultValue = "9542",
      description = "CQL port of the sandbox's own Cassandra (default 9542).")
  int cqlPort;

  @Option(
      names = "--data-dir",
      defaultValue = "data/conformance/cassandra",
      description = "Data of the sandbox's own Cassandra (default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--keyspace",
      defaultValue = "peyvand_conformance",
      description = "The sandbox's keyspace (default ${DEFAULT-VALUE}).")
  String keyspace;

  @Option(
      names = "--pki-dir",
      defaultValue = "data/conformance/pki",
      description = "The sandbox's development CA and certificates (default ${DEFAULT-VALUE}).")
  Path pkiDir;

  @Option(names = "--plaintext", description = "No TLS: platform ids are taken as given.")
  boolean plaintext;

  @Option(
      names = "--report-dir",
      defaultValue = "data/conformance/report",
      description =
          "Where the report (JSON and Markdown) and adapter logs go (default ${DEFAULT-VALUE}).")
  Path reportDir;

  @Option(
      names = "--scenarios",
      split = ",",
      description = "Run only these scenarios (ids, comma-separated); default all.")
  List<String> scenarios;

  @Option(
      names = "--connect-timeout",
      defaultValue = "120",
      description = "Seconds to wait for the adapter's session (default ${DEFAULT-VALUE}).")
  int connectTimeout;

  @Option(
      names = "--wait",
      defaultValue = "30",
      description = "Seconds to wait for an answer the adapter owes (default ${DEFAULT-VALUE}).")
  int waitSeconds;

  @Option(
      names = "--ping-within",
      defaultValue = "55",
      description =
          "Seconds of quiet within which the adapter must Ping (default ${DEFAULT-VALUE}).")
  int pingWithin;

  @Option(
      names = "--dead-session-within",
      defaultValue = "120",
      description =
          "Seconds within which a session whose Pongs stopped must be given up (default"
              + " ${DEFAULT-VALUE}).")
  int deadSessionWithin;

  @Option(
      names = "--busy-retry-after",
      defaultValue = "2500",
      description = "retry_after_ms of the scripted RATE_LIMITED (default ${DEFAULT-VALUE}).")
  long busyRetryAfter;

  static final String PASSWORD = "peyvand-dev";

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    List<String> known = Scenarios.ALL.stream().map(Scenarios.Scenario::id).toList();
    if (scenarios != null && !known.containsAll(scenarios)) {
      System.err.println("unknown scenario; the scenarios are " + known);
      return 2;
    }
    KitSettings settings =
        new KitSettings(
            Duration.ofSeconds(connectTimeout),
            Duration.ofSeconds(waitSeconds),
            Duration.ofSeconds(pingWithin),
            Duration.ofSeconds(deadSessionWithin),
            Duration.ofMillis(busyRetryAfter),
            KitSettings.defaults().refusedHellos(),
            scenarios == null ? List.of() : scenarios);
    Config config = config();
    Optional<Conformance.KitTls> tls = Optional.empty();
    if (!plaintext) {
      PkiSettings pki = PkiSettings.fromConfig(config);
      DevPki.ensure(pki, List.of(platform, Kit.KIT_PLATFORM), Clock.systemUTC())
          .forEach(line -> out.println("pki: " + line));
      PkiLayout layout = pki.layout();
      tls =
          Optional.of(
              new Conformance.KitTls(
                  layout.platformKeyStore(Kit.KIT_PLATFORM),
                  PASSWORD.toCharArray(),
                  layout.caCertificate()));
    }
    CassandraNode node = null;
    if (config.getBoolean("peyvand.cassandra.embedded.enabled")) {
      out.println("Starting the sandbox's Cassandra (CQL 127.0.0.1:" + cqlPort + ")...");
      out.flush();
      node = CassandraNode.start(CassandraNodeSettings.fromConfig(config));
      config =
          config.withValue(
              "datastax-java-driver.basic.contact-points",
              ConfigValueFactory.fromIterable(List.of(node.settings().cqlContactPoint())));
    }
    try (Sandbox sandbox = Sandbox.start(config, platform)) {
      String description = describe(sandbox, node);
      out.println("Sandbox broker ready: " + description);
      if (!plaintext) {
        PkiLayout layout = PkiSettings.fromConfig(config).layout();
        out.printf(
            "  the adapter's certificate  %s (PKCS#12, password %s)%n  the CA to trust  %s%n",
            layout.platformKeyStore(platform), PASSWORD, layout.caCertificate());
      }
      out.printf(
          "  conformance mode: the adapter echoes what %s:%s receives (protocol/CONFORMANCE.md)%n",
          platform, Kit.ECHO_USER);
      out.flush();
      Report report =
          Conformance.run(
              sandbox,
              new Conformance.Run(
                  platform,
                  tls,
                  Optional.ofNullable(adapterCommand),
                  settings,
                  reportDir,
                  description),
              out);
      return report.passed() ? 0 : 1;
    } finally {
      if (node != null) {
        node.close();
      }
    }
  }

  private String describe(Sandbox sandbox, CassandraNode node) {
    return String.format(
        "gRPC 127.0.0.1:%d, %s, Cassandra %s keyspace %s",
        sandbox.broker().grpcAddress().getPort(),
        plaintext ? "plaintext" : "mutual TLS (dev CA " + pkiDir + ")",
        node != null ? node.settings().cqlContactPoint() + " (its own)" : cassandra,
        keyspace);
  }

  /** dev.conf with the sandbox's ports, storage, PKI and settings over it. */
  private Config config() {
    Map<String, Object> o = new HashMap<>();
    o.put("peyvand.grpc.port", grpcPort);
    o.put("peyvand.http.port", httpPort);
    o.put("pekko.remote.artery.canonical.port", clusterPort);
    o.put("peyvand.pki.directory", pkiDir.toString());
    o.put("peyvand.tls.enabled", !plaintext);
    o.put("pekko.persistence.cassandra.journal.keyspace", keyspace);
    o.put("pekko.persistence.cassandra.snapshot.keyspace", keyspace + "_snapshot");
    if (cassandra != null) {
      o.put("peyvand.cassandra.embedded.enabled", false);
      o.put("datastax-java-driver.basic.contact-points", List.of(cassandra));
    } else {
      // Off the dev node's ports (CQL 9042, storage 7000, JMX 7199), so both can run at once.
      o.put("peyvand.cassandra.embedded.cql-port", cqlPort);
      o.put("peyvand.cassandra.embedded.storage-port", cqlPort + 1);
      o.put("peyvand.cassandra.embedded.jmx-port", cqlPort + 2);
      o.put("peyvand.cassandra.embedded.data-directory", dataDir.toString());
    }
    File dev =
        Path.of(System.getProperty("peyvand.home", "."), "cluster-config", "conf", "dev.conf")
            .toFile();
    return ConfigFactory.load(
        ConfigFactory.parseMap(o)
            .withFallback(Sandbox.settings(platform))
            .withFallback(ConfigFactory.parseFile(dev)));
  }
}
