package io.peyvand.broker.tls;

import io.peyvand.protocol.tls.KeyMaterial;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.remote.artery.tcp.SSLEngineProvider;
import scala.Option;

/**
 * Artery's TLS between broker nodes ({@code pekko.remote.artery.transport = tls-tcp}, this class as
 * {@code pekko.remote.artery.ssl.ssl-engine-provider}; Pekko constructs it with the ActorSystem
 * when Artery starts). TLS 1.3 only, mutual: each node presents its broker certificate (the key
 * store of {@link ClusterTlsSettings}, by default the listeners' broker.p12) and admits a peer in
 * either direction only with a broker certificate of the trust store's CA that is not revoked
 * ({@link ClusterPeerTrustManager}). The revocation list is read again every crl-reload-interval; a
 * connection refused once is retried by Artery and refused again.
 *
 * <p>As on the listeners ({@link ServerTls}), every engine gets a context of its own, so that no
 * TLS session is resumed past the trust manager.
 */
public final class ClusterTlsEngineProvider implements SSLEngineProvider {
  private static final String[] PROTOCOLS = {KeyMaterial.TLS_VERSION};

  private final KeyManager[] keyManagers;
  private final TrustManager[] trustManagers;
  private final RevocationList revocations;
  private final Duration crlReloadInterval;

  /** Pekko's constructor: the settings from the system's configuration, the CRL reloaded. */
  public ClusterTlsEngineProvider(ActorSystem system) {
    this(ClusterTlsSettings.fromConfig(system.settings().config()), Clock.systemUTC());
    system
        .scheduler()
        .scheduleWithFixedDelay(
            crlReloadInterval,
            crlReloadInterval,
            revocations::reload,
            system.dispatchers().lookup("pekko.actor.default-blocking-io-dispatcher"));
  }

  /**
   * Reads the files (key store, trust store, revocation list); IllegalArgumentException naming the
   * file that cannot be used and why.
   */
  ClusterTlsEngineProvider(ClusterTlsSettings settings, Clock clock) {
    TlsSettings files = settings.files();
    List<X509Certificate> trustAnchors = ServerTls.trustAnchors(files);
    this.revocations = ServerTls.revocations(files, trustAnchors, clock);
    this.crlReloadInterval = files.crlReloadInterval();
    this.keyManagers = presentedToAnyServer(ServerTls.keyManagers(files));
    this.trustManagers =
        new TrustManager[] {
          new ClusterPeerTrustManager(trustAnchors, revocations, settings.peerUnit())
        };
    context(); // fails now rather than at the first connection
  }

  /**
   * The JDK's key manager sends no certificate to a server whose certificate request names other
   * CAs, and the server then refuses an empty chain without a word about whose certificate it was.
   * Presenting the broker certificate whatever the request names lets the node being connected to
   * check it and log whose it is ({@link ClusterPeerTrustManager}): a node of another CA, or of the
   * old CA during a rotation, shows up in the members' logs.
   */
  private static KeyManager[] presentedToAnyServer(KeyManager[] managers) {
    KeyManager[] presented = managers.clone();
    for (int i = 0; i < presented.length; i++) {
      if (presented[i] instanceof X509ExtendedKeyManager keys) {
        presented[i] = new AnyIssuerClientKeys(keys);
      }
    }
    return presented;
  }

  /** Chooses the client's key as if the server named no CA; everything else as the JDK's. */
  private static final class AnyIssuerClientKeys extends X509ExtendedKeyManager {
    private final X509ExtendedKeyManager keys;

    AnyIssuerClientKeys(X509ExtendedKeyManager keys) {
      this.keys = keys;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      return keys.chooseEngineClientAlias(keyType, null, engine);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      return keys.chooseEngineServerAlias(keyType, issuers, engine);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return keys.getClientAliases(keyType, null);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return keys.chooseClientAlias(keyType, null, socket);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return keys.getServerAliases(keyType, issuers);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return keys.chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return keys.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return keys.getPrivateKey(alias);
    }
  }

  private SSLContext context() {
    try {
      SSLContext context = SSLContext.getInstance(KeyMaterial.TLS_VERSION);
      context.init(keyManagers, trustManagers, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a TLS 1.3 context", e);
    }
  }

  @Override
  public SSLEngine createServerSSLEngine(String hostname, int port) {
    SSLEngine engine = context().createSSLEngine(hostname, port);
    engine.setUseClientMode(false);
    engine.setNeedClientAuth(true);
    engine.setEnabledProtocols(PROTOCOLS);
    return engine;
  }

  @Override
  public SSLEngine createClientSSLEngine(String hostname, int port) {
    SSLEngine engine = context().createSSLEngine(hostname, port);
    engine.setUseClientMode(true);
    engine.setEnabledProtocols(PROTOCOLS);
    return engine;
  }

  // The trust manager decided at the handshake; nothing is left to verify of the session.

  @Override
  public Option<Throwable> verifyClientSession(String hostname, SSLSession session) {
    return Option.empty();
  }

  @Override
  public Option<Throwable> verifyServerSession(String hostname, SSLSession session) {
    return Option.empty();
  }
}
