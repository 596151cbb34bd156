package io.peyvand.broker.pki;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import io.peyvand.persistence.cassandra.CassandraNode;
import io.peyvand.persistence.cassandra.CassandraNodeSettings;
import io.peyvand.persistence.cassandra.CqlSessions;
import io.peyvand.persistence.testkit.Ports;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Why the local ring needs no exception to hostname validation any more: a Cassandra node on
 * 127.0.0.2 (a ring address) with TLS required on its CQL port, the driver trusting the development
 * CA with hostname validation on, as the local cluster's node.conf configures it. Presenting the
 * broker certificate (which names 127.0.0.1 only) it is refused; presenting the Cassandra
 * certificate the dev PKI creates ({@link DevPki#LOCAL_CASSANDRA}), it is accepted. One node of its
 * own (512M heap), started twice on the same data.
 */
class CassandraCertificateIT {
  private static final String RING_ADDRESS = "127.0.0.2";

  @Test
  void theDriverCheckingHostNamesAcceptsARingNodeOnlyWithTheCassandraCertificate() {
    Path dir =
        Path.of(
                "target",
                "test-cassandra-certificate",
                Long.toString(ProcessHandle.current().pid()))
            .toAbsolutePath();
    PkiSettings pki = new PkiSettings(dir.resolve("pki"), "peyvand-dev", true);
    DevPki.ensure(pki, List.of(), Clock.systemUTC());
    PkiLayout layout = pki.layout();
    int[] ports = Ports.free(3);

    try (CassandraNode node = start(dir, ports, layout.brokerKeyStore(), pki.password())) {
      AllNodesFailedException refused =
          assertThrows(
              AllNodesFailedException.class,
              () -> CqlSessions.openTls(RING_ADDRESS, ports[0], layout.caCertificate()).close());
      // The JDK's hostname check, not the chain: the broker certificate is of the same CA.
      assertTrue(
          String.valueOf(refused.getAllErrors())
              .contains("No subject alternative names matching IP address " + RING_ADDRESS),
          String.valueOf(refused.getAllErrors()));
    }

    try (CassandraNode node = start(dir, ports, layout.cassandraKeyStore(), pki.password());
        CqlSession session = CqlSessions.openTls(RING_ADDRESS, ports[0], layout.caCertificate())) {
      String version =
          session.execute("SELECT release_version FROM system.local").one().getString(0);
      assertTrue(version.startsWith("5.0."), version);
    }
  }

  private static CassandraNode start(Path dir, int[] ports, Path keyStore, String password) {
    return CassandraNode.start(
        new CassandraNodeSettings(
            dir.resolve("node"),
            RING_ADDRESS,
            ports[0],
            ports[1],
            ports[2],
            "512M",
            "peyvand-certificate-it",
            "periodic",
            Duration.ofSeconds(180),
            Duration.ofSeconds(30),
            "",
            new CassandraNodeSettings.ClientEncryption(
                true, keyStore.toString(), password, false)));
  }
}
