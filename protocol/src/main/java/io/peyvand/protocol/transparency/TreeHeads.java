package io.peyvand.protocol.transparency;

import com.google.protobuf.ByteString;
import io.peyvand.protocol.v1.SignedTreeHead;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Signing and checking the audit log's tree heads ({@link SignedTreeHead}): what is signed, with
 * which algorithm for the key, and the checks an offline verifier makes (the signature, the
 * signer's certificate issued by the interconnect's CA, the root's length).
 */
public final class TreeHeads {
  private static final byte[] DOMAIN = "peyvand-tree-head-v1\n".getBytes(StandardCharsets.UTF_8);

  private TreeHeads() {}

  /** The bytes a head's signature covers. */
  public static byte[] signedBytes(String logId, long treeSize, long timestampMs, byte[] root) {
    byte[] log = logId.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(DOMAIN.length + log.length + 1 + 16 + root.length)
        .put(DOMAIN)
        .put(log)
        .put((byte) '\n')
        .putLong(treeSize)
        .putLong(timestampMs)
        .put(root)
        .array();
  }

  /** The JDK's signature algorithm for a key: SHA256withECDSA or SHA256withRSA. */
  public static String algorithmFor(String keyAlgorithm) {
    return switch (keyAlgorithm) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      default ->
          throw new IllegalArgumentException(
              "the broker's key is "
                  + keyAlgorithm
                  + "; tree heads are signed with EC or RSA keys");
    };
  }

  /**
   * A head over {@code root} signed with {@code key}; {@code certificate} is the key's certificate
   * (empty without TLS: the head then carries the public key alone).
   */
  public static SignedTreeHead sign(
      String logId,
      long treeSize,
      long timestampMs,
      byte[] root,
      PrivateKey key,
      PublicKey publicKey,
      Optional<X509Certificate> certificate) {
    SignedTreeHead.Builder head =
        SignedTreeHead.newBuilder()
            .setLogId(logId)
            .setTreeSize(treeSize)
            .setTimestampMs(timestampMs)
            .setRootHash(ByteString.copyFrom(root))
            .setSignatureAlgorithm(algorithmFor(key.getAlgorithm()))
            .setSignature(
                ByteString.copyFrom(
                    signature(signedBytes(logId, treeSize, timestampMs, root), key)))
            .setSignerPublicKey(ByteString.copyFrom(publicKey.getEncoded()));
    if (certificate.isPresent()) {
      try {
        head.setSignerCertificate(ByteString.copyFrom(certificate.get().getEncoded()));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("cannot encode the signer's certificate", e);
      }
    }
    return head.build();
  }

  /**
   * What is wrong with {@code head}, empty when nothing is: its signature does not verify with the
   * key it names, its certificate does not carry that key, or (with {@code ca}) the certificate was
   * not issued by the CA or is not valid now. Without a CA only the signature is checked.
   */
  public static List<String> problems(SignedTreeHead head, Optional<X509Certificate> ca) {
    List<String> problems = new ArrayList<>();
    if (head.getRootHash().size() != MerkleTree.HASH_LENGTH) {
      problems.add("the root hash has " + head.getRootHash().size() + " bytes, not 32");
    }
    problems.addAll(
        signatureProblems(
            signedBytes(
                head.getLogId(),
                head.getTreeSize(),
                head.getTimestampMs(),
                head.getRootHash().toByteArray()),
            head.getSignatureAlgorithm(),
            head.getSignature().toByteArray(),
            head.getSignerCertificate().toByteArray(),
            head.getSignerPublicKey().toByteArray(),
            ca));
    return problems;
  }

  /**
   * What is wrong with a signature of {@code data} by the broker: it does not verify with the
   * signer's certificate's key ({@code certificateDer}) or, without a certificate, with {@code
   * publicKeyDer}; or (with {@code ca}) there is no certificate, or it was not issued by the CA, or
   * is not valid now.
   */
  public static List<String> signatureProblems(
      byte[] data,
      String algorithm,
      byte[] signature,
      byte[] certificateDer,
      byte[] publicKeyDer,
      Optional<X509Certificate> ca) {
    List<String> problems = new ArrayList<>();
    PublicKey key;
    Optional<X509Certificate> certificate = Optional.empty();
    try {
      if (certificateDer.length > 0) {
        certificate = Optional.of(certificate(certificateDer));
        key = certificate.get().getPublicKey();
      } else {
        key = publicKey(publicKeyDer);
      }
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      problems.add("the signer's key or certificate does not parse: " + e.getMessage());
      return problems;
    }
    try {
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(key);
      verifier.update(data);
      if (!verifier.verify(signature)) {
        problems.add("the signature does not verify with the signer's key");
      }
    } catch (GeneralSecurityException e) {
      problems.add("the signature does not verify: " + e.getMessage());
    }
    if (ca.isPresent()) {
      if (certificate.isEmpty()) {
        problems.add(
            "no certificate came with the signature, so no CA vouches for its key (a broker"
                + " without TLS signed it)");
      } else {
        try {
          certificate.get().verify(ca.get().getPublicKey());
          certificate.get().checkValidity();
        } catch (GeneralSecurityException e) {
          problems.add(
              "the signer's certificate "
                  + certificate.get().getSubjectX500Principal()
                  + " is not a valid certificate of the CA "
                  + ca.get().getSubjectX500Principal()
                  + ": "
                  + e.getMessage());
        }
      }
    }
    return problems;
  }

  /** A signature of {@code data} with {@code key}, in the algorithm for the key. */
  public static byte[] signature(byte[] data, PrivateKey key) {
    try {
      Signature signer = Signature.getInstance(algorithmFor(key.getAlgorithm()));
      signer.initSign(key);
      signer.update(data);
      return signer.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign: " + e.getMessage(), e);
    }
  }

  private static X509Certificate certificate(byte[] der) throws GeneralSecurityException {
    return (X509Certificate)
        CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
  }

  private static PublicKey publicKey(byte[] der) throws GeneralSecurityException {
    GeneralSecurityException last = null;
    for (String algorithm : List.of("EC", "RSA")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw last;
  }
}
