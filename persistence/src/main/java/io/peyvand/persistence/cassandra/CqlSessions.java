package io.peyvand.persistence.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.ProgrammaticDriverConfigLoaderBuilder;
import com.datastax.oss.driver.api.core.cql.Row;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;

/** Plain driver sessions for tools and tests (the broker's own session comes from Pekko). */
public final class CqlSessions {
  /** The data centre name of a node started by {@link CassandraNode} (SimpleSnitch). */
  public static final String LOCAL_DATACENTER = "datacenter1";

  private CqlSessions() {}

  /** A session to one node, without a keyspace. Close it. */
  public static CqlSession open(String host, int port) {
    return CqlSession.builder().withConfigLoader(loader(host, port).build()).build();
  }

  /**
   * A session to one node over TLS, trusting the CA certificates of the PEM file {@code
   * trustCertificates} and checking that the node's certificate names {@code host}. Fails at once
   * when the handshake or the connection fails (no retry at start-up). Close it.
   */
  public static CqlSession openTls(String host, int port, Path trustCertificates) {
    return CqlSession.builder()
        .withConfigLoader(
            loader(host, port)
                .withBoolean(DefaultDriverOption.RECONNECT_ON_INIT, false)
                .withClass(
                    DefaultDriverOption.SSL_ENGINE_FACTORY_CLASS, PemTrustSslEngineFactory.class)
                .withString(
                    () -> PemTrustSslEngineFactory.TRUST,
                    trustCertificates.toAbsolutePath().toString())
                .withBoolean(() -> PemTrustSslEngineFactory.HOSTNAME, true)
                .build())
        .build();
  }

  private static ProgrammaticDriverConfigLoaderBuilder loader(String host, int port) {
    return DriverConfigLoader.programmaticBuilder()
        .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(5))
        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(10))
        .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, Duration.ofSeconds(10))
        .withDuration(
            DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, Duration.ofSeconds(30))
        // Replaces, rather than adds to, any contact points of the application's configuration.
        .withStringList(DefaultDriverOption.CONTACT_POINTS, List.of(host + ":" + port))
        .withString(DefaultDriverOption.LOAD_BALANCING_LOCAL_DATACENTER, LOCAL_DATACENTER);
  }

  /**
   * Asks a node whose CQL port requires TLS its Cassandra version, trusting exactly the
   * certificates of {@code context} and not checking host names (for a node this process started
   * with its own key store). Fails at once rather than retrying when the node does not answer.
   */
  static String releaseVersion(String host, int port, SSLContext context) {
    try (CqlSession session =
        CqlSession.builder()
            .withConfigLoader(
                loader(host, port)
                    .withBoolean(DefaultDriverOption.RECONNECT_ON_INIT, false)
                    .build())
            .withSslContext(context)
            .build()) {
      Row row = session.execute("SELECT release_version FROM system.local").one();
      return row == null ? "unknown" : row.getString("release_version");
    }
  }

  /** Asks the node its Cassandra version: a real CQL round trip. */
  public static String releaseVersion(String host, int port) {
    try (CqlSession session = open(host, port)) {
      Row row = session.execute("SELECT release_version FROM system.local").one();
      return row == null ? "unknown" : row.getString("release_version");
    }
  }
}
