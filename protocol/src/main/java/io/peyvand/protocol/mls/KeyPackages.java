package io.peyvand.protocol.mls;

import com.google.protobuf.ByteString;
import io.peyvand.protocol.ProtocolLimits;
import io.peyvand.protocol.v1.ErrorCode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads an MLS KeyPackage (RFC 9420 §10) from the bytes a platform publishes for one of its users'
 * clients, so that the broker's KeyPackage directory can check it before handing it to another
 * platform. Pure Java, no MLS library: the broker holds no MLS keys and takes part in no group; it
 * only needs to read this one structure.
 *
 * <p><b>Input forms.</b> {@link #parse} takes either an {@code MLSMessage} with wire_format
 * mls_key_package (5), the form MLS clients exchange KeyPackages in, or a bare {@code KeyPackage}.
 * The bytes are an MLSMessage if they begin {@code 00 01 00 05 00 01} (version mls10,
 * mls_key_package, then the KeyPackage's own version mls10); otherwise a bare KeyPackage. Only a
 * bare KeyPackage of suite 5 whose init_key is empty could begin so, and that is refused anyway
 * (suite 5's keys have 133 bytes), so the rule never misreads a valid input.
 *
 * <p><b>What parsing checks</b> (refusing with {@link MlsFormatException}, whose message names the
 * field and byte offset):
 *
 * <ul>
 *   <li>the encoding: every field present, variable-length vectors with minimal MLS varints (RFC
 *       9420 §2.1.2) and lengths within their enclosing structure, no bytes left over, the whole
 *       input at most {@code maxBytes} (CONTENT_TOO_LARGE);
 *   <li>version mls10 (1), a cipher suite other than 0 (reserved);
 *   <li>a credential of type basic (1) or x509 (2) with at least one certificate: other types'
 *       encodings are unknown;
 *   <li>leaf_node_source key_package (1), as a KeyPackage's LeafNode must have (§10);
 *   <li>for an RFC 9420 suite ({@link CipherSuite}), init_key, encryption_key and signature_key of
 *       the suite's lengths (an ECDSA signature_key uncompressed as RFC 9420 §5.1.1 says, or
 *       compressed as ts-mls writes it); for another suite, not empty; init_key not equal to
 *       encryption_key (§10.1); signatures not empty;
 *   <li>no extension type twice in one list.
 * </ul>
 *
 * <p><b>What it does not check</b>, left to the caller: the signatures ({@link
 * KeyPackage#verifySignatures}, UNVERIFIABLE for an unknown suite), the lifetime ({@link
 * KeyPackage#isValidAt}), the identity ({@link KeyPackage#identifies}), whether the suite is one
 * the directory accepts, x509 certificates (not parsed), the capabilities (read as sent, GREASE
 * values included; e.g. that they list the credential's type or the leaf's extensions), and the
 * contents of extensions.
 */
public final class KeyPackages {
  /**
   * The default limit on the input, in bytes: the protocol's content limit ({@link
   * ProtocolLimits#maxContentBytes()}, 64 KiB), ample for a KeyPackage of any suite with an x509
   * chain of a few certificates.
   */
  public static final int DEFAULT_MAX_BYTES = ProtocolLimits.defaults().maxContentBytes();

  private static final String KEY_PACKAGE = "KeyPackage";
  private static final String IN_MESSAGE = "KeyPackage (in an MLSMessage)";

  private KeyPackages() {}

  /** {@link #parse(byte[], int)} with {@link #DEFAULT_MAX_BYTES}. */
  public static KeyPackage parse(byte[] bytes) {
    return parse(bytes, DEFAULT_MAX_BYTES);
  }

  /**
   * Reads one KeyPackage, bare or in an MLSMessage (see the class comment), that must fill {@code
   * bytes} exactly. Throws {@link MlsFormatException} for anything malformed, with the offset in
   * {@code bytes}; never another exception for any input (null aside).
   */
  public static KeyPackage parse(byte[] bytes, int maxBytes) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be positive, not " + maxBytes);
    }
    if (bytes.length > maxBytes) {
      throw new MlsFormatException(
          ErrorCode.CONTENT_TOO_LARGE,
          KEY_PACKAGE,
          maxBytes,
          bytes.length + " bytes, more than the limit of " + maxBytes);
    }
    boolean inMessage = isKeyPackageMessage(bytes);
    MlsReader reader =
        new MlsReader(bytes, inMessage ? 4 : 0, bytes.length, inMessage ? IN_MESSAGE : KEY_PACKAGE);
    try {
      KeyPackage keyPackage = keyPackage(reader);
      reader.expectEnd("the KeyPackage");
      return keyPackage;
    } catch (MlsFormatException refused) {
      Optional<MlsMessages.WireFormat> other = inMessage ? Optional.empty() : otherMessage(bytes);
      throw other.isEmpty()
          ? refused
          : refused.withHint(
              "the bytes look like an MLSMessage of wire_format "
                  + other.get()
                  + ", not a KeyPackage");
    }
  }

  private static boolean isKeyPackageMessage(byte[] bytes) {
    return bytes.length >= 6
        && bytes[0] == 0
        && bytes[1] == KeyPackage.MLS10
        && bytes[2] == 0
        && bytes[3] == MlsMessages.WireFormat.KEY_PACKAGE.code()
        && bytes[4] == 0
        && bytes[5] == KeyPackage.MLS10;
  }

  /** The wire format of an MLSMessage that is not a KeyPackage, if the bytes could be one. */
  private static Optional<MlsMessages.WireFormat> otherMessage(byte[] bytes) {
    try {
      MlsMessages.WireFormat format = MlsMessages.wireFormat(bytes);
      return format == MlsMessages.WireFormat.KEY_PACKAGE ? Optional.empty() : Optional.of(format);
    } catch (MlsFormatException notOne) {
      return Optional.empty();
    }
  }

  private static KeyPackage keyPackage(MlsReader r) {
    int start = r.position();
    int version = r.mls10("version");
    int suiteAt = r.position();
    int suite = r.uint16("cipher_suite");
    if (suite == 0) {
      throw r.refuse(suiteAt, "cipher_suite 0 is reserved");
    }
    Optional<CipherSuite> known = CipherSuite.of(suite);
    int initAt = r.position();
    ByteString initKey = key(r, "init_key", known.map(CipherSuite::kemPublicKeyLengths));
    LeafNode leafNode = leafNode(r, known);
    List<Extension> extensions = extensions(r, "extensions");
    ByteString signature = signature(r, "signature");
    if (initKey.equals(leafNode.encryptionKey())) {
      throw r.refuse(
          initAt,
          "init_key equals leaf_node.encryption_key; RFC 9420 §10.1 requires two distinct keys");
    }
    return new KeyPackage(
        version, suite, initKey, leafNode, extensions, signature, r.slice(start, r.position()));
  }

  private static LeafNode leafNode(MlsReader r, Optional<CipherSuite> suite) {
    int start = r.position();
    ByteString encryptionKey =
        key(r, "leaf_node.encryption_key", suite.map(CipherSuite::kemPublicKeyLengths));
    ByteString signatureKey =
        key(r, "leaf_node.signature_key", suite.map(CipherSuite::signaturePublicKeyLengths));
    Credential credential = credential(r);
    Capabilities capabilities =
        new Capabilities(
            uint16s(r, "leaf_node.capabilities.versions"),
            uint16s(r, "leaf_node.capabilities.cipher_suites"),
            uint16s(r, "leaf_node.capabilities.extensions"),
            uint16s(r, "leaf_node.capabilities.proposals"),
            uint16s(r, "leaf_node.capabilities.credentials"));
    int sourceAt = r.position();
    int source = r.uint8("leaf_node.leaf_node_source");
    if (source != LeafNode.SOURCE_KEY_PACKAGE) {
      throw r.refuse(
          sourceAt,
          "leaf_node_source "
              + source
              + " (1 key_package, 2 update, 3 commit): a KeyPackage's LeafNode must be key_package");
    }
    Lifetime lifetime =
        new Lifetime(
            r.uint64("leaf_node.lifetime.not_before"), r.uint64("leaf_node.lifetime.not_after"));
    List<Extension> extensions = extensions(r, "leaf_node.extensions");
    ByteString signature = signature(r, "leaf_node.signature");
    return new LeafNode(
        encryptionKey,
        signatureKey,
        credential,
        capabilities,
        lifetime,
        extensions,
        signature,
        r.slice(start, r.position()));
  }

  private static Credential credential(MlsReader r) {
    int at = r.position();
    int type = r.uint16("leaf_node.credential.credential_type");
    if (type == Credential.BASIC) {
      return new Credential.Basic(r.opaque("leaf_node.credential.identity"));
    }
    if (type != Credential.X509) {
      throw r.refuse(
          at,
          "credential_type "
              + type
              + " is neither basic (1) nor x509 (2); other types' encodings are unknown here");
    }
    MlsReader chain = r.vector("leaf_node.credential.certificates");
    List<ByteString> certificates = new ArrayList<>();
    while (!chain.atEnd()) {
      int certificateAt = chain.position();
      String field = "leaf_node.credential.certificates[" + certificates.size() + "].cert_data";
      ByteString certificate = chain.opaque(field);
      if (certificate.isEmpty()) {
        throw r.refuse(certificateAt, field + " is empty");
      }
      certificates.add(certificate);
    }
    if (certificates.isEmpty()) {
      throw r.refuse(
          at + 2, "leaf_node.credential.certificates: an x509 chain needs a certificate");
    }
    return new Credential.X509(certificates);
  }

  private static List<Integer> uint16s(MlsReader r, String field) {
    MlsReader list = r.vector(field);
    List<Integer> values = new ArrayList<>();
    while (!list.atEnd()) {
      values.add(list.uint16(field + "[" + values.size() + "]"));
    }
    return values;
  }

  private static List<Extension> extensions(MlsReader r, String field) {
    MlsReader list = r.vector(field);
    List<Extension> extensions = new ArrayList<>();
    Set<Integer> types = new HashSet<>();
    while (!list.atEnd()) {
      int at = list.position();
      String element = field + "[" + extensions.size() + "]";
      int type = list.uint16(element + ".extension_type");
      if (!types.add(type)) {
        throw r.refuse(at, element + ": extension type " + type + " appears twice in the list");
      }
      extensions.add(new Extension(type, list.opaque(element + ".extension_data")));
    }
    return extensions;
  }

  /** A public key, of one of the suite's lengths if the suite is known, else not empty. */
  private static ByteString key(MlsReader r, String field, Optional<List<Integer>> lengths) {
    int at = r.position();
    ByteString key = r.opaque(field);
    if (lengths.isPresent() && !lengths.get().contains(key.size())) {
      throw r.refuse(
          at,
          field
              + " has "
              + key.size()
              + " bytes; the cipher suite's keys have "
              + lengths.get().stream().map(String::valueOf).collect(Collectors.joining(" or ")));
    }
    if (key.isEmpty()) {
      throw r.refuse(at, field + " is empty");
    }
    return key;
  }

  private static ByteString signature(MlsReader r, String field) {
    int at = r.position();
    ByteString signature = r.opaque(field);
    if (signature.isEmpty()) {
      throw r.refuse(at, field + " is empty");
    }
    return signature;
  }
}
