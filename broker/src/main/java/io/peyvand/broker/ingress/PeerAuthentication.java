package io.peyvand.broker.ingress;

import io.peyvand.broker.service.Peer;
import io.peyvand.broker.tls.RevocationList;
import io.peyvand.protocol.tls.CertificateIdentity;
import java.net.InetAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.apache.pekko.http.javadsl.model.SslSessionInfo;

/**
 * The {@link Peer} of a request, from the TLS session pekko-http attaches to it (the request
 * attribute {@code sslSession}, on with {@code pekko.http.server.parsing.ssl-session-attribute}).
 * The handshake already verified the chain and the revocation list; each request checks the list
 * again, because an HTTP/2 connection outlives a revocation and carries new calls.
 */
public final class PeerAuthentication {
  /** Where a TLS session keeps the identity parsed from its certificate (parsed once). */
  private static final String IDENTITY = "peyvand.identity";

  private final boolean tls;
  private final RevocationList revocations;

  private PeerAuthentication(boolean tls, RevocationList revocations) {
    this.tls = tls;
    this.revocations = revocations;
  }

  /** TLS off: every request is {@link Peer.Unverified}. */
  public static PeerAuthentication plaintext() {
    return new PeerAuthentication(false, RevocationList.none());
  }

  /** TLS on: a request acts as the identity of its verified client certificate. */
  public static PeerAuthentication certificates(RevocationList revocations) {
    return new PeerAuthentication(true, revocations);
  }

  public boolean tls() {
    return tls;
  }

  /**
   * The client's address (the request attribute remoteAddress, on with {@code
   * pekko.http.server.remote-address-attribute}); empty if unknown.
   */
  public static Optional<InetAddress> address(HttpRequest request) {
    return request.getAttribute(AttributeKeys.remoteAddress).flatMap(RemoteAddress::getAddress);
  }

  public Peer peer(HttpRequest request) {
    if (!tls) {
      return Peer.Unverified.INSTANCE;
    }
    Optional<SslSessionInfo> info = request.getAttribute(AttributeKeys.sslSession);
    return info.isPresent()
        ? peer(info.get().getSession())
        : new Peer.Refused("the request came without a TLS session");
  }

  Peer peer(SSLSession session) {
    Certificate[] chain;
    try {
      chain = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return new Peer.Refused(
          "no client certificate was presented: connect with the"
              + " certificate the interconnect's CA issued to the platform");
    }
    if (chain.length == 0 || !(chain[0] instanceof X509Certificate certificate)) {
      return new Peer.Refused("the client certificate is not an X.509 certificate");
    }
    if (revocations.isRevoked(certificate)) {
      return new Peer.Refused(
          "the client certificate (serial "
              + certificate.getSerialNumber().toString(16)
              + ") has been revoked");
    }
    if (session.getValue(IDENTITY) instanceof Peer known) {
      return known;
    }
    Peer peer;
    try {
      peer = new Peer.Certified(CertificateIdentity.of(certificate));
    } catch (IllegalArgumentException e) {
      peer = new Peer.Refused(e.getMessage());
    }
    session.putValue(IDENTITY, peer);
    return peer;
  }
}
