package io.peyvand.broker.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.broker.keys.KeyShelf;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.UserAddress;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The broker's checks of a published KeyPackage on real ones, made by ts-mls (the protocol module's
 * test fixtures, {@code mls/}), at the time they were made.
 */
class KeyPackageCheckTest {
  /** fixtures.json's generated_at: every fixture but the expired one is valid then. */
  private static final Instant MADE = Instant.ofEpochSecond(1796553389L);

  private static final Set<Integer> SUITES_1_2_3 = Set.of(1, 2, 3);

  /** The fixtures' lifetime, ten years: the broker's default limit is 100 days. */
  private static final Duration TEN_YEARS = Duration.ofDays(3652);

  private static byte[] fixture(String name) {
    try (InputStream in = KeyPackageCheckTest.class.getResourceAsStream("/mls/" + name)) {
      if (in == null) {
        throw new IllegalStateException("no fixture mls/" + name + " on the test classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static UserAddress user(String platform, String id) {
    return UserAddress.newBuilder().setPlatformId(platform).setUserId(id).build();
  }

  private static final UserAddress BOB = user("bale", "bob");

  private static KeyPackageCheck.Outcome check(
      String fixture, UserAddress user, Set<Integer> suites) {
    return KeyPackageCheck.check(fixture(fixture), user, suites, MADE, TEN_YEARS);
  }

  private static void assertRefused(KeyPackageCheck.Outcome outcome, ErrorCode code, String says) {
    assertFalse(outcome.ok(), "accepted: " + outcome);
    assertEquals(code, outcome.refused().getCode(), outcome.refused().getMessage());
    assertTrue(outcome.refused().getMessage().contains(says), outcome.refused().getMessage());
  }

  @Test
  void realKeyPackagesOfTheUserPassWithTheirReferenceClientSuiteAndLastResortFlag() {
    KeyShelf.Stored phone = check("kp-bale-bob-phone-s1.bin", BOB, SUITES_1_2_3).stored();
    assertEquals(
        "495a52e64801e588254dd44a57a5596e36480154733e90649fac6ac90bd7c050", phone.reference());
    assertEquals(1, phone.cipherSuite());
    assertFalse(phone.lastResort());
    assertEquals(KeyShelf.NOT_LOGGED, phone.logIndex());
    assertEquals(Instant.ofEpochSecond(2111913389L), phone.notAfter());

    KeyShelf.Stored lastResort =
        check("kp-bale-bob-last-resort-s1.bin", BOB, SUITES_1_2_3).stored();
    assertTrue(lastResort.lastResort());
    KeyShelf.Stored laptop = check("kp-bale-bob-laptop-s2.bin", BOB, SUITES_1_2_3).stored();
    assertEquals(2, laptop.cipherSuite());
    KeyShelf.Stored tablet = check("kp-bale-bob-tablet-s2.bin", BOB, SUITES_1_2_3).stored();
    assertEquals(
        3,
        new java.util.HashSet<>(List.of(phone.client(), laptop.client(), tablet.client())).size(),
        "three devices, three clients: a client is its signature key");
    assertTrue(check("kp-bale-carol-bare-s1.bin", user("bale", "carol"), SUITES_1_2_3).ok());
    assertTrue(check("kp-soroush-dave-s3.bin", user("soroush", "dave"), SUITES_1_2_3).ok());
  }

  @Test
  void aKeyPackageOfAnotherUserOrWithoutABasicCredentialIsNotPermitted() {
    assertRefused(
        check("kp-bale-bob-phone-s1.bin", user("bale", "carol"), SUITES_1_2_3),
        ErrorCode.NOT_PERMITTED,
        "does not name bale:carol");
    assertRefused(
        check("kp-eitaa-alice-s1.bin", user("bale", "alice"), SUITES_1_2_3),
        ErrorCode.NOT_PERMITTED,
        "publishes only for its own users");
    assertRefused(
        check("kp-bale-grace-x509-s1.bin", user("bale", "grace"), SUITES_1_2_3),
        ErrorCode.NOT_PERMITTED,
        "basic");
  }

  @Test
  void anExpiredKeyPackageOrOneBeforeItsTimeIsRefused() {
    assertRefused(
        check("kp-bale-frank-expired-s1.bin", user("bale", "frank"), SUITES_1_2_3),
        ErrorCode.INVALID_ARGUMENT,
        "expired");
    assertRefused(
        KeyPackageCheck.check(
            fixture("kp-bale-bob-phone-s1.bin"),
            BOB,
            SUITES_1_2_3,
            MADE.minusSeconds(3 * 86_400),
            TEN_YEARS),
        ErrorCode.INVALID_ARGUMENT,
        "not valid before");
  }

  @Test
  void aLifetimeLongerThanTheDirectoryKeepsIsRefused() {
    assertRefused(
        KeyPackageCheck.check(
            fixture("kp-bale-bob-phone-s1.bin"), BOB, SUITES_1_2_3, MADE, Duration.ofDays(100)),
        ErrorCode.INVALID_ARGUMENT,
        "more than 100 days (peyvand.keys.max-lifetime)");
  }

  @Test
  void aSuiteThePlatformDidNotDeclareIsRefused() {
    assertRefused(
        check("kp-bale-bob-laptop-s2.bin", BOB, Set.of(1)),
        ErrorCode.INVALID_ARGUMENT,
        "cipher suite 2 is not one the platform declared");
  }

  @Test
  void aSignatureThatDoesNotVerifyOrMalformedBytesAreRefused() {
    byte[] bytes = fixture("kp-bale-bob-phone-s1.bin");
    bytes[bytes.length - 1] ^= 0x01; // the KeyPackage's signature ends the bytes
    assertRefused(
        KeyPackageCheck.check(bytes, BOB, SUITES_1_2_3, MADE, TEN_YEARS),
        ErrorCode.INVALID_ARGUMENT,
        "signatures do not verify");
    byte[] truncated = java.util.Arrays.copyOf(fixture("kp-bale-bob-phone-s1.bin"), 100);
    assertRefused(
        KeyPackageCheck.check(truncated, BOB, SUITES_1_2_3, MADE, TEN_YEARS),
        ErrorCode.INVALID_ARGUMENT,
        "malformed MLS");
  }

  @Test
  void thePlatformsSuitesComeFromItsEncryptionSchemes() {
    assertEquals(Set.of(), KeyPackageCheck.declaredSuites(List.of("signal")));
    assertEquals(Set.of(1), KeyPackageCheck.declaredSuites(List.of("mls")));
    assertEquals(Set.of(1, 2), KeyPackageCheck.declaredSuites(List.of("mls", "mls-1", "mls-2")));
    assertEquals(Set.of(3), KeyPackageCheck.declaredSuites(List.of("mls-3", "mls", "mls-x")));
    assertEquals(
        Set.of(), KeyPackageCheck.declaredSuites(List.of("mls-2")), "mls itself is needed");
  }
}
