package io.peyvand.protocol.mls;

import java.util.Objects;

/**
 * The outcome of checking a KeyPackage's two signatures (RFC 9420 §5.1.2, SignWithLabel): the
 * LeafNode's over LeafNodeTBS and the KeyPackage's over KeyPackageTBS, both with the LeafNode's
 * signature_key. A KeyPackage may be published only if {@link #valid()}; what to do with an
 * UNVERIFIABLE one (a cipher suite this broker does not know) is the caller's decision.
 *
 * @param leafNode the LeafNode's signature, label "LeafNodeTBS"
 * @param keyPackage the KeyPackage's signature, label "KeyPackageTBS"
 */
public record SignatureCheck(Status leafNode, Status keyPackage) {
  /** One signature's outcome. */
  public enum Status {
    /** The signature verifies with the signature_key. */
    VALID,
    /**
     * It does not: a wrong signature, a malformed signature (e.g. bad DER for ECDSA) or a
     * signature_key that is not a valid key of the suite's scheme.
     */
    INVALID,
    /** The cipher suite is not one of RFC 9420's, so its signature scheme is unknown here. */
    UNVERIFIABLE
  }

  public SignatureCheck {
    Objects.requireNonNull(leafNode, "leafNode");
    Objects.requireNonNull(keyPackage, "keyPackage");
  }

  /** Both signatures verify. */
  public boolean valid() {
    return leafNode == Status.VALID && keyPackage == Status.VALID;
  }
}
