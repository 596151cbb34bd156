package io.peyvand.protocol.mls;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.Objects;

/**
 * The LeafNode of a KeyPackage (RFC 9420 §7.2): the client's keys, credential and capabilities. Its
 * leaf_node_source is always key_package (the parser refuses the others in a KeyPackage), so it
 * always has a lifetime and never a parent_hash.
 *
 * @param encryptionKey HPKE public key for the client's leaf in a ratchet tree
 * @param signatureKey the key that signs this LeafNode and the KeyPackage
 * @param credential who the client claims to be
 * @param capabilities what the client supports
 * @param lifetime when the KeyPackage may be used
 * @param extensions the LeafNode's extensions, distinct types
 * @param signature over LeafNodeTBS, label "LeafNodeTBS"
 * @param encoded the LeafNode's exact bytes
 */
public record LeafNode(
    ByteString encryptionKey,
    ByteString signatureKey,
    Credential credential,
    Capabilities capabilities,
    Lifetime lifetime,
    List<Extension> extensions,
    ByteString signature,
    ByteString encoded) {

  /** leaf_node_source key_package, the only source a KeyPackage's LeafNode may have. */
  public static final int SOURCE_KEY_PACKAGE = 1;

  public LeafNode {
    Objects.requireNonNull(encryptionKey, "encryptionKey");
    Objects.requireNonNull(signatureKey, "signatureKey");
    Objects.requireNonNull(credential, "credential");
    Objects.requireNonNull(capabilities, "capabilities");
    Objects.requireNonNull(lifetime, "lifetime");
    extensions = List.copyOf(extensions);
    Objects.requireNonNull(signature, "signature");
    Objects.requireNonNull(encoded, "encoded");
  }

  /**
   * LeafNodeTBS, what {@link #signature} covers: for source key_package, the LeafNode's bytes
   * without its final signature field.
   */
  public ByteString signedContent() {
    return withoutSignature(encoded, signature);
  }

  /** {@code encoded} without its last field, the {@code opaque signature<V>}. */
  static ByteString withoutSignature(ByteString encoded, ByteString signature) {
    int field = MlsReader.varintSize(signature.size()) + signature.size();
    return encoded.substring(0, encoded.size() - field);
  }
}
