package io.peyvand.protocol.mls;

import java.util.List;
import java.util.Optional;

/**
 * The cipher suites of RFC 9420 §17.1, with what the broker needs of each: the length of its KEM
 * public keys (init_key, encryption_key) and signature public keys, the hash of its KeyPackageRef,
 * and how to verify its signatures with the JDK alone. Suites not listed (GREASE, private use,
 * later drafts such as the post-quantum ones) can still be parsed; their keys are not checked, and
 * their KeyPackageRef and signatures cannot be computed here.
 */
public enum CipherSuite {
  MLS_128_DHKEMX25519_AES128GCM_SHA256_ED25519(1, 32, "SHA-256", Scheme.ED25519),
  MLS_128_DHKEMP256_AES128GCM_SHA256_P256(2, 65, "SHA-256", Scheme.P256),
  MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_ED25519(3, 32, "SHA-256", Scheme.ED25519),
  MLS_256_DHKEMX448_AES256GCM_SHA512_ED448(4, 56, "SHA-512", Scheme.ED448),
  MLS_256_DHKEMP521_AES256GCM_SHA512_P521(5, 133, "SHA-512", Scheme.P521),
  MLS_256_DHKEMX448_CHACHA20POLY1305_SHA512_ED448(6, 56, "SHA-512", Scheme.ED448),
  MLS_256_DHKEMP384_AES256GCM_SHA384_P384(7, 97, "SHA-384", Scheme.P384);

  /**
   * A signature scheme as the JDK knows it. EdDSA keys are raw (RFC 8032), wrapped here in an X.509
   * SubjectPublicKeyInfo. ECDSA keys are SEC1 points: RFC 9420 §5.1.1 wants them uncompressed
   * ({@code 04 || X || Y}), but ts-mls 1.6.4 writes them compressed ({@code 02|03 || X}), so both
   * forms are read; ECDSA signatures are DER.
   */
  enum Scheme {
    ED25519("Ed25519", "Ed25519", null, 32, "302a300506032b6570032100"),
    ED448("Ed448", "Ed448", null, 57, "3043300506032b6571033a00"),
    P256("SHA256withECDSA", "EC", "secp256r1", 32, null),
    P384("SHA384withECDSA", "EC", "secp384r1", 48, null),
    P521("SHA512withECDSA", "EC", "secp521r1", 66, null);

    final String jcaSignature;
    final String keyAlgorithm;
    final String curve;
    final int keyOrCoordinateLength;
    final String spkiPrefixHex;

    Scheme(
        String jcaSignature,
        String keyAlgorithm,
        String curve,
        int keyOrCoordinateLength,
        String spkiPrefixHex) {
      this.jcaSignature = jcaSignature;
      this.keyAlgorithm = keyAlgorithm;
      this.curve = curve;
      this.keyOrCoordinateLength = keyOrCoordinateLength;
      this.spkiPrefixHex = spkiPrefixHex;
    }

    /** The lengths a public key may have: EdDSA one; ECDSA uncompressed, then compressed. */
    List<Integer> publicKeyLengths() {
      return curve == null
          ? List.of(keyOrCoordinateLength)
          : List.of(1 + 2 * keyOrCoordinateLength, 1 + keyOrCoordinateLength);
    }
  }

  private final int id;
  private final int kemPublicKeyLength;
  private final String hash;
  private final Scheme scheme;

  CipherSuite(int id, int kemPublicKeyLength, String hash, Scheme scheme) {
    this.id = id;
    this.kemPublicKeyLength = kemPublicKeyLength;
    this.hash = hash;
    this.scheme = scheme;
  }

  /** The suite of code point {@code id}, if RFC 9420 defines it. */
  public static Optional<CipherSuite> of(int id) {
    for (CipherSuite suite : values()) {
      if (suite.id == id) {
        return Optional.of(suite);
      }
    }
    return Optional.empty();
  }

  /** The uint16 code point. */
  public int id() {
    return id;
  }

  /**
   * The length in bytes of the suite's HPKE public keys (init_key and encryption_key), as a list
   * like {@link #signaturePublicKeyLengths()}: HPKE serializes NIST points uncompressed only.
   */
  public List<Integer> kemPublicKeyLengths() {
    return List.of(kemPublicKeyLength);
  }

  /**
   * The lengths in bytes a signature_key of the suite may have: one for EdDSA; for ECDSA the
   * uncompressed point, then the compressed one (see {@link Scheme}).
   */
  public List<Integer> signaturePublicKeyLengths() {
    return scheme.publicKeyLengths();
  }

  /** The JCA name of the suite's hash, e.g. SHA-256, used by RefHash. */
  public String hashAlgorithm() {
    return hash;
  }

  Scheme scheme() {
    return scheme;
  }
}
