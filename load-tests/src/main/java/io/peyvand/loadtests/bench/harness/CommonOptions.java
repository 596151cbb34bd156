package io.peyvand.loadtests.bench.harness;

import com.typesafe.config.ConfigFactory;
import io.peyvand.protocol.sdk.BrokerEndpoint;
import io.peyvand.protocol.sdk.PeyvandClientBuilder;
import io.peyvand.protocol.sdk.SdkActorSystem;
import io.peyvand.protocol.tls.KeyMaterial;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.ActorSystem;
import picocli.CommandLine.Option;

/**
 * Options every scenario takes: where the broker and its Cassandra are, how to connect, the seed,
 * and the output form.
 */
public final class CommonOptions {
  /** The exit status of a run whose broker cannot be reached or started. */
  public static final int UNREACHABLE = 2;

  @Option(
      names = "--broker",
      paramLabel = "HOST:PORT[,HOST:PORT...]",
      defaultValue = "127.0.0.1:7400",
      description =
          "The broker's gRPC address for adapters (default ${DEFAULT-VALUE}, what"
              + " ./peyvand dev listens on), or the nodes of a broker cluster separated by commas:"
              + " platform i's session starts on node i mod n, so that messages cross nodes.")
  public String broker;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "42",
      description =
          "Seed of the workload: the same seed gives the same messages (default"
              + " ${DEFAULT-VALUE}). Message ids also carry a run id, so reruns never collide.")
  public long seed;

  @Option(names = "--json", description = "Print one JSON object instead of the text line.")
  public boolean json;

  @Option(
      names = "--connect-timeout",
      paramLabel = "SECONDS",
      defaultValue = "15",
      description = "How long to try opening each platform's session (default ${DEFAULT-VALUE}).")
  public int connectTimeoutSeconds;

  @Option(
      names = "--cassandra",
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:9042",
      description =
          "The broker's Cassandra (CQL), for the ceiling measurement and its CPU time"
              + " (default ${DEFAULT-VALUE}, what ./peyvand dev starts).")
  public String cassandra;

  @Option(
      names = "--http",
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:7401",
      description =
          "The broker's HTTP(S) port, for GET /metrics (default ${DEFAULT-VALUE}, what"
              + " ./peyvand dev listens on); HTTPS when the sessions use TLS.")
  public String http;

  @Option(
      names = "--pki-dir",
      paramLabel = "DIR",
      defaultValue = "data/pki",
      description =
          "Where ./peyvand dev (or pki) keeps the certificates: each platform connects"
              + " over mutual TLS with platforms/<platform>.p12, trusting ca.crt, when that file"
              + " exists, else in plaintext (default ${DEFAULT-VALUE}).")
  Path pkiDir;

  @Option(
      names = "--plaintext",
      description =
          "Connect without TLS even if certificates exist" + " (a broker with tls.enabled = off).")
  boolean plaintext;

  @Option(
      names = "--key-store-password",
      paramLabel = "PASSWORD",
      defaultValue = "${env:PEYVAND_PKI_PASSWORD:-peyvand-dev}",
      description =
          "Password of the platforms' .p12 files (default: $PEYVAND_PKI_PASSWORD, else"
              + " the development CA's peyvand-dev).")
  String keyStorePassword;

  @Option(
      names = "--broker-pid",
      paramLabel = "PID",
      description =
          "The broker's process, for its CPU time (and in fanout a full GC before reading its"
              + " heap, jcmd PID GC.run) (default: the process listening on the --broker port).")
  public Long brokerPid;

  @Option(
      names = "--cassandra-pid",
      paramLabel = "PID",
      description =
          "Cassandra's process, for its CPU time (default: the process listening on"
              + " the --cassandra port).")
  public Long cassandraPid;

  /**
   * Runs a scenario against the broker these options name or, with {@code start}, against one
   * started for the run with these {@code settings} ({@link StartedBroker}, whose addresses and pid
   * then replace the options'), stopped at the end. {@link #UNREACHABLE} when the broker cannot be
   * started.
   */
  public int againstBroker(
      boolean start, List<String> settings, PrintStream log, Callable<Integer> scenario)
      throws Exception {
    if (!start) {
      return scenario.call();
    }
    StartedBroker started;
    try {
      started =
          StartedBroker.start(Path.of(System.getProperty("peyvand.home", ".")), 600, settings, log);
    } catch (IOException e) {
      log.println(e.getMessage());
      return UNREACHABLE;
    }
    broker = started.grpcAddress();
    cassandra = started.cqlAddress();
    http = started.httpAddress();
    brokerPid = started.pid();
    try {
      return scenario.call();
    } finally {
      log.println("start: stopping the broker (pid " + started.pid() + ")");
      started.close();
    }
  }

  /** The benchmark's actor system for its SDK sessions, logging warnings only. */
  public static ActorSystem actorSystem() {
    return SdkActorSystem.create(
        "peyvand-bench",
        ConfigFactory.parseString("pekko.loglevel = WARNING\npekko.stdout-loglevel = WARNING")
            .withFallback(ConfigFactory.load()));
  }

  /** Cassandra's process: --cassandra-pid, else the one listening on the --cassandra port. */
  public CpuSplit.Part cassandraPart() {
    return cassandraPid != null
        ? new CpuSplit.Part("cassandra", cassandraPid)
        : CpuSplit.listeningOn("cassandra", cassandraPort());
  }

  /** Mutual TLS as {@code platform} when its certificate exists, else plaintext; says which. */
  public String connectAs(PeyvandClientBuilder builder, String platform) {
    Optional<SSLContext> tls = tlsFor(platform);
    tls.ifPresentOrElse(builder::tls, builder::plaintext);
    return connection(platform);
  }

  /**
   * The TLS context of {@code platform} (its client certificate, trusting the CA) when its
   * certificate exists and --plaintext is not given; empty for plaintext.
   */
  public Optional<SSLContext> tlsFor(String platform) {
    Path keyStore = keyStore(platform);
    if (plaintext || !Files.isRegularFile(keyStore)) {
      return Optional.empty();
    }
    return Optional.of(
        KeyMaterial.clientContext(
            keyStore, keyStorePassword.toCharArray(), pkiDir.resolve("ca.crt")));
  }

  /** How {@code platform} connects: mutual TLS with which certificate, or plaintext and why. */
  public String connection(String platform) {
    Path keyStore = keyStore(platform);
    if (plaintext || !Files.isRegularFile(keyStore)) {
      return plaintext ? "plaintext (--plaintext)" : "plaintext (no " + keyStore + ")";
    }
    return "mutual TLS (" + keyStore + ")";
  }

  private Path keyStore(String platform) {
    return pkiDir.resolve("platforms").resolve(platform + ".p12");
  }

  /** The CQL port of --cassandra. */
  public int cassandraPort() {
    int colon = cassandra.lastIndexOf(':');
    try {
      return Integer.parseInt(cassandra.substring(colon + 1));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("--cassandra must be HOST:PORT, got '" + cassandra + "'");
    }
  }

  /** The broker nodes of --broker, in order. */
  public List<BrokerEndpoint> endpoints() {
    return BrokerEndpoint.parseList(broker);
  }

  /** The first node of --broker. */
  BrokerEndpoint endpoint() {
    return endpoints().get(0);
  }

  /**
   * The broker processes to account CPU to: the one listening on each node's port (found on this
   * machine, else pid -1), --broker-pid instead for the first node when given. Named "broker" for a
   * single node, "broker-1", "broker-2"... for several.
   */
  public List<CpuSplit.Part> brokerParts() {
    Long firstPid = brokerPid;
    List<BrokerEndpoint> nodes = endpoints();
    List<CpuSplit.Part> parts = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      String name = nodes.size() == 1 ? "broker" : "broker-" + (i + 1);
      parts.add(
          i == 0 && firstPid != null
              ? new CpuSplit.Part(name, firstPid)
              : CpuSplit.listeningOn(name, nodes.get(i).port()));
    }
    return parts;
  }

  /** Refuses an option's {@code value} below {@code min}, saying so; checked before a run. */
  public static void atLeast(String option, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(option + " must be at least " + min + ", got " + value);
    }
  }

  /** Refuses an option's {@code value} above {@code max}, saying so; checked before a run. */
  public static void atMost(String option, int value, int max) {
    if (value > max) {
      throw new IllegalArgumentException(option + " must be at most " + max + ", got " + value);
    }
  }

  /** What to print when the broker cannot be reached. */
  public static String unreachable(List<BrokerEndpoint> endpoints, String why) {
    return "cannot reach the Peyvand broker at "
        + BrokerEndpoint.format(endpoints)
        + " ("
        + why
        + "). Start one with ./peyvand dev (in another terminal), or name another with --broker"
        + " HOST:PORT.";
  }
}
