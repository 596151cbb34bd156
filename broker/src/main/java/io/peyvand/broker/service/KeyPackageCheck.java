package io.peyvand.broker.service;

import io.peyvand.broker.keys.KeyShelf;
import io.peyvand.protocol.Addresses;
import io.peyvand.protocol.ErrorCodes;
import io.peyvand.protocol.mls.KeyPackage;
import io.peyvand.protocol.mls.KeyPackages;
import io.peyvand.protocol.mls.MlsFormatException;
import io.peyvand.protocol.mls.MlsMessages;
import io.peyvand.protocol.mls.SignatureCheck;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.UserAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the broker checks of a KeyPackage a platform publishes for one of its users (PROTOCOL.md
 * §18.2), in order: it parses (RFC 9420 §10); version mls10 and a cipher suite the platform
 * declared; a basic credential naming exactly the user; a lifetime that holds now and is not too
 * long; both signatures valid. Pure: the bytes, the user, the platform's suites and the time in, a
 * KeyPackage ready to store ({@link KeyShelf.Stored}, not logged yet) or the refusal out.
 */
public final class KeyPackageCheck {
  /** The encryption scheme of MLS content, and a platform's capability to carry it. */
  public static final String SCHEME = MlsMessages.SCHEME;

  /**
   * The cipher suite a platform that lists only {@value #SCHEME} is taken to use (RFC 9420 MTI).
   */
  public static final int DEFAULT_SUITE = 1;

  /** How far ahead a lifetime may start: clocks differ. */
  static final Duration MAX_SKEW = Duration.ofHours(1);

  private static final HexFormat HEX = HexFormat.of();

  private KeyPackageCheck() {}

  /** A KeyPackage ready to store, or why not. */
  public record Outcome(KeyShelf.Stored stored, io.peyvand.protocol.v1.Error refused) {
    public boolean ok() {
      return stored != null;
    }
  }

  /**
   * The MLS cipher suites a platform declared in its encryption schemes: none without {@value
   * #SCHEME}; else those listed as {@code mls-<suite>}, or {@value #DEFAULT_SUITE} when it lists
   * none; every suite of RFC 9420 (1 to 7) for {@code *}, every scheme.
   */
  public static Set<Integer> declaredSuites(List<String> encryptionSchemes) {
    Set<Integer> suites = new TreeSet<>();
    if (encryptionSchemes.contains("*")) {
      // Every scheme, so every suite of RFC 9420 (the broker verifies all seven).
      for (int suite = 1; suite <= 7; suite++) {
        suites.add(suite);
      }
      return suites;
    }
    if (!encryptionSchemes.contains(SCHEME)) {
      return suites;
    }
    for (String scheme : encryptionSchemes) {
      if (scheme.startsWith(SCHEME + "-")) {
        try {
          suites.add(Integer.parseInt(scheme.substring(SCHEME.length() + 1)));
        } catch (NumberFormatException notASuite) {
          // another scheme that starts alike: not a suite
        }
      }
    }
    if (suites.isEmpty()) {
      suites.add(DEFAULT_SUITE);
    }
    return suites;
  }

  /**
   * @param maxLifetime the longest lifetime left that the directory keeps ({@code
   *     peyvand.keys.max-lifetime}: about three months, as MLS libraries give)
   */
  public static Outcome check(
      byte[] bytes, UserAddress user, Set<Integer> suites, Instant now, Duration maxLifetime) {
    KeyPackage keyPackage;
    try {
      keyPackage = KeyPackages.parse(bytes);
    } catch (MlsFormatException e) {
      return refused(e.error());
    }
    if (keyPackage.version() != KeyPackage.MLS10) {
      return refused(
          ErrorCode.INVALID_ARGUMENT,
          "the KeyPackage is of protocol version " + keyPackage.version() + ", not mls10 (1)");
    }
    if (!suites.contains(keyPackage.cipherSuite())) {
      return refused(
          ErrorCode.INVALID_ARGUMENT,
          "cipher suite "
              + keyPackage.cipherSuite()
              + " is not one the platform declared "
              + suites
              + " (encryption_schemes mls-<suite>)");
    }
    if (!keyPackage.identifies(user)) {
      return refused(
          ErrorCode.NOT_PERMITTED,
          "the KeyPackage's credential does not name "
              + Addresses.format(user)
              + ": a platform publishes only for its own users, each KeyPackage with a basic"
              + " credential whose identity is the user's address");
    }
    Instant notBefore = Instant.ofEpochSecond(keyPackage.lifetime().notBefore());
    Instant notAfter = Instant.ofEpochSecond(keyPackage.lifetime().notAfter());
    if (!notAfter.isAfter(now)) {
      return refused(ErrorCode.INVALID_ARGUMENT, "the KeyPackage expired at " + notAfter);
    }
    if (notBefore.isAfter(now.plus(MAX_SKEW))) {
      return refused(ErrorCode.INVALID_ARGUMENT, "the KeyPackage is not valid before " + notBefore);
    }
    if (notAfter.isAfter(now.plus(maxLifetime))) {
      return refused(
          ErrorCode.INVALID_ARGUMENT,
          "the KeyPackage is valid until "
              + notAfter
              + ", more than "
              + maxLifetime.toDays()
              + " days (peyvand.keys.max-lifetime): publish KeyPackages of shorter lifetimes, and"
              + " new ones as they expire");
    }
    SignatureCheck signatures = keyPackage.verifySignatures();
    if (!signatures.valid()) {
      return refused(
          ErrorCode.INVALID_ARGUMENT,
          "the KeyPackage's signatures do not verify with its leaf's signature key (LeafNode "
              + signatures.leafNode()
              + ", KeyPackage "
              + signatures.keyPackage()
              + ")");
    }
    return new Outcome(
        new KeyShelf.Stored(
            HEX.formatHex(keyPackage.reference().orElseThrow().toByteArray()),
            HEX.formatHex(sha256(keyPackage.leafNode().signatureKey().toByteArray())),
            keyPackage.cipherSuite(),
            notBefore,
            notAfter,
            keyPackage.lastResort(),
            KeyShelf.NOT_LOGGED,
            false,
            bytes.clone()),
        null);
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Outcome refused(ErrorCode code, String message) {
    return refused(ErrorCodes.error(code, message));
  }

  private static Outcome refused(io.peyvand.protocol.v1.Error error) {
    return new Outcome(null, error);
  }
}
