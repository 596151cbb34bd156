package io.peyvand.broker.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits a cluster peer, in either direction of an Artery TLS connection, only with a broker
 * certificate of a trusted CA: the chain is checked as a server's (PKIX to the CA, validity dates,
 * the serverAuth extended key usage, digitalSignature), against the revocation list and for the
 * broker's organizational unit in its subject (OU=broker, so that a Cassandra node's serverAuth
 * certificate of the same CA cannot join either). The connecting node is checked so too, not as a
 * TLS client: platforms' and administrators' certificates of the same CA are clientAuth only and so
 * can never join the cluster, although they would pass a client check. Host names are not checked:
 * any broker certificate of the CA may be any member (the certificate names the host adapters
 * connect to, not a node's Artery address, which changes with every pod in Kubernetes). A refusal
 * fails the handshake and is logged at WARN.
 */
final class ClusterPeerTrustManager extends X509ExtendedTrustManager {
  private static final Logger log = LoggerFactory.getLogger(ClusterPeerTrustManager.class);

  /**
   * The key exchange a TLS 1.3 client names when it checks a server (the JDK's "UNKNOWN"): the
   * certificate must allow digitalSignature, as every broker certificate does.
   */
  private static final String TLS13_AUTH_TYPE = "UNKNOWN";

  private final RevocationCheckingTrustManager brokers;
  private final String peerUnit;

  /**
   * @param peerUnit the organizational unit (OU) a member's certificate subject must name ({@code
   *     broker} for the certificates of {@code ./peyvand pki issue-broker}); "" admits any
   *     serverAuth certificate of the CA
   */
  ClusterPeerTrustManager(
      List<X509Certificate> trustAnchors, RevocationList revocations, String peerUnit) {
    this.brokers = new RevocationCheckingTrustManager(trustAnchors, revocations);
    this.peerUnit = peerUnit;
  }

  private void checkBroker(X509Certificate[] chain, String role) throws CertificateException {
    try {
      brokers.checkServerTrusted(chain, TLS13_AUTH_TYPE);
      if (!peerUnit.isEmpty() && !organizationalUnits(chain[0]).contains(peerUnit)) {
        // A serverAuth certificate of the same CA that is not a broker's (a Cassandra node's).
        throw new CertificateException(
            "its subject names no OU="
                + peerUnit
                + " (peyvand.cluster.tls.peer-organizational-unit): not a broker certificate");
      }
    } catch (CertificateException e) {
      log.warn(
          "Refused the TLS handshake of a cluster {}: certificate {} issued by {}: {}",
          role,
          chain.length == 0 ? "none" : chain[0].getSubjectX500Principal(),
          chain.length == 0 ? "none" : chain[0].getIssuerX500Principal(),
          e.getMessage());
      throw e;
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkBroker(chain, "node connecting to this one");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkBroker(chain, "node connecting to this one");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    checkBroker(chain, "node connecting to this one");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkBroker(chain, "node this one connects to");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkBroker(chain, "node this one connects to");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    checkBroker(chain, "node this one connects to");
  }

  /** The OU values of the certificate's subject. */
  static List<String> organizationalUnits(X509Certificate certificate) throws CertificateException {
    try {
      return new LdapName(certificate.getSubjectX500Principal().getName())
          .getRdns().stream()
              .filter(rdn -> rdn.getType().equalsIgnoreCase("OU"))
              .map(rdn -> String.valueOf(rdn.getValue()))
              .toList();
    } catch (InvalidNameException e) {
      throw new CertificateException("unreadable subject: " + e.getMessage(), e);
    }
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return brokers.getAcceptedIssuers();
  }
}
