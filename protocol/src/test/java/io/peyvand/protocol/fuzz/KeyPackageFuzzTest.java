package io.peyvand.protocol.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.peyvand.protocol.mls.CipherSuite;
import io.peyvand.protocol.mls.KeyPackage;
import io.peyvand.protocol.mls.KeyPackages;
import io.peyvand.protocol.mls.MlsFormatException;
import io.peyvand.protocol.v1.ErrorCode;
import java.util.EnumSet;
import java.util.Set;

/**
 * Arbitrary bytes as a platform may publish them to the KeyPackage directory, through {@link
 * KeyPackages#parse}. Asserts, for every input:
 *
 * <ol>
 *   <li>parsing returns a KeyPackage or throws {@link MlsFormatException} carrying a clear error
 *       (INVALID_ARGUMENT or CONTENT_TOO_LARGE, see {@link WireChecks#assertClearError}) whose
 *       offset lies within the input; any other throwable is a finding;
 *   <li>an accepted KeyPackage reads back equal from its own bytes, has a KeyPackageRef exactly
 *       when its suite is one of RFC 9420's, and checking its signatures returns normally (hostile
 *       keys and signatures are INVALID, never an exception).
 * </ol>
 *
 * <p>Seeds: KeyPackages made by ts-mls (copies of src/test/resources/mls, checked by {@link
 * SeedCorpusTest}) in {@code KeyPackageFuzzTestInputs/} beside this class in the test resources:
 * suites 1, 2 (compressed and uncompressed keys) and 77, last-resort, bare, x509. The build fuzzes
 * for {@code peyvand.fuzz.seconds}; without {@code JAZZER_FUZZ} it replays the seeds only.
 */
class KeyPackageFuzzTest {
  /** The fuzz test's method name: Jazzer's seed directory is named after it. */
  static final String METHOD = "anyBytesAreAKeyPackageOrAClearRefusal";

  /** The codes an MlsFormatException carries. */
  static final Set<ErrorCode> MLS_CODES =
      EnumSet.of(ErrorCode.INVALID_ARGUMENT, ErrorCode.CONTENT_TOO_LARGE);

  @FuzzTest(maxDuration = "10s")
  void anyBytesAreAKeyPackageOrAClearRefusal(byte[] bytes) {
    KeyPackage keyPackage;
    try {
      keyPackage = KeyPackages.parse(bytes);
    } catch (MlsFormatException refused) {
      WireChecks.assertClearError(refused.error(), MLS_CODES);
      assertTrue(
          refused.offset() >= 0 && refused.offset() <= bytes.length,
          () -> "offset " + refused.offset() + " outside " + bytes.length + " bytes");
      return;
    }
    assertEquals(
        keyPackage,
        KeyPackages.parse(keyPackage.encoded().toByteArray()),
        "an accepted KeyPackage must read back equal from its own bytes");
    assertEquals(
        CipherSuite.of(keyPackage.cipherSuite()).isPresent(), keyPackage.reference().isPresent());
    keyPackage.verifySignatures();
  }
}
