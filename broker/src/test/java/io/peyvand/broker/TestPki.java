package io.peyvand.broker;

import io.peyvand.broker.pki.CertificateAuthority;
import io.peyvand.broker.pki.Certificates;
import io.peyvand.broker.pki.PkiLayout;
import io.peyvand.protocol.tls.KeyMaterial;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.grpc.GrpcClientSettings;

/**
 * A development CA in a temporary directory for the integration tests: the CA, the broker's
 * certificate for 127.0.0.1, the certificates the test asks for, the HOCON that turns the broker's
 * TLS on with them, and client TLS contexts. {@link #shared} is the one every {@link TestBroker}
 * uses unless a test brings its own (a test that revokes certificates must: a revocation would
 * reach the other test classes of the JVM). {@link #close} deletes the directory.
 */
public final class TestPki implements AutoCloseable {
  private static TestPki shared;

  private final Map<String, SSLContext> platforms = new ConcurrentHashMap<>();
  private final Path directory;
  private final PkiLayout layout;
  private final CertificateAuthority ca;
  private final char[] password;

  private TestPki(Path directory, PkiLayout layout, CertificateAuthority ca, char[] password) {
    this.directory = directory;
    this.layout = layout;
    this.ca = ca;
    this.password = password;
  }

  /** A CA named after the test, with the broker's certificate. */
  public static TestPki create(String name, char[] password) throws IOException {
    Path directory = Files.createTempDirectory("peyvand-" + name);
    PkiLayout layout = new PkiLayout(directory.resolve("pki"));
    CertificateAuthority ca =
        CertificateAuthority.init(layout, password, name + " CA", Clock.systemUTC());
    ca.issueBroker(new Certificates.Server(List.of("localhost"), List.of("127.0.0.1")), false);
    return new TestPki(directory, layout, ca, password);
  }

  /**
   * The JVM's test CA, created on first use and deleted when the JVM exits: the broker's
   * certificate, and a platform's certificate issued the first time {@link #platform} names it.
   */
  public static synchronized TestPki shared() {
    if (shared == null) {
      try {
        shared = create("shared", "peyvand-test".toCharArray());
      } catch (IOException e) {
        throw new UncheckedIOException("could not create the tests' CA", e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "test-pki-cleanup"));
    }
    return shared;
  }

  /**
   * A client context presenting the platform's certificate ({@code peyvand:platform:<id>}), issued
   * by this CA the first time a test asks for it.
   */
  public SSLContext platform(String platformId) {
    return platforms.computeIfAbsent(
        platformId,
        id -> {
          synchronized (this) {
            if (!Files.exists(layout.platformKeyStore(id))) {
              ca.issuePlatform(id, false);
            }
          }
          return context(layout.platformKeyStore(id));
        });
  }

  /** The password of every key store this CA wrote. */
  public char[] password() {
    return password.clone();
  }

  public CertificateAuthority ca() {
    return ca;
  }

  public PkiLayout layout() {
    return layout;
  }

  /** The temporary directory, for the test's own files. */
  public Path directory() {
    return directory;
  }

  /** The broker's TLS settings with this CA, its CRL reloaded every {@code crlReloadInterval}. */
  public String brokerTlsConfig(String crlReloadInterval) {
    return """
        peyvand.tls {
          enabled = on
          key-store = "%s"
          key-store-password = "%s"
          trust-store = "%s"
          crl-file = "%s"
          crl-reload-interval = %s
        }
        """
        .formatted(
            layout.brokerKeyStore(),
            new String(password),
            layout.caCertificate(),
            layout.crl(),
            crlReloadInterval);
  }

  /** A client context presenting the key store's certificate, as the SDK builds it. */
  public SSLContext context(Path keyStore) {
    return KeyMaterial.clientContext(keyStore, password, layout.caCertificate());
  }

  /** A gRPC client's settings for the broker's port {@code port}, over TLS with {@code context}. */
  public static GrpcClientSettings grpc(ActorSystem<?> system, int port, SSLContext context) {
    return GrpcClientSettings.connectToServiceAt("127.0.0.1", port, system)
        .withTls(true)
        .withSslContext(context);
  }

  /** The node's {@code /metrics} (Prometheus text), over HTTPS without a client certificate. */
  public String metrics(TestBroker node) throws IOException, InterruptedException {
    return HttpClient.newBuilder()
        .sslContext(trustOnly())
        .build()
        .send(
            HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + node.httpPort() + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** A client context trusting the broker and presenting no certificate. */
  public SSLContext trustOnly() {
    try {
      TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
      trust.init(
          KeyMaterial.trustStore(KeyMaterial.trustAnchors(layout.caCertificate(), password)));
      SSLContext context = SSLContext.getInstance("TLSv1.3");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
