package io.peyvand.broker.tls;

import io.peyvand.protocol.tls.KeyMaterial;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;

/**
 * The TLS 1.3 server side of both listeners: the broker's key and certificate from the key store,
 * client certificates checked by a {@link RevocationCheckingTrustManager}. The gRPC port requires a
 * client certificate at the handshake; the HTTP port only asks for one, so that health probes and
 * metrics scrapers without a certificate still reach {@code /health} and {@code /metrics}, while
 * {@code /v1/ws} refuses a connection that presented none (see SECURITY.md).
 *
 * <p>Session resumption is off: each connection gets an engine of a context of its own, whose
 * session tickets no other connection can redeem. A resumed TLS 1.3 handshake would skip the trust
 * manager, so a certificate revoked since its first handshake would still get in. Connections are
 * long-lived (HTTP/2, WebSocket), so the full handshake is paid rarely.
 */
public final class ServerTls {
  private static final String[] PROTOCOLS = {KeyMaterial.TLS_VERSION};

  private final KeyManager[] keyManagers;
  private final TrustManager[] trustManagers;
  private final RevocationList revocations;

  private ServerTls(
      KeyManager[] keyManagers, TrustManager[] trustManagers, RevocationList revocations) {
    this.keyManagers = keyManagers;
    this.trustManagers = trustManagers;
    this.revocations = revocations;
  }

  /**
   * Reads the files {@code settings} name (key store, trust store, revocation list) and builds the
   * context; IllegalArgumentException naming the file that cannot be used and why.
   */
  public static ServerTls create(TlsSettings settings, Clock clock) {
    List<X509Certificate> trustAnchors = trustAnchors(settings);
    RevocationList revocations = revocations(settings, trustAnchors, clock);
    ServerTls tls =
        new ServerTls(
            keyManagers(settings),
            new TrustManager[] {new RevocationCheckingTrustManager(trustAnchors, revocations)},
            revocations);
    try {
      tls.context(); // fails now rather than at the first connection
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a TLS 1.3 context", e);
    }
    return tls;
  }

  /** The certificates of the trust store. */
  static List<X509Certificate> trustAnchors(TlsSettings settings) {
    return KeyMaterial.trustAnchors(
        settings.trustStore(), settings.keyStorePassword().toCharArray());
  }

  /** The revocation list of the settings' crl-file, signed by one of the anchors; none without. */
  static RevocationList revocations(
      TlsSettings settings, List<X509Certificate> trustAnchors, Clock clock) {
    return settings
        .crlFile()
        .map(file -> RevocationList.load(file, trustAnchors, clock))
        .orElseGet(RevocationList::none);
  }

  /** The key managers of the key store: the node's key and certificate chain. */
  static KeyManager[] keyManagers(TlsSettings settings) {
    char[] password = settings.keyStorePassword().toCharArray();
    KeyStore keys = KeyMaterial.keyStore(settings.keyStore(), password);
    try {
      KeyManagerFactory keyManagers =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keyManagers.init(keys, password);
      return keyManagers.getKeyManagers();
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "cannot use the key store " + settings.keyStore() + ": " + e.getMessage(), e);
    }
  }

  /** The revocation list the handshakes honour; reload it with {@link RevocationList#reload}. */
  public RevocationList revocations() {
    return revocations;
  }

  /** For the gRPC port: a handshake without a valid client certificate fails. */
  public HttpsConnectionContext clientCertificateRequired() {
    return ConnectionContext.httpsServer(() -> engine(true));
  }

  /**
   * For the HTTP port: a client certificate is asked for and, if presented, must be valid; a client
   * without one still connects (health probes), and the routes decide.
   */
  public HttpsConnectionContext clientCertificateRequested() {
    return ConnectionContext.httpsServer(() -> engine(false));
  }

  /** A context of its own, with its own session cache and ticket keys. */
  private SSLContext context() throws GeneralSecurityException {
    SSLContext context = SSLContext.getInstance(KeyMaterial.TLS_VERSION);
    context.init(keyManagers, trustManagers, null);
    return context;
  }

  private SSLEngine engine(boolean required) {
    SSLEngine engine;
    try {
      engine = context().createSSLEngine();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a TLS engine", e);
    }
    engine.setUseClientMode(false);
    if (required) {
      engine.setNeedClientAuth(true);
    } else {
      engine.setWantClientAuth(true);
    }
    engine.setEnabledProtocols(PROTOCOLS);
    return engine;
  }
}
