package io.peyvand.broker.audit;

import io.peyvand.protocol.transparency.TreeHeads;
import io.peyvand.protocol.v1.SignedTreeHead;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Collections;
import java.util.Optional;

/**
 * Signs tree heads (and the regulator's reports) with this node's key: the private key of its TLS
 * certificate (so a verifier checks the head against the interconnect's CA), or, when the broker
 * runs without TLS, a key made at start that no CA vouches for (development only: production
 * refuses to start without TLS).
 */
public final class HeadSigner {
  private final PrivateKey key;
  private final PublicKey publicKey;
  private final Optional<X509Certificate> certificate;

  private HeadSigner(PrivateKey key, PublicKey publicKey, Optional<X509Certificate> certificate) {
    this.key = key;
    this.publicKey = publicKey;
    this.certificate = certificate;
  }

  /** The key entry of the broker's key store (its TLS key and certificate). */
  public static HeadSigner of(KeyStore keyStore, char[] password) {
    try {
      for (String alias : Collections.list(keyStore.aliases())) {
        if (keyStore.isKeyEntry(alias)
            && keyStore.getKey(alias, password) instanceof PrivateKey key
            && keyStore.getCertificate(alias) instanceof X509Certificate certificate) {
          TreeHeads.algorithmFor(key.getAlgorithm());
          return new HeadSigner(key, certificate.getPublicKey(), Optional.of(certificate));
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "the broker's key store has no usable key to sign the audit log's heads: "
              + e.getMessage(),
          e);
    }
    throw new IllegalArgumentException(
        "the broker's key store has no private key with a certificate to sign the audit log's"
            + " heads");
  }

  /** A fresh EC P-256 key, for a broker without TLS. */
  public static HeadSigner ephemeral() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair pair = generator.generateKeyPair();
      return new HeadSigner(pair.getPrivate(), pair.getPublic(), Optional.empty());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java platform makes EC P-256 keys", e);
    }
  }

  public SignedTreeHead sign(String logId, long treeSize, long timestampMs, byte[] root) {
    return TreeHeads.sign(logId, treeSize, timestampMs, root, key, publicKey, certificate);
  }

  /** A signature of {@code data}, with what a verifier needs to check it. */
  public Signed sign(byte[] data) {
    byte[] der;
    try {
      der = certificate.isPresent() ? certificate.get().getEncoded() : new byte[0];
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot encode the broker's certificate", e);
    }
    return new Signed(
        TreeHeads.algorithmFor(key.getAlgorithm()),
        TreeHeads.signature(data, key),
        der,
        publicKey.getEncoded());
  }

  /**
   * A signature: its algorithm, the signature, the signer's certificate (DER; empty without TLS)
   * and public key (DER).
   */
  public record Signed(String algorithm, byte[] signature, byte[] certificate, byte[] publicKey) {}
}
