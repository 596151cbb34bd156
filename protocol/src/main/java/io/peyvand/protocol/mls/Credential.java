package io.peyvand.protocol.mls;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.Objects;

/**
 * The credential of a LeafNode (RFC 9420 §5.3): who the client claims to be. Only the two types RFC
 * 9420 defines can be read; any other type's encoding is unknown, so a LeafNode carrying one is
 * refused by the parser.
 */
public sealed interface Credential permits Credential.Basic, Credential.X509 {
  /** credential_type basic. */
  int BASIC = 1;

  /** credential_type x509. */
  int X509 = 2;

  /** The credential_type code point. */
  int type();

  /**
   * A basic credential: the identity as opaque bytes. Peyvand's convention is the UTF-8 text form
   * of the user's address, {@code platform_id:user_id} ({@link KeyPackage#identifies}).
   *
   * @param identity the identity bytes, as sent
   */
  record Basic(ByteString identity) implements Credential {
    public Basic {
      Objects.requireNonNull(identity, "identity");
    }

    @Override
    public int type() {
      return BASIC;
    }
  }

  /**
   * An x509 credential: a certificate chain, leaf first, each certificate DER as sent. The parser
   * checks that the chain is not empty; it does not parse or validate the certificates.
   *
   * @param certificates the chain, at least one
   */
  record X509(List<ByteString> certificates) implements Credential {
    public X509 {
      certificates = List.copyOf(certificates);
    }

    @Override
    public int type() {
      return X509;
    }
  }
}
