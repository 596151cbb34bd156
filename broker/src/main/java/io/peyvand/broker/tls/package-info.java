/**
 * The broker's side of mutual TLS: its settings ({@link io.peyvand.broker.tls.TlsSettings}), the
 * revocation list it honours and reloads without a restart ({@link
 * io.peyvand.broker.tls.RevocationList}), a trust manager that refuses a revoked or foreign client
 * certificate at the handshake ({@link io.peyvand.broker.tls.RevocationCheckingTrustManager}), and
 * the TLS 1.3 contexts of the two listeners ({@link io.peyvand.broker.tls.ServerTls}), and Artery's
 * mutual TLS between broker nodes ({@link io.peyvand.broker.tls.ClusterTlsEngineProvider}, which
 * admits only broker certificates of the CA: {@link
 * io.peyvand.broker.tls.ClusterPeerTrustManager}). Which platform a verified certificate acts for
 * is decided at the edges ({@code ingress.PeerAuthentication}); SECURITY.md at the repository root
 * explains the model.
 */
package io.peyvand.broker.tls;
