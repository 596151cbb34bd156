package io.peyvand.protocol.mls;

import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.ProviderException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The two pieces of RFC 9420's cryptography the broker needs, with the JDK's providers only:
 * SignWithLabel verification (§5.1.2) and RefHash (§5.2).
 */
final class MlsCrypto {
  private MlsCrypto() {}

  /**
   * VerifyWithLabel: whether {@code signature} by {@code publicKey} covers the SignContent {@code
   * label = "MLS 1.0 " + label, content}. INVALID for anything the JDK cannot read as a key or
   * signature of the suite's scheme (the bytes came from outside), UNVERIFIABLE for a suite RFC
   * 9420 does not define.
   */
  static SignatureCheck.Status verifyWithLabel(
      int cipherSuite,
      ByteString publicKey,
      String label,
      ByteString content,
      ByteString signature) {
    CipherSuite suite = CipherSuite.of(cipherSuite).orElse(null);
    if (suite == null) {
      return SignatureCheck.Status.UNVERIFIABLE;
    }
    byte[] signContent = labeled("MLS 1.0 " + label, content.toByteArray());
    try {
      Signature verifier = Signature.getInstance(suite.scheme().jcaSignature);
      verifier.initVerify(publicKey(suite.scheme(), publicKey.toByteArray()));
      verifier.update(signContent);
      return verifier.verify(signature.toByteArray())
          ? SignatureCheck.Status.VALID
          : SignatureCheck.Status.INVALID;
    } catch (NoSuchAlgorithmException e) {
      // Ed25519, Ed448 and the NIST curves are in every Java 17 runtime.
      throw new IllegalStateException("the JDK lacks " + suite.scheme().jcaSignature, e);
    } catch (GeneralSecurityException | ProviderException | IllegalArgumentException e) {
      // A key or signature that does not parse (a point off the curve, bad DER, ...).
      return SignatureCheck.Status.INVALID;
    }
  }

  /** RefHash(label, value) = Hash(RefHashInput{label<V>, value<V>}) with the suite's hash. */
  static ByteString refHash(CipherSuite suite, String label, ByteString value) {
    try {
      MessageDigest digest = MessageDigest.getInstance(suite.hashAlgorithm());
      return ByteString.copyFrom(digest.digest(labeled(label, value.toByteArray())));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks " + suite.hashAlgorithm(), e);
    }
  }

  /** The encoding of {@code struct { opaque label<V>; opaque content<V>; }}. */
  private static byte[] labeled(String label, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + label.length() + 8);
    MlsReader.writeOpaque(out, label.getBytes(StandardCharsets.US_ASCII));
    MlsReader.writeOpaque(out, content);
    return out.toByteArray();
  }

  private static PublicKey publicKey(CipherSuite.Scheme scheme, byte[] raw)
      throws GeneralSecurityException {
    if (!scheme.publicKeyLengths().contains(raw.length)) {
      throw new GeneralSecurityException("not a " + scheme + " key: " + raw.length + " bytes");
    }
    if (scheme.spkiPrefixHex != null) {
      byte[] prefix = HexFormat.of().parseHex(scheme.spkiPrefixHex);
      byte[] spki = Arrays.copyOf(prefix, prefix.length + raw.length);
      System.arraycopy(raw, 0, spki, prefix.length, raw.length);
      return KeyFactory.getInstance(scheme.keyAlgorithm)
          .generatePublic(new X509EncodedKeySpec(spki));
    }
    AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
    parameters.init(new ECGenParameterSpec(scheme.curve));
    ECParameterSpec spec = parameters.getParameterSpec(ECParameterSpec.class);
    return KeyFactory.getInstance(scheme.keyAlgorithm)
        .generatePublic(new ECPublicKeySpec(point(spec, raw, scheme.keyOrCoordinateLength), spec));
  }

  /**
   * A SEC1 point on the curve of {@code spec}: uncompressed {@code 04 || X || Y} or compressed
   * {@code 02|03 || X}, whose Y is the square root of X^3 + aX + b with the parity of the prefix
   * (the NIST primes are 3 mod 4, so the root is a power). Refuses a point off the curve.
   */
  private static ECPoint point(ECParameterSpec spec, byte[] raw, int coordinate)
      throws GeneralSecurityException {
    BigInteger p = ((ECFieldFp) spec.getCurve().getField()).getP();
    BigInteger x = new BigInteger(1, Arrays.copyOfRange(raw, 1, 1 + coordinate));
    BigInteger rightSide =
        x.pow(3).add(spec.getCurve().getA().multiply(x)).add(spec.getCurve().getB()).mod(p);
    BigInteger y;
    if (raw[0] == 0x04 && raw.length == 1 + 2 * coordinate) {
      y = new BigInteger(1, Arrays.copyOfRange(raw, 1 + coordinate, raw.length));
    } else if ((raw[0] == 0x02 || raw[0] == 0x03) && raw.length == 1 + coordinate) {
      y = rightSide.modPow(p.add(BigInteger.ONE).shiftRight(2), p);
      if (y.testBit(0) != (raw[0] == 0x03)) {
        y = p.subtract(y).mod(p);
      }
    } else {
      throw new GeneralSecurityException("not a SEC1 point");
    }
    if (x.compareTo(p) >= 0 || y.compareTo(p) >= 0 || !y.multiply(y).mod(p).equals(rightSide)) {
      throw new GeneralSecurityException("not a point on " + spec.getCurve());
    }
    return new ECPoint(x, y);
  }
}
