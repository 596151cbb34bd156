package io.peyvand.broker;

import com.typesafe.config.Config;
import io.peyvand.broker.tls.ClusterTlsSettings;
import io.peyvand.broker.tls.TlsSettings;
import io.peyvand.persistence.cassandra.PemTrustSslEngineFactory;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The broker's settings, read once from {@code peyvand} (every key is explained in this module's
 * reference.conf). Construction validates them, so a bad deployable fails at start-up with a
 * message naming the key, not later under traffic.
 */
public record BrokerSettings(
    Environment environment,
    Listener grpc,
    Duration grpcRequestDrain,
    long grpcRequestDrainBytes,
    Listener http,
    Join join,
    boolean applySchema,
    Duration schemaRetryBackoff,
    Duration cassandraCheckTimeout,
    Duration askTimeout,
    Duration platformCacheTtl,
    int sessionParallelism,
    int sessionOutgoingBuffer,
    Duration sessionLinger,
    long websocketMaxFrameBytes,
    List<PlatformSeed> bootstrapPlatforms,
    TlsSettings tls) {

  private static final Pattern PLATFORM_ID = Pattern.compile("[a-z][a-z0-9_-]{1,31}");

  /** The driver's TLS to Cassandra: without a class, CQL goes in plaintext. */
  static final String CASSANDRA_SSL_ENGINE_FACTORY =
      "datastax-java-driver.advanced.ssl-engine-factory.class";

  /**
   * dev allows conveniences (embedded Cassandra, schema auto-creation, plaintext listeners);
   * production refuses them.
   */
  public enum Environment {
    DEV,
    PRODUCTION
  }

  /**
   * How the node joins its cluster: through {@code pekko.cluster.seed-nodes} (also when none are
   * set: then it waits to be joined), through Pekko Management's Cluster Bootstrap (contact points
   * from Pekko Discovery), or by joining itself (a single-node cluster, dev and tests).
   */
  public enum Join {
    SEED_NODES,
    BOOTSTRAP,
    SELF
  }

  /** Whether the node joins itself: a single-node cluster. */
  public boolean selfJoin() {
    return join == Join.SELF;
  }

  /** Where a server listens. Port 0 picks a free port (tests). */
  public record Listener(String iface, int port) {
    public Listener {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0..65535, not " + port);
      }
    }
  }

  /** A platform registered at start-up if it is not registered yet. */
  public record PlatformSeed(String id, String displayName, boolean defaultOptedIn) {
    public PlatformSeed {
      if (!PLATFORM_ID.matcher(id).matches()) {
        throw new IllegalArgumentException(
            "platform id '"
                + id
                + "' must be 2-32 characters of"
                + " a-z, 0-9, '_' or '-', starting with a letter");
      }
    }
  }

  public static BrokerSettings fromConfig(Config config) {
    Config p = config.getConfig("peyvand");
    Environment environment =
        switch (p.getString("environment")) {
          case "dev" -> Environment.DEV;
          case "production" -> Environment.PRODUCTION;
          default ->
              throw new IllegalArgumentException(
                  "peyvand.environment must be dev or production,"
                      + " not '"
                      + p.getString("environment")
                      + "'");
        };
    if (environment == Environment.PRODUCTION) {
      refuseInProduction(config, "peyvand.cassandra.embedded.enabled");
      refuseInProduction(config, "pekko.persistence.cassandra.journal.keyspace-autocreate");
      refuseInProduction(config, "pekko.persistence.cassandra.journal.tables-autocreate");
      refuseInProduction(config, "pekko.persistence.cassandra.snapshot.keyspace-autocreate");
      refuseInProduction(config, "pekko.persistence.cassandra.snapshot.tables-autocreate");
      refuseInProduction(config, "peyvand.cluster.self-join");
      if (p.getString("cluster.join").equals("self")) {
        throw new IllegalArgumentException(
            "peyvand.cluster.join = self is for development only"
                + " and is refused when peyvand.environment = production");
      }
      refuseInProduction(config, "peyvand.pki.create-for-dev");
    }
    TlsSettings tls = TlsSettings.fromConfig(p.getConfig("tls"));
    if (environment == Environment.PRODUCTION && !tls.enabled()) {
      throw new IllegalArgumentException(
          "peyvand.tls.enabled = off is refused when"
              + " peyvand.environment = production: platforms connect with mutual TLS. Set"
              + " peyvand.tls.enabled = on with key-store, trust-store and crl-file (SECURITY.md)");
    }
    if (environment == Environment.PRODUCTION && tls.crlFile().isEmpty()) {
      throw new IllegalArgumentException(
          "peyvand.tls.crl-file must name the CA's certificate"
              + " revocation list when peyvand.environment = production");
    }
    ClusterTlsSettings clusterTls = ClusterTlsSettings.fromConfig(config);
    if (environment == Environment.PRODUCTION && !clusterTls.enabled()) {
      throw new IllegalArgumentException(
          "pekko.remote.artery.transport = "
              + config.getString("pekko.remote.artery.transport")
              + " is refused when peyvand.environment = production: broker nodes talk over mutual"
              + " TLS. Set it to tls-tcp (peyvand.cluster.tls, cluster-config/CLUSTER.md)");
    }
    if (environment == Environment.PRODUCTION && !cassandraOverTls(config)) {
      throw new IllegalArgumentException(
          CASSANDRA_SSL_ENGINE_FACTORY
              + " unset (CQL in plaintext) is refused when peyvand.environment = production:"
              + " brokers talk to Cassandra over TLS. Set it to "
              + PemTrustSslEngineFactory.class.getName()
              + ", with trust-certificates = the PEM of the CA of Cassandra's certificate and"
              + " hostname-validation = true (production.conf, cluster-config/CLUSTER.md \"Brokers"
              + " to Cassandra\")");
    }
    List<PlatformSeed> seeds =
        p.getConfigList("platforms.bootstrap").stream()
            .map(
                c ->
                    new PlatformSeed(
                        c.getString("id"),
                        c.getString("display-name"),
                        c.hasPath("default-opted-in") && c.getBoolean("default-opted-in")))
            .toList();
    return new BrokerSettings(
        environment,
        new Listener(p.getString("grpc.interface"), p.getInt("grpc.port")),
        p.getDuration("grpc.request-drain"),
        p.getBytes("grpc.request-drain-bytes"),
        new Listener(p.getString("http.interface"), p.getInt("http.port")),
        join(p),
        config.getBoolean("peyvand.cassandra.schema.apply-at-startup"),
        p.getDuration("startup.schema-retry-backoff"),
        p.getDuration("readiness.cassandra-timeout"),
        p.getDuration("ask-timeout"),
        p.getDuration("platforms.cache-ttl"),
        p.getInt("session.parallelism"),
        p.getInt("session.outgoing-buffer"),
        p.getDuration("session.linger"),
        positiveBytes(p, "websocket.max-frame-bytes"),
        seeds,
        tls);
  }

  /** peyvand.cluster.join, with the older self-join = on meaning join = self. */
  private static Join join(Config p) {
    if (p.getBoolean("cluster.self-join")) {
      return Join.SELF;
    }
    return switch (p.getString("cluster.join")) {
      case "seed-nodes" -> Join.SEED_NODES;
      case "bootstrap" -> Join.BOOTSTRAP;
      case "self" -> Join.SELF;
      default ->
          throw new IllegalArgumentException(
              "peyvand.cluster.join must be seed-nodes,"
                  + " bootstrap or self, not '"
                  + p.getString("cluster.join")
                  + "'");
    };
  }

  private static long positiveBytes(Config p, String path) {
    long bytes = p.getBytes(path);
    if (bytes <= 0) {
      throw new IllegalArgumentException("peyvand." + path + " must be positive, not " + bytes);
    }
    return bytes;
  }

  /**
   * Whether the driver's configuration names an SSL engine factory: ours, or the driver's
   * DefaultSslEngineFactory with a Java trust store.
   */
  private static boolean cassandraOverTls(Config config) {
    return config.hasPath(CASSANDRA_SSL_ENGINE_FACTORY)
        && !config.getString(CASSANDRA_SSL_ENGINE_FACTORY).isBlank();
  }

  private static void refuseInProduction(Config config, String path) {
    if (config.getBoolean(path)) {
      throw new IllegalArgumentException(
          path
              + " = on is for development only and is refused"
              + " when peyvand.environment = production");
    }
  }
}
