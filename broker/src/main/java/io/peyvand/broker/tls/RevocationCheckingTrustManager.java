package io.peyvand.broker.tls;

import io.peyvand.protocol.tls.KeyMaterial;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Checks a client's certificate chain at the handshake: the JDK's PKIX checks against the trusted
 * CAs (signature, validity dates, key usage for TLS clients), then the current {@link
 * RevocationList}, which the JDK's own revocation checking would only read once. A refusal fails
 * the handshake: the client learns nothing more than a TLS alert.
 */
public final class RevocationCheckingTrustManager extends X509ExtendedTrustManager {
  private final X509ExtendedTrustManager pkix;
  private final RevocationList revocations;

  public RevocationCheckingTrustManager(
      List<X509Certificate> trustAnchors, RevocationList revocations) {
    this.pkix = pkix(trustAnchors);
    this.revocations = revocations;
  }

  private static X509ExtendedTrustManager pkix(List<X509Certificate> anchors) {
    try {
      TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
      factory.init(KeyMaterial.trustStore(anchors));
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509ExtendedTrustManager extended) {
          return extended;
        }
      }
      throw new IllegalStateException(
          "the JDK offers no X509ExtendedTrustManager: "
              + Arrays.toString(factory.getTrustManagers()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build the PKIX trust manager", e);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    pkix.checkClientTrusted(chain, authType, engine);
    refuseRevoked(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    pkix.checkClientTrusted(chain, authType, socket);
    refuseRevoked(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    pkix.checkClientTrusted(chain, authType);
    refuseRevoked(chain);
  }

  private void refuseRevoked(X509Certificate[] chain) throws CertificateException {
    for (X509Certificate certificate : chain) {
      if (revocations.isRevoked(certificate)) {
        revocations.handshakeRefused();
        throw new CertificateException(
            "certificate "
                + certificate.getSubjectX500Principal()
                + " (serial "
                + certificate.getSerialNumber().toString(16)
                + ") is revoked");
      }
    }
  }

  // A server's chain (a broker certificate: serverAuth), as the JDK checks it, then the revocation
  // list: the listeners never see one, ClusterPeerTrustManager checks every cluster peer so.

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    pkix.checkServerTrusted(chain, authType, engine);
    refuseRevoked(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    pkix.checkServerTrusted(chain, authType, socket);
    refuseRevoked(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    pkix.checkServerTrusted(chain, authType);
    refuseRevoked(chain);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return pkix.getAcceptedIssuers();
  }
}
