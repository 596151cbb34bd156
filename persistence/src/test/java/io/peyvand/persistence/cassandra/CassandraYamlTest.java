package io.peyvand.persistence.cassandra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.peyvand.persistence.testkit.SharedCassandra;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The cassandra.yaml a node is started with: a single node is its own seed (as before rings
 * existed); a node of a local ring listens on its own address and names the ring's seeds at the
 * shared storage port, under the ring's cluster name.
 */
class CassandraYamlTest {
  private static final Path HOME = Path.of("/tmp/node");

  @Test
  void aSingleNodeIsItsOwnSeed() {
    CassandraNodeSettings settings = CassandraNodeSettings.fromConfig(ConfigFactory.load());
    assertEquals("", settings.seeds());
    String yaml = CassandraYaml.render(settings, HOME);
    assertTrue(yaml.contains("- seeds: \"127.0.0.1:7000\""), yaml);
    assertTrue(yaml.contains("listen_address: 127.0.0.1"), yaml);
  }

  @Test
  void aRingNodeListensOnItsAddressAndNamesTheRingsSeeds() {
    CassandraNodeSettings settings =
        CassandraNodeSettings.fromConfig(
            ConfigFactory.parseString(
                    """
        peyvand.cassandra.embedded {
          address = "127.0.0.2"
          storage-port = 7010
          jmx-port = 7212
          seeds = "127.0.0.1, 127.0.0.3"
          cluster-name = "peyvand-local-ring"
        }
        """)
                .withFallback(ConfigFactory.load()));
    String yaml = CassandraYaml.render(settings, HOME);
    assertTrue(yaml.contains("- seeds: \"127.0.0.1:7010,127.0.0.3:7010\""), yaml);
    assertTrue(yaml.contains("listen_address: 127.0.0.2"), yaml);
    assertTrue(yaml.contains("rpc_address: 127.0.0.2"), yaml);
    assertTrue(yaml.contains("storage_port: 7010"), yaml);
    assertTrue(yaml.contains("cluster_name: 'peyvand-local-ring'"), yaml);
    assertEquals("127.0.0.2:9042", settings.cqlContactPoint());
  }

  @Test
  void aNodeWithoutSeedsIsItsOwnSeed() {
    CassandraNodeSettings settings =
        SharedCassandra.localNode(HOME, "c", "1G", Duration.ofSeconds(1), 9042, 7000, 7199);
    assertEquals("127.0.0.1:7000", settings.seedList());
    assertEquals("127.0.0.1:7000", settings.withPorts(9043, 7000, 7200).seedList());
  }

  @Test
  void clientEncryptionIsOffByDefaultAndRequiredWhenOn() {
    CassandraNodeSettings plain = CassandraNodeSettings.fromConfig(ConfigFactory.load());
    assertTrue(
        CassandraYaml.render(plain, HOME).contains("client_encryption_options:\n  enabled: false"));
    CassandraNodeSettings tls =
        CassandraNodeSettings.fromConfig(
            ConfigFactory.parseString(
                    """
        peyvand.cassandra.embedded.client-encryption {
          enabled = on
          key-store = "/pki/broker.p12"
          key-store-password = "it's"
        }
        """)
                .withFallback(ConfigFactory.load()));
    String yaml = CassandraYaml.render(tls, HOME);
    assertTrue(yaml.contains("  enabled: true\n  optional: false\n"), yaml);
    assertTrue(yaml.contains("  keystore: '/pki/broker.p12'\n"), yaml);
    assertTrue(yaml.contains("  keystore_password: 'it''s'\n"), yaml);
    assertTrue(yaml.contains("  store_type: PKCS12\n"), yaml);
    assertTrue(yaml.contains("  accepted_protocols: [TLSv1.3, TLSv1.2]\n"), yaml);
    assertThrows(
        IllegalArgumentException.class,
        () -> new CassandraNodeSettings.ClientEncryption(true, "", "", false));
  }
}
