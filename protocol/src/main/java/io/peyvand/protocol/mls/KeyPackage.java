package io.peyvand.protocol.mls;

import com.google.protobuf.ByteString;
import io.peyvand.protocol.Addresses;
import io.peyvand.protocol.v1.UserAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An MLS KeyPackage (RFC 9420 §10) as {@link KeyPackages#parse} read it: well-formed, of version
 * mls10, with a LeafNode of source key_package, keys of the right length for an RFC 9420 suite, an
 * init_key distinct from the encryption_key. Its signatures are not checked by parsing: call {@link
 * #verifySignatures()}. Nor are its lifetime ({@link #isValidAt}) and identity ({@link
 * #identifies}): those depend on the moment and on who publishes it.
 *
 * @param version protocol version, always 1 (mls10)
 * @param cipherSuite the cipher suite code point, perhaps one not in {@link CipherSuite}
 * @param initKey HPKE public key to which a Welcome's secrets are encrypted
 * @param leafNode the client's leaf
 * @param extensions the KeyPackage's extensions, distinct types
 * @param signature over KeyPackageTBS, label "KeyPackageTBS", by the leaf's signature_key
 * @param encoded the KeyPackage's exact bytes (without an MLSMessage header, if it came in one)
 */
public record KeyPackage(
    int version,
    int cipherSuite,
    ByteString initKey,
    LeafNode leafNode,
    List<Extension> extensions,
    ByteString signature,
    ByteString encoded) {

  /** Protocol version mls10, the only one RFC 9420 defines. */
  public static final int MLS10 = 1;

  /**
   * The last_resort KeyPackage extension type, 0x000A (draft-ietf-mls-extensions, "Last resort
   * KeyPackages", registered in IANA's MLS Extension Types): a KeyPackage a directory may hand out
   * more than once, when a client has no other left.
   */
  public static final int LAST_RESORT = 0x000A;

  /** The RefHash label of a KeyPackageRef (RFC 9420 §5.2). */
  static final String REFERENCE_LABEL = "MLS 1.0 KeyPackage Reference";

  public KeyPackage {
    Objects.requireNonNull(initKey, "initKey");
    Objects.requireNonNull(leafNode, "leafNode");
    extensions = List.copyOf(extensions);
    Objects.requireNonNull(signature, "signature");
    Objects.requireNonNull(encoded, "encoded");
  }

  /** Whether the KeyPackage carries the {@link #LAST_RESORT} extension. */
  public boolean lastResort() {
    return extensions.stream().anyMatch(e -> e.type() == LAST_RESORT);
  }

  /** The credential of the leaf. */
  public Credential credential() {
    return leafNode.credential();
  }

  /** The lifetime of the leaf. */
  public Lifetime lifetime() {
    return leafNode.lifetime();
  }

  /** Whether {@code at} is within the lifetime, ends included. */
  public boolean isValidAt(Instant at) {
    return leafNode.lifetime().contains(at);
  }

  /**
   * Whether the credential names {@code user} by Peyvand's convention: a basic credential whose
   * identity is exactly the UTF-8 of the address's text form, e.g. {@code bale:bob} (no case
   * folding or normalisation). False for an x509 credential, whose identity is in a certificate the
   * broker does not read, and for an invalid address.
   */
  public boolean identifies(UserAddress user) {
    if (!(leafNode.credential() instanceof Credential.Basic basic)) {
      return false;
    }
    String text;
    try {
      text = Addresses.format(user);
    } catch (IllegalArgumentException invalid) {
      return false;
    }
    return basic.identity().equals(ByteString.copyFrom(text, StandardCharsets.UTF_8));
  }

  /**
   * The KeyPackageRef (RFC 9420 §5.2): RefHash("MLS 1.0 KeyPackage Reference", KeyPackage) with the
   * suite's hash (SHA-256 for suites 1-3, SHA-512 for 4-6, SHA-384 for 7). Empty for a suite RFC
   * 9420 does not define, whose hash is unknown here.
   */
  public Optional<ByteString> reference() {
    return CipherSuite.of(cipherSuite)
        .map(suite -> MlsCrypto.refHash(suite, REFERENCE_LABEL, encoded));
  }

  /** KeyPackageTBS, what {@link #signature} covers: the bytes without the final signature field. */
  public ByteString signedContent() {
    return LeafNode.withoutSignature(encoded, signature);
  }

  /**
   * Verifies both signatures with the leaf's signature_key (SignWithLabel, RFC 9420 §5.1.2): the
   * LeafNode's over LeafNodeTBS with label "LeafNodeTBS", the KeyPackage's over KeyPackageTBS with
   * label "KeyPackageTBS". Ed25519, Ed448 and ECDSA (P-256, P-384, P-521, DER signatures) with the
   * JDK's providers; UNVERIFIABLE for a suite not in {@link CipherSuite}. Never throws for hostile
   * bytes.
   */
  public SignatureCheck verifySignatures() {
    ByteString key = leafNode.signatureKey();
    return new SignatureCheck(
        MlsCrypto.verifyWithLabel(
            cipherSuite, key, "LeafNodeTBS", leafNode.signedContent(), leafNode.signature()),
        MlsCrypto.verifyWithLabel(cipherSuite, key, "KeyPackageTBS", signedContent(), signature));
  }
}
