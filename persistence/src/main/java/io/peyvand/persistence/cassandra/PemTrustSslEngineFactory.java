package io.peyvand.persistence.cassandra;

import com.datastax.oss.driver.api.core.config.DriverExecutionProfile;
import com.datastax.oss.driver.api.core.context.DriverContext;
import com.datastax.oss.driver.api.core.metadata.EndPoint;
import com.datastax.oss.driver.api.core.ssl.SslEngineFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * The driver's TLS to Cassandra, trusting the CA certificates of a PEM file (the project's {@code
 * ca.crt}) rather than a Java trust store. Configured under {@code
 * datastax-java-driver.advanced.ssl-engine-factory}:
 *
 * <pre>
 * class = io.peyvand.persistence.cassandra.PemTrustSslEngineFactory
 * trust-certificates = "data/pki/ca.crt"   # PEM, one or more CA certificates
 * hostname-validation = true               # the node's certificate must name the address dialled
 * </pre>
 *
 * <p>TLS 1.3 or 1.2 only. With hostname validation on, the node's certificate must carry the
 * address the driver dials (an IP SAN such as 127.0.0.1) as HTTPS clients check it.
 */
public final class PemTrustSslEngineFactory implements SslEngineFactory {
  static final String TRUST = "advanced.ssl-engine-factory.trust-certificates";
  static final String HOSTNAME = "advanced.ssl-engine-factory.hostname-validation";

  private final SSLContext context;
  private final boolean hostnameValidation;

  /** Called by the driver. */
  public PemTrustSslEngineFactory(DriverContext driverContext) {
    DriverExecutionProfile profile = driverContext.getConfig().getDefaultProfile();
    if (!profile.isDefined(() -> TRUST)) {
      throw new IllegalStateException(
          "datastax-java-driver." + TRUST + " is required by " + getClass().getSimpleName());
    }
    this.hostnameValidation =
        !profile.isDefined(() -> HOSTNAME) || profile.getBoolean(() -> HOSTNAME);
    this.context = context(Path.of(profile.getString(() -> TRUST)));
  }

  /** An SSL context trusting exactly the certificates of {@code pem}. */
  static SSLContext context(Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      Collection<? extends Certificate> certificates =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certificates.isEmpty()) {
        throw new IllegalStateException("no certificate in " + pem);
      }
      return trusting(certificates);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the Cassandra trust certificates " + pem, e);
    }
  }

  /**
   * An SSL context trusting the certificates of the key entries of a PKCS#12 key store (the
   * certificate a node presents and its chain): how {@link CassandraNode} checks that the node it
   * started answers on a TLS-only CQL port.
   */
  static SSLContext trustingKeyStore(Path keyStore, String password) {
    try (InputStream in = Files.newInputStream(keyStore)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, password.toCharArray());
      List<Certificate> certificates = new ArrayList<>();
      for (String alias : Collections.list(store.aliases())) {
        Certificate[] chain = store.getCertificateChain(alias);
        if (chain != null) {
          certificates.addAll(List.of(chain));
        }
      }
      if (certificates.isEmpty()) {
        throw new IllegalStateException("no key entry in " + keyStore);
      }
      return trusting(certificates);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the key store " + keyStore, e);
    }
  }

  private static SSLContext trusting(Collection<? extends Certificate> certificates)
      throws IOException, GeneralSecurityException {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    int i = 0;
    for (Certificate certificate : certificates) {
      trust.setCertificateEntry("trusted-" + i++, certificate);
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  @Override
  public SSLEngine newSslEngine(EndPoint remoteEndpoint) {
    SocketAddress remote = remoteEndpoint.resolve();
    SSLEngine engine;
    if (remote instanceof InetSocketAddress) {
      InetSocketAddress socket = (InetSocketAddress) remote;
      String host =
          socket.getAddress() == null
              ? socket.getHostString()
              : socket.getAddress().getHostAddress();
      engine = context.createSSLEngine(host, socket.getPort());
    } else {
      engine = context.createSSLEngine();
    }
    engine.setUseClientMode(true);
    SSLParameters parameters = engine.getSSLParameters();
    parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
    if (hostnameValidation) {
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
    }
    engine.setSSLParameters(parameters);
    return engine;
  }

  @Override
  public void close() {}
}
