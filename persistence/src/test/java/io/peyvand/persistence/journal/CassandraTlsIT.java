package io.peyvand.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.ProgrammaticDriverConfigLoaderBuilder;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.peyvand.persistence.cassandra.CassandraNode;
import io.peyvand.persistence.cassandra.CassandraNodeSettings;
import io.peyvand.persistence.cassandra.CqlSessions;
import io.peyvand.persistence.cassandra.PemTrustSslEngineFactory;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import io.peyvand.persistence.testkit.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The driver to Cassandra over TLS: a Cassandra node of its own (512M heap) whose CQL port requires
 * TLS with a certificate of a test CA (made with keytool), the driver trusting that CA's PEM
 * through {@link PemTrustSslEngineFactory} with hostname validation on. The journal writes and
 * replays over it; a plaintext driver and a driver trusting another CA are refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CassandraTlsIT {
  private static final String PASSWORD = "tls-it-secret";
  private static final String KEYSPACE = "t_cassandratlsit";

  private Path dir;
  private Path caPem;
  private Path otherCaPem;
  private CassandraNode node;

  @BeforeAll
  void start() throws Exception {
    dir =
        Path.of("target", "test-cassandra-tls", Long.toString(ProcessHandle.current().pid()))
            .toAbsolutePath();
    Path pki = Files.createDirectories(dir.resolve("pki"));
    caPem = pki.resolve("ca.crt");
    otherCaPem = pki.resolve("other-ca.crt");
    Path nodeStore = pki.resolve("cassandra.p12");
    selfSignedCa(pki, "ca");
    selfSignedCa(pki, "other-ca");
    String store = " -storetype PKCS12 -storepass " + PASSWORD;
    keytool(
        pki,
        "-genkeypair -alias cassandra -keyalg EC -groupname secp256r1 -dname CN=cassandra"
            + " -validity 2 -keystore cassandra.p12"
            + store);
    keytool(pki, "-certreq -alias cassandra -keystore cassandra.p12 -file cassandra.csr" + store);
    // Names 127.0.0.1, where the driver dials it (hostname validation on).
    keytool(
        pki,
        "-gencert -alias ca -keystore ca.p12 -infile cassandra.csr -outfile cassandra.crt"
            + " -rfc -validity 2 -ext san=ip:127.0.0.1,dns:localhost -ext eku=serverAuth"
            + store);
    keytool(pki, "-importcert -noprompt -alias ca -keystore cassandra.p12 -file ca.crt" + store);
    keytool(
        pki, "-importcert -alias cassandra -keystore cassandra.p12 -file cassandra.crt" + store);
    // Only the key entry (with its chain) stays.
    keytool(pki, "-delete -alias ca -keystore cassandra.p12" + store);

    int[] ports = Ports.free(3);
    node =
        CassandraNode.start(
            new CassandraNodeSettings(
                dir.resolve("node"),
                "127.0.0.1",
                ports[0],
                ports[1],
                ports[2],
                "512M",
                "peyvand-tls-it",
                "periodic",
                Duration.ofSeconds(180),
                Duration.ofSeconds(30),
                "",
                new CassandraNodeSettings.ClientEncryption(
                    true, nodeStore.toString(), PASSWORD, false)));
  }

  @AfterAll
  void stop() {
    if (node != null) {
      node.close();
    }
  }

  private String host() {
    return node.settings().address();
  }

  private int port() {
    return node.settings().cqlPort();
  }

  @Test
  void theDriverTalksCqlOverTlsAndTheJournalWritesAndReplaysOverIt() {
    try (CqlSession session = CqlSessions.openTls(host(), port(), caPem)) {
      String version =
          session.execute("SELECT release_version FROM system.local").one().getString(0);
      assertTrue(version.startsWith("5.0."), version);
      CassandraKeyspace.recreate(session, KEYSPACE);
    }
    Config config =
        ConfigFactory.parseString(
                String.format(
                    Locale.ROOT,
                    """
            datastax-java-driver.advanced.ssl-engine-factory {
              class = %s
              trust-certificates = "%s"
              hostname-validation = true
            }
            datastax-java-driver.advanced.reconnect-on-init = false
            pekko.loglevel = WARNING
            """,
                    PemTrustSslEngineFactory.class.getName(),
                    caPem))
            .withFallback(CassandraKeyspace.config(KEYSPACE, node.settings().cqlContactPoint()))
            .withFallback(ConfigFactory.load())
            .resolve();
    ActorSystem system = ActorSystem.create("tls-it", config);
    try {
      JournalClient journal = new JournalClient(system, "peyvand.journal");
      journal.writeEach("over-tls", 5);
      JournalClient.Replayed all = journal.replayAll("over-tls");
      assertEquals(List.of(1L, 2L, 3L, 4L, 5L), all.sequenceNrs());
      assertEquals("e-5", all.payloads().get(4));
    } finally {
      TestKit.shutdownActorSystem(system);
    }
  }

  @Test
  void aPlaintextDriverIsRefused() {
    DriverConfigLoader plain = failFast().build();
    assertThrows(
        AllNodesFailedException.class,
        () -> CqlSession.builder().withConfigLoader(plain).build().close());
  }

  @Test
  void aDriverTrustingAnotherCaIsRefused() {
    DriverConfigLoader other =
        failFast()
            .withClass(DefaultDriverOption.SSL_ENGINE_FACTORY_CLASS, PemTrustSslEngineFactory.class)
            .withString(
                () -> "advanced.ssl-engine-factory.trust-certificates", otherCaPem.toString())
            .build();
    AllNodesFailedException e =
        assertThrows(
            AllNodesFailedException.class,
            () -> CqlSession.builder().withConfigLoader(other).build().close());
    assertTrue(
        String.valueOf(e.getAllErrors()).toLowerCase(Locale.ROOT).contains("certification path"),
        String.valueOf(e.getAllErrors()));
  }

  /** The node's contact point, no retry at start-up: a refused handshake fails the build. */
  private ProgrammaticDriverConfigLoaderBuilder failFast() {
    return DriverConfigLoader.programmaticBuilder()
        .withBoolean(DefaultDriverOption.RECONNECT_ON_INIT, false)
        .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(5))
        .withStringList(
            DefaultDriverOption.CONTACT_POINTS, List.of(node.settings().cqlContactPoint()))
        .withString(
            DefaultDriverOption.LOAD_BALANCING_LOCAL_DATACENTER, CqlSessions.LOCAL_DATACENTER);
  }

  /** NAME.p12 holding a CA's key, NAME.crt its certificate (PEM). */
  private static void selfSignedCa(Path pki, String name) throws Exception {
    String store = " -storetype PKCS12 -storepass " + PASSWORD + " -keystore " + name + ".p12";
    keytool(
        pki,
        "-genkeypair -alias "
            + name
            + " -keyalg EC -groupname secp256r1 -dname CN=tls-it-"
            + name
            + " -ext bc:c -validity 2"
            + store);
    keytool(pki, "-exportcert -rfc -alias " + name + " -file " + name + ".crt" + store);
  }

  /** Runs the JDK's keytool with {@code args} (split at spaces) in {@code dir}. */
  private static void keytool(Path dir, String args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args.split(" ")));
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IllegalStateException("keytool " + args + " failed: " + out);
    }
  }
}
