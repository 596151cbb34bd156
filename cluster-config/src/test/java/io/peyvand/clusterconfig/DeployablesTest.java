package io.peyvand.clusterconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.peyvand.broker.BrokerSettings;
import io.peyvand.broker.directory.DirectorySettings;
import io.peyvand.broker.pki.PkiSettings;
import io.peyvand.broker.tls.ClusterTlsSettings;
import io.peyvand.broker.tls.TlsSettings;
import io.peyvand.persistence.cassandra.CassandraNodeSettings;
import io.peyvand.persistence.cassandra.PemTrustSslEngineFactory;
import io.peyvand.persistence.schema.SchemaSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every deployable in conf/ passes the deployable check ({@link Deployables}: parses, resolves
 * against every reference.conf, names no setting that does not exist, yields valid settings), and
 * each says what it is for.
 */
class DeployablesTest {
  private static final Path CONF = Path.of(System.getProperty("peyvand.deployables", "conf"));

  /** Files included by the deployables (or laid over them), not run on their own. */
  private static final Set<String> INCLUDES =
      Set.of("common.conf", "local-cluster/node.conf", "local-cluster/ring.conf");

  /** The nodes of the local cluster: three from `cluster up`, the fourth from `cluster add`. */
  private static final int LOCAL_NODES = 4;

  static Stream<String> deployables() throws IOException {
    try (Stream<Path> files = Files.walk(CONF)) {
      List<String> names =
          files
              .filter(p -> p.toString().endsWith(".conf"))
              .map(p -> CONF.relativize(p).toString())
              .filter(name -> !INCLUDES.contains(name))
              .sorted()
              .toList();
      return names.stream();
    }
  }

  static Config load(String name) {
    return Deployables.load(CONF.resolve(name));
  }

  @Test
  void theExpectedDeployablesExist() throws IOException {
    assertEquals(
        List.of(
            "dev.conf",
            "local-cluster/node-1.conf",
            "local-cluster/node-2.conf",
            "local-cluster/node-3.conf",
            "local-cluster/node-4.conf",
            "production.conf"),
        deployables().toList());
  }

  @ParameterizedTest
  @MethodSource("deployables")
  void parsesAndYieldsValidSettings(String name) {
    Deployables.parsesAndYieldsValidSettings(CONF.resolve(name));
  }

  @ParameterizedTest
  @MethodSource("deployables")
  void namesOnlySettingsThatExist(String name) {
    Deployables.namesOnlySettingsThatExist(name, CONF.resolve(name));
  }

  @Test
  void devRunsOneNodeWithItsOwnCassandraAndTheFourPlatforms() {
    Config dev = load("dev.conf");
    BrokerSettings settings = BrokerSettings.fromConfig(dev);
    assertEquals(BrokerSettings.Environment.DEV, settings.environment());
    assertEquals(7400, settings.grpc().port());
    assertEquals(7401, settings.http().port());
    assertTrue(settings.selfJoin());
    assertTrue(dev.getBoolean("peyvand.cassandra.embedded.enabled"));
    assertEquals(9042, CassandraNodeSettings.fromConfig(dev).cqlPort());
    assertEquals(
        SchemaSettings.Replication.simple(1), SchemaSettings.fromConfig(dev).replication());
    assertEquals(
        List.of("rubika", "eitaa", "bale", "soroush"),
        settings.bootstrapPlatforms().stream().map(BrokerSettings.PlatformSeed::id).toList());
  }

  @Test
  void devRunsOverMutualTlsWithTheDevelopmentCaItCreates() {
    Config dev = load("dev.conf");
    TlsSettings tls = BrokerSettings.fromConfig(dev).tls();
    PkiSettings pki = PkiSettings.fromConfig(dev);
    assertTrue(tls.enabled());
    assertTrue(pki.createForDev());
    assertEquals(pki.layout().brokerKeyStore(), tls.keyStore());
    assertEquals(pki.layout().caCertificate(), tls.trustStore());
    assertEquals(Optional.of(pki.layout().crl()), tls.crlFile());
    assertEquals(pki.password(), tls.keyStorePassword());
    // Cassandra's CQL port, when TLS is on (--client-tls), presents the Cassandra certificate.
    CassandraNodeSettings.ClientEncryption cql =
        CassandraNodeSettings.fromConfig(dev).clientEncryption();
    assertEquals(pki.layout().cassandraKeyStore(), Path.of(cql.keyStore()));
    assertEquals(pki.password(), cql.keyStorePassword());
  }

  @Test
  void brokerNodesTalkOverMutualTlsWithTheirBrokerCertificateInProductionAndTheLocalCluster() {
    for (String deployable : List.of("production.conf", "local-cluster/node-1.conf")) {
      Config config = load(deployable);
      ClusterTlsSettings cluster = ClusterTlsSettings.fromConfig(config);
      TlsSettings listeners = BrokerSettings.fromConfig(config).tls();
      assertTrue(cluster.enabled(), deployable + ": Artery over tls-tcp");
      assertEquals(listeners.keyStore(), cluster.files().keyStore(), deployable);
      assertEquals(listeners.trustStore(), cluster.files().trustStore(), deployable);
      assertEquals(listeners.crlFile(), cluster.files().crlFile(), deployable);
    }
    Config plaintext =
        ConfigFactory.parseString("pekko.remote.artery.transport = tcp")
            .withFallback(load("production.conf"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> BrokerSettings.fromConfig(plaintext))
            .getMessage()
            .contains("pekko.remote.artery.transport = tcp is refused"));
    Config incomplete =
        ConfigFactory.parseString("peyvand.tls.key-store = \"\"")
            .withFallback(load("local-cluster/node-1.conf"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class, () -> ClusterTlsSettings.fromConfig(incomplete))
            .getMessage()
            .contains("needs peyvand.cluster.tls.key-store"));
  }

  @Test
  void productionReplicatesThreeTimesAndWritesAtQuorum() {
    Config production = load("production.conf");
    assertEquals(
        BrokerSettings.Environment.PRODUCTION, BrokerSettings.fromConfig(production).environment());
    SchemaSettings.Replication replication = SchemaSettings.fromConfig(production).replication();
    assertEquals("NetworkTopologyStrategy", replication.strategy());
    assertTrue(replication.datacenters().values().stream().allMatch(rf -> rf == 3));
    assertEquals("peyvand.journal", production.getString("pekko.persistence.journal.plugin"));
    assertEquals("peyvand-journal-profile", production.getString("peyvand.journal.write-profile"));
    assertEquals(
        "QUORUM",
        production.getString(
            "datastax-java-driver.profiles.peyvand-journal-profile.basic.request.consistency"));
    assertEquals(
        "QUORUM",
        production.getString(
            "datastax-java-driver.profiles.pekko-persistence-cassandra-profile.basic.request.consistency"));
    assertFalse(production.getBoolean("peyvand.cassandra.embedded.enabled"));
    assertTrue(production.getStringList("pekko.cluster.seed-nodes").size() >= 2);
  }

  @Test
  void productionRunsOverMutualTlsWithARevocationList() {
    TlsSettings tls = BrokerSettings.fromConfig(load("production.conf")).tls();
    assertTrue(tls.enabled());
    assertTrue(tls.crlFile().isPresent());
  }

  @Test
  void productionRefusesDevelopmentConveniences() {
    Config production = load("production.conf");
    for (String path :
        List.of(
            "peyvand.cassandra.embedded.enabled",
            "pekko.persistence.cassandra.journal.tables-autocreate",
            "peyvand.cluster.self-join",
            "peyvand.pki.create-for-dev")) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  BrokerSettings.fromConfig(
                      production.withValue(path, ConfigValueFactory.fromAnyRef(true))));
      assertTrue(e.getMessage().contains(path), e.getMessage());
    }
  }

  @Test
  void productionTakesItsDirectoryKeyFromTheEnvironmentAndRefusesToStartWithout() {
    String key = java.util.Base64.getEncoder().encodeToString(new byte[32]);
    Config withKey =
        ConfigFactory.parseFile(CONF.resolve("production.conf").toFile())
            .withFallback(ConfigFactory.parseString("PEYVAND_DIRECTORY_KEY_1 = \"" + key + "\""))
            .withFallback(ConfigFactory.defaultReference())
            .resolve();
    assertEquals(1, DirectorySettings.fromConfig(withKey, true).hasher().currentKey());
    if (System.getenv("PEYVAND_DIRECTORY_KEY_1") == null) {
      IllegalArgumentException none =
          assertThrows(
              IllegalArgumentException.class,
              () -> DirectorySettings.fromConfig(load("production.conf"), true));
      assertTrue(none.getMessage().contains("PEYVAND_DIRECTORY_KEY_1"), none.getMessage());
    }
  }

  @Test
  void productionRefusesToStartWithoutTlsOrWithoutARevocationList() {
    Config production = load("production.conf");
    IllegalArgumentException plaintext =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                BrokerSettings.fromConfig(
                    production.withValue(
                        "peyvand.tls.enabled", ConfigValueFactory.fromAnyRef(false))));
    assertTrue(plaintext.getMessage().contains("peyvand.tls.enabled"), plaintext.getMessage());
    IllegalArgumentException noCrl =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                BrokerSettings.fromConfig(
                    production.withValue(
                        "peyvand.tls.crl-file", ConfigValueFactory.fromAnyRef(""))));
    assertTrue(noCrl.getMessage().contains("peyvand.tls.crl-file"), noCrl.getMessage());
  }

  @Test
  void productionTalksToCassandraOverTlsCheckingHostNamesAndRefusesToStartWithout() {
    Config production = load("production.conf");
    String factory = "datastax-java-driver.advanced.ssl-engine-factory";
    assertEquals(
        PemTrustSslEngineFactory.class.getName(), production.getString(factory + ".class"));
    assertTrue(production.getBoolean(factory + ".hostname-validation"));
    assertEquals(
        "/etc/peyvand/tls/cassandra-ca.crt", production.getString(factory + ".trust-certificates"));
    for (Config plaintext :
        List.of(
            production.withoutPath(factory),
            production.withValue(factory + ".class", ConfigValueFactory.fromAnyRef("")))) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> BrokerSettings.fromConfig(plaintext));
      assertTrue(
          e.getMessage().startsWith(factory + ".class unset (CQL in plaintext) is refused"),
          e.getMessage());
      assertTrue(
          e.getMessage().contains("Set it to " + PemTrustSslEngineFactory.class.getName()),
          e.getMessage());
    }
    // dev and the local cluster's nodes may do without (dev's own Cassandra speaks plaintext).
    Config dev = load("dev.conf");
    assertFalse(dev.hasPath(factory + ".class"));
    BrokerSettings.fromConfig(dev);
  }

  @Test
  void localClusterNodesHaveDistinctPortsAndTheSameSeeds() {
    Set<Integer> ports = new HashSet<>();
    Set<List<String>> seeds = new HashSet<>();
    for (int n = 1; n <= LOCAL_NODES; n++) {
      Config node = load("local-cluster/node-" + n + ".conf");
      BrokerSettings settings = BrokerSettings.fromConfig(node);
      ports.add(settings.grpc().port());
      ports.add(settings.http().port());
      ports.add(node.getInt("pekko.remote.artery.canonical.port"));
      seeds.add(node.getStringList("pekko.cluster.seed-nodes"));
      assertEquals(BrokerSettings.Join.SEED_NODES, settings.join());
      // The launcher reads the ports from these lines: 74K0, 74K1, 2552K.
      assertEquals(7400 + 10 * n, settings.grpc().port());
      assertEquals(7401 + 10 * n, settings.http().port());
      assertEquals(25520 + n, node.getInt("pekko.remote.artery.canonical.port"));
    }
    assertEquals(3 * LOCAL_NODES, ports.size(), ports.toString());
    assertEquals(1, seeds.size());
    // Every seed is one of the local nodes.
    for (String seed : seeds.iterator().next()) {
      int port = Integer.parseInt(seed.substring(seed.lastIndexOf(':') + 1));
      assertTrue(port > 25520 && port <= 25520 + LOCAL_NODES, seed);
    }
  }

  @Test
  void localClusterRunsOverMutualTlsWithTheDevelopmentCaLikeDev() {
    Config dev = load("dev.conf");
    for (int n = 1; n <= LOCAL_NODES; n++) {
      Config node = load("local-cluster/node-" + n + ".conf");
      TlsSettings tls = BrokerSettings.fromConfig(node).tls();
      assertTrue(tls.enabled());
      assertEquals(BrokerSettings.fromConfig(dev).tls(), tls);
      assertEquals(PkiSettings.fromConfig(dev), PkiSettings.fromConfig(node));
      assertFalse(node.getBoolean("peyvand.cassandra.embedded.enabled"));
      assertEquals(
          List.of("127.0.0.1:9042"),
          node.getStringList("datastax-java-driver.basic.contact-points"));
    }
  }

  @Test
  void theRingOverlayReplicatesThreeTimesOverThreeAddressesAtQuorum() {
    for (int n = 1; n <= LOCAL_NODES; n++) {
      Config node =
          ConfigFactory.parseFile(CONF.resolve("local-cluster/ring.conf").toFile())
              .withFallback(
                  ConfigFactory.parseFile(
                      CONF.resolve("local-cluster/node-" + n + ".conf").toFile()))
              .withFallback(ConfigFactory.defaultReference())
              .resolve();
      node.checkValid(ConfigFactory.defaultReference(), "peyvand");
      BrokerSettings settings = BrokerSettings.fromConfig(node);
      assertEquals(7400 + 10 * n, settings.grpc().port(), "the overlay keeps the node's ports");
      assertEquals(
          SchemaSettings.Replication.simple(3), SchemaSettings.fromConfig(node).replication());
      assertEquals(
          List.of("127.0.0.1:9042", "127.0.0.2:9042", "127.0.0.3:9042"),
          node.getStringList("datastax-java-driver.basic.contact-points"));
      assertEquals(
          "QUORUM",
          node.getString(
              "datastax-java-driver.profiles.peyvand-journal-profile.basic.request.consistency"));
      assertEquals("peyvand-journal-profile", node.getString("peyvand.journal.write-profile"));
      assertEquals("peyvand-journal-profile", node.getString("peyvand.journal.read-profile"));
      // The ring's nodes present the Cassandra certificate, which names them all.
      assertTrue(
          node.getBoolean("datastax-java-driver.advanced.ssl-engine-factory.hostname-validation"));
    }
  }

  @Test
  void clusterSettingsOfCommonConfExistInPekko() {
    // Pekko ignores unknown keys: a misspelt tuning would silently do nothing.
    Config reference = ConfigFactory.defaultReference();
    Config common = ConfigFactory.parseFile(CONF.resolve("common.conf").toFile()).resolve();
    for (Map.Entry<String, ?> entry : common.entrySet()) {
      assertTrue(
          reference.hasPathOrNull(entry.getKey()),
          "common.conf sets " + entry.getKey() + ", which no reference.conf defines (a typo?)");
    }
    Config production = load("production.conf");
    for (Map.Entry<String, ?> entry :
        ConfigFactory.parseFile(CONF.resolve("production.conf").toFile())
            .withFallback(reference)
            .resolve()
            .getConfig("pekko.management")
            .entrySet()) {
      assertTrue(
          reference.hasPathOrNull("pekko.management." + entry.getKey()),
          "pekko.management." + entry.getKey());
    }
    assertEquals(7626, production.getInt("pekko.management.http.port"));
  }

  @Test
  void productionMayBootstrapInsteadOfSeedNodes() {
    Config bootstrap =
        load("production.conf")
            .withValue("peyvand.cluster.join", ConfigValueFactory.fromAnyRef("bootstrap"))
            .withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(List.of()));
    assertEquals(BrokerSettings.Join.BOOTSTRAP, BrokerSettings.fromConfig(bootstrap).join());
    assertEquals(
        "peyvand",
        bootstrap.getString(
            "pekko.management.cluster.bootstrap.contact-point-discovery.service-name"));
    assertTrue(
        bootstrap.getInt(
                "pekko.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr")
            >= 2);
    assertEquals(
        BrokerSettings.Join.SEED_NODES, BrokerSettings.fromConfig(load("production.conf")).join());
  }
}
