package io.peyvand.broker.ingress;

import static io.peyvand.broker.ingress.RawSession.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.peyvand.broker.TestBroker;
import io.peyvand.broker.TestPki;
import io.peyvand.broker.ingress.ws.RawWebSocket;
import io.peyvand.broker.pki.CertificateAuthority;
import io.peyvand.broker.pki.PkiLayout;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import io.peyvand.protocol.tls.KeyMaterial;
import io.peyvand.protocol.v1.ClientFrame;
import io.peyvand.protocol.v1.Delivery;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.Hello;
import io.peyvand.protocol.v1.InterconnectClient;
import io.peyvand.protocol.v1.ServerFrame;
import io.peyvand.protocol.v1.SessionError;
import io.peyvand.protocol.v1.SubmitRequest;
import io.peyvand.protocol.v1.SubmitResult;
import java.io.EOFException;
import java.io.IOException;
import java.math.BigInteger;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Mutual TLS over real sockets: a CA and certificates issued into a temporary directory, a broker
 * with TLS on, and clients presenting their certificate, none, a self-signed one, a foreign CA's, a
 * revoked one, or another platform's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final char[] PASSWORD = "tls-it".toCharArray();

  private TestPki tls;
  private Path dir;
  private PkiLayout pki;
  private CertificateAuthority ca;
  private TestBroker node;
  private ActorSystem<Void> system;

  @BeforeAll
  void start() throws Exception {
    tls = TestPki.create("TlsIT", PASSWORD);
    dir = tls.directory();
    pki = tls.layout();
    ca = tls.ca();
    ca.issuePlatform("bale", false);
    ca.issuePlatform("eitaa", false);
    ca.issueAdmin("ops", false);
    node = TestBroker.start("TlsIT", cassandra, TestBroker.BALE_AND_EITAA, tls);
    system = node.system();
  }

  @AfterAll
  void stop() throws IOException {
    node.close();
    tls.close();
  }

  @Test
  void aPlatformWithItsCertificateSubmitsAndReceives() throws Exception {
    try (RawSession bale = RawSession.hello(system, client(platform("bale")), "bale");
        RawSession eitaa = RawSession.hello(system, client(platform("eitaa")), "eitaa")) {
      eitaa.submit(1, text("tls-1", "eitaa:alice", "bale:bob", "salam over mTLS"));
      SubmitResult result = eitaa.expect(ServerFrame::hasSubmitResult, WAIT).getSubmitResult();
      assertTrue(result.hasAccepted(), result.toString());
      Delivery delivery = bale.expect(ServerFrame::hasDelivery, WAIT).getDelivery();
      assertEquals("salam over mTLS", delivery.getMessage().getText().getBody());
      bale.ack(delivery.getMailbox(), delivery.getSequence());
    }
    InterconnectClient eitaa = client(platform("eitaa"));
    try {
      SubmitResult unary =
          eitaa
              .submit(
                  SubmitRequest.newBuilder()
                      .setPlatformId("eitaa")
                      .setEnvelope(text("tls-2", "eitaa:alice", "bale:bob", "unary"))
                      .build())
              .toCompletableFuture()
              .get(20, TimeUnit.SECONDS);
      assertTrue(unary.hasAccepted(), unary.toString());
    } finally {
      eitaa.close();
    }
  }

  @Test
  void aHandshakeWithoutAClientCertificateIsRefused() throws Exception {
    assertRefused(handshake(trustOnly(), node.grpcPort()));
  }

  @Test
  void aSelfSignedCertificateIsRefusedAtTheHandshake() throws Exception {
    // A CA's certificate is self-signed: presented by a client, nothing it is trusted by.
    PkiLayout other = new PkiLayout(dir.resolve("self-signed"));
    CertificateAuthority.init(other, PASSWORD, "bale", Clock.systemUTC());
    assertRefused(handshake(presenting(other.caKeyStore()), node.grpcPort()));
  }

  @Test
  void aForeignCasCertificateNamingThePlatformIsRefusedAtTheHandshake() throws Exception {
    PkiLayout other = new PkiLayout(dir.resolve("foreign"));
    CertificateAuthority.init(other, PASSWORD, "Foreign CA", Clock.systemUTC())
        .issuePlatform("bale", false);
    assertRefused(handshake(presenting(other.platformKeyStore("bale")), node.grpcPort()));
  }

  @Test
  void aCertificateActsForItsOwnPlatformOnly() throws Exception {
    try (RawSession session = RawSession.open(system, client(platform("bale")))) {
      session.send(hello("eitaa"));
      SessionError error = session.expect(ServerFrame::hasError, WAIT).getError();
      assertEquals(ErrorCode.NOT_PERMITTED, error.getError().getCode());
      assertTrue(error.getClosing());
      assertTrue(
          error.getError().getMessage().contains("peyvand:platform:bale"),
          error.getError().getMessage());
    }
    InterconnectClient bale = client(platform("bale"));
    try {
      ExecutionException e =
          assertThrows(
              ExecutionException.class,
              () ->
                  bale.submit(
                          SubmitRequest.newBuilder()
                              .setPlatformId("eitaa")
                              .setEnvelope(text("spoof-1", "eitaa:alice", "bale:bob", "spoof"))
                              .build())
                      .toCompletableFuture()
                      .get(20, TimeUnit.SECONDS));
      Status status = ((StatusRuntimeException) e.getCause()).getStatus();
      assertEquals(Status.Code.PERMISSION_DENIED, status.getCode());
      assertTrue(status.getDescription().startsWith("NOT_PERMITTED: "), status.getDescription());
    } finally {
      bale.close();
    }
  }

  @Test
  void anAdministratorCertificateActsForNoPlatform() throws Exception {
    try (RawSession session =
        RawSession.open(system, client(presenting(pki.adminKeyStore("ops"))))) {
      session.send(hello("bale"));
      SessionError error = session.expect(ServerFrame::hasError, WAIT).getError();
      assertEquals(ErrorCode.NOT_PERMITTED, error.getError().getCode());
      assertTrue(error.getClosing());
    }
  }

  @Test
  void aRevokedCertificatesLiveSessionIsClosedAndItsHandshakesRefused() throws Exception {
    // A second certificate of bale, revoked while its session is open; the first stays valid.
    Path spare = dir.resolve("bale-spare.p12");
    Files.copy(pki.platformKeyStore("bale"), spare);
    BigInteger revoked = ca.issuePlatform("bale", true).serial();
    SSLContext doomed = platform("bale");
    Files.move(
        spare, pki.platformKeyStore("bale"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertEquals(null, handshake(doomed, node.grpcPort()), "valid before the revocation");

    try (RawSession session = RawSession.hello(system, client(doomed), "bale")) {
      ca.revoke(revoked);
      SessionError error = session.expect(ServerFrame::hasError, WAIT).getError();
      assertEquals(ErrorCode.NOT_PERMITTED, error.getError().getCode());
      assertTrue(error.getClosing());
      assertTrue(error.getError().getMessage().contains("revoked"), error.getError().getMessage());
    }
    assertRefused(handshake(doomed, node.grpcPort()));
    assertRefused(handshake(doomed, node.httpPort()));
    try (RawSession stillValid = RawSession.hello(system, client(platform("bale")), "bale")) {
      assertNotNull(stillValid);
    }
  }

  @Test
  void healthNeedsNoCertificateWhileTheWebSocketNeedsThePlatformsOwn() throws Exception {
    HttpClient probe = HttpClient.newBuilder().sslContext(trustOnly()).build();
    HttpResponse<String> alive =
        probe.send(
            HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + node.httpPort() + "/health/alive"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, alive.statusCode());

    URI ws = URI.create("wss://127.0.0.1:" + node.httpPort() + "/v1/ws");
    CompletionException refused =
        assertThrows(CompletionException.class, () -> RawWebSocket.open(probe, ws));
    assertEquals(
        403, ((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode());

    HttpClient bale = HttpClient.newBuilder().sslContext(platform("bale")).build();
    try (RawWebSocket session = RawWebSocket.open(bale, ws)) {
      session.send(hello("bale"));
      session.expect(ServerFrame::hasWelcome, WAIT);
    }
    try (RawWebSocket session = RawWebSocket.open(bale, ws)) {
      session.send(hello("eitaa"));
      SessionError error = session.expect(ServerFrame::hasError, WAIT).getError();
      assertEquals(ErrorCode.NOT_PERMITTED, error.getError().getCode());
    }
  }

  private static ClientFrame hello(String platform) {
    return ClientFrame.newBuilder()
        .setHello(
            Hello.newBuilder()
                .setProtocolVersion(1)
                .setPlatformId(platform)
                .setSessionName("tls-it"))
        .build();
  }

  private InterconnectClient client(SSLContext context) {
    return InterconnectClient.create(TestPki.grpc(system, node.grpcPort(), context), system);
  }

  /** The context of a platform's key store, as the SDK builds it. */
  private SSLContext platform(String platform) {
    return tls.context(pki.platformKeyStore(platform));
  }

  /** Trusts the broker, presents no certificate. */
  private SSLContext trustOnly() {
    return tls.trustOnly();
  }

  /**
   * Presents the key store's certificate whatever the server asks for (the JDK's own key manager
   * would stay silent when the server names CAs that did not issue it).
   */
  private SSLContext presenting(Path keyStore) throws Exception {
    KeyStore store = KeyMaterial.keyStore(keyStore, PASSWORD);
    String alias = store.aliases().nextElement();
    PrivateKey key = (PrivateKey) store.getKey(alias, PASSWORD);
    X509Certificate[] chain =
        Stream.of(store.getCertificateChain(alias))
            .map(X509Certificate.class::cast)
            .toArray(X509Certificate[]::new);
    X509ExtendedKeyManager always =
        new X509ExtendedKeyManager() {
          @Override
          public String chooseEngineClientAlias(
              String[] keyType, Principal[] issuers, SSLEngine engine) {
            return alias;
          }

          @Override
          public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return alias;
          }

          @Override
          public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {alias};
          }

          @Override
          public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
          }

          @Override
          public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
          }

          @Override
          public X509Certificate[] getCertificateChain(String name) {
            return chain;
          }

          @Override
          public PrivateKey getPrivateKey(String name) {
            return key;
          }
        };
    TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
    trust.init(KeyMaterial.trustStore(KeyMaterial.trustAnchors(pki.caCertificate(), PASSWORD)));
    SSLContext context = SSLContext.getInstance("TLSv1.3");
    context.init(new javax.net.ssl.KeyManager[] {always}, trust.getTrustManagers(), null);
    return context;
  }

  /**
   * The broker refused the connection after the client's side of the handshake: its TLS alert (an
   * SSLException), or, when the alert and the close crossed the client's first write, a reset
   * connection.
   */
  private static void assertRefused(Throwable failure) {
    assertNotNull(failure, "the broker accepted the connection");
    assertTrue(
        failure instanceof SSLException || failure instanceof SocketException, failure.toString());
  }

  /**
   * Opens a TLS connection, sends the HTTP/2 preface and reads: null when the broker accepted the
   * connection (it answers its SETTINGS), else what failed. With TLS 1.3 the client's side of the
   * handshake ends before the server has checked the client's certificate, so a refusal shows as
   * the alert read after it.
   */
  private static Throwable handshake(SSLContext context, int port) {
    try (SSLSocket socket =
        (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setApplicationProtocols(new String[] {"h2"});
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      socket
          .getOutputStream()
          .write(
              "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\4\0\0\0\0\0"
                  .getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      return socket.getInputStream().read() >= 0
          ? null
          : new EOFException("the broker closed the connection without an alert");
    } catch (IOException e) {
      return e;
    }
  }
}
