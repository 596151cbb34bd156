package io.peyvand.broker.ingress;

import static io.peyvand.broker.ingress.RawSession.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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
import java.net.SocketTimeoutException;
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
          TestBroker.submit(eitaa, "eitaa", text("tls-2", "eitaa:alice", "bale:bob", "unary"));
      assertTrue(unary.hasAccepted(), unary.toString());
    } finally {
      eitaa.close();
    }
  }

  @Test
  void aHandshakeWithoutAClientCertificateIsRefused() throws Exception {
    assertRefused(handshake(trustOnly(), node.grpcPort()), "bad_certificate");
  }

  @Test
  void aSelfSignedCertificateIsRefusedAtTheHandshake() throws Exception {
    // A CA's certificate is self-signed: presented by a client, nothing it is trusted by.
    PkiLayout other = new PkiLayout(dir.resolve("self-signed"));
    CertificateAuthority.init(other, PASSWORD, "bale", Clock.systemUTC());
    long revokedBefore = revokedHandshakesRefused();
    assertRefused(
        handshake(presenting(other.caKeyStore()), node.grpcPort()), "certificate_unknown");
    assertEquals(revokedBefore, revokedHandshakesRefused(), "refused as untrusted, not revoked");
  }

  @Test
  void aForeignCasCertificateNamingThePlatformIsRefusedAtTheHandshake() throws Exception {
    PkiLayout other = new PkiLayout(dir.resolve("foreign"));
    CertificateAuthority.init(other, PASSWORD, "Foreign CA", Clock.systemUTC())
        .issuePlatform("bale", false);
    long revokedBefore = revokedHandshakesRefused();
    assertRefused(
        handshake(presenting(other.platformKeyStore("bale")), node.grpcPort()),
        "certificate_unknown");
    assertEquals(revokedBefore, revokedHandshakesRefused(), "refused as untrusted, not revoked");
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
    long refusedBefore = revokedHandshakesRefused();
    assertRefused(handshake(doomed, node.grpcPort()), "certificate_unknown");
    long refusedAfterGrpc = revokedHandshakesRefused();
    assertTrue(refusedAfterGrpc > refusedBefore, "refused on the gRPC port as revoked");
    assertRefused(handshake(doomed, node.httpPort()), "certificate_unknown");
    assertTrue(
        revokedHandshakesRefused() > refusedAfterGrpc, "refused on the HTTPS port as revoked");
    try (RawSession stillValid = RawSession.hello(system, client(platform("bale")), "bale")) {
      SubmitResult result =
          stillValid.submitAndAwait(
              text("tls-still-valid", "bale:bob", "eitaa:alice", "still valid"), WAIT);
      assertTrue(result.hasAccepted(), "bale's other certificate still acts: " + result);
    }
    assertEquals(
        null,
        handshake(platform("bale"), node.grpcPort()),
        "the valid certificate's handshakes go on");
  }

  @Test
  void aTls12ClientIsRefusedOnBothPortsForItsProtocolVersion() throws Exception {
    for (int port : new int[] {node.grpcPort(), node.httpPort()}) {
      assertEquals(
          null,
          handshake(platform("bale"), port, "TLSv1.3"),
          "the same certificate over TLS 1.3 gets in on port " + port);
      assertRefused(handshake(platform("bale"), port, "TLSv1.2"), "protocol_version");
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
   * The broker refused the connection at the handshake with the TLS alert {@code alert} (as the JDK
   * names it): the client read that alert, not some other failure. The JDK 17 server sends
   * bad_certificate when a required certificate is missing, and certificate_unknown when the trust
   * manager refuses one (untrusted or revoked alike: the revocation counter tells which).
   */
  private static void assertRefused(Throwable failure, String alert) {
    assertNotNull(failure, "the broker accepted the connection");
    assertInstanceOf(SSLException.class, failure, failure.toString());
    assertEquals(
        "Received fatal alert: " + alert,
        failure.getMessage(),
        "the broker's alert, not another failure");
  }

  /** The broker's count of handshakes refused for a revoked certificate (its /metrics). */
  private long revokedHandshakesRefused() throws Exception {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(
                "(?m)^peyvand_revoked_handshakes_refused_total(?:\\{[^}]*\\})? (\\S+)$")
            .matcher(tls.metrics(node));
    assertTrue(m.find(), "peyvand_revoked_handshakes_refused_total in /metrics");
    return (long) Double.parseDouble(m.group(1));
  }

  /**
   * Opens a TLS connection (with the client's {@code protocols}, or its defaults when none) and
   * reads what the broker says after the handshake: null when it accepted the connection, else what
   * failed. A try that failed with a socket error (the broker's alert and close crossed the
   * client's last handshake writes, so the client saw a reset or a broken pipe instead of the
   * alert) is made again, up to five tries: a refusal must show its alert.
   */
  private static Throwable handshake(SSLContext context, int port, String... protocols) {
    Throwable failure = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      failure = connect(context, port, protocols);
      if (!(failure instanceof SocketException)) {
        return failure;
      }
    }
    return failure;
  }

  /**
   * One try of {@link #handshake}. With TLS 1.3 the client's side of the handshake ends before the
   * broker has checked the client's certificate, so a refusal is the alert read after it; the
   * client writes nothing until then (a write could cross the broker's close and fail with a reset
   * instead of the alert). The broker says nothing first when it accepts: after a few quiet seconds
   * the client sends the HTTP/2 preface, and any answer means accepted.
   */
  private static Throwable connect(SSLContext context, int port, String... protocols) {
    try (SSLSocket socket =
        (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setApplicationProtocols(new String[] {"h2"});
      if (protocols.length > 0) {
        parameters.setProtocols(protocols);
      }
      socket.setSSLParameters(parameters);
      socket.setSoTimeout(6_000);
      socket.startHandshake();
      try {
        int first = socket.getInputStream().read();
        return first >= 0 ? null : new EOFException("the broker closed without an alert");
      } catch (SocketTimeoutException quiet) {
        // accepted, and waiting for the client to speak first
      }
      socket.setSoTimeout(20_000);
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
