package io.peyvand.protocol;

import static io.peyvand.protocol.Fixtures.address;
import static io.peyvand.protocol.Fixtures.assertAccepted;
import static io.peyvand.protocol.Fixtures.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.UserAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressesTest {

  @Test
  void textFormIsParsedIntoPlatformIdAndUserId() {
    assertEquals(address("bale", "bob"), Addresses.parse("bale:bob"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"bale:bob", "soroush_plus-2:u.1234", "eitaa:علی", "rubika:😀x"})
  void formatGivesBackTheTextThatParseRead(String text) {
    UserAddress parsed = Addresses.parse(text);
    assertEquals(text, Addresses.format(parsed));
    assertEquals(parsed, Addresses.parse(Addresses.format(parsed)));
  }

  @Test
  void textWithoutAColonIsRefusedShowingTheExpectedForm() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Addresses.parse("bob"));
    assertTrue(e.getMessage().contains("platform_id:user_id"), e.getMessage());
  }

  @Test
  void textIsSplitAtTheFirstColonSoASecondColonIsRefusedInTheUserId() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Addresses.parse("bale:bob:x"));
    assertTrue(e.getMessage().contains("user_id contains ':'"), e.getMessage());
  }

  @Test
  void upperCasePlatformIdInTextIsRefusedNamingTheAllowedCharacters() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Addresses.parse("Bale:bob"));
    assertTrue(e.getMessage().contains("platform_id"), e.getMessage());
    assertTrue(e.getMessage().contains("a-z, 0-9, '_' and '-'"), e.getMessage());
  }

  @Test
  void emptyUserIdInTextIsRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Addresses.parse("bale:"));
    assertTrue(e.getMessage().contains("user_id is empty"), e.getMessage());
  }

  @Test
  void formattingAnInvalidAddressIsRefusedRatherThanGivingUnparseableText() {
    assertThrows(
        IllegalArgumentException.class, () -> Addresses.format(address("bale", "bob smith")));
  }

  @Test
  void validAddressPasses() {
    assertAccepted(Addresses.validate(address("bale", "bob"), "recipient"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"b", "a23456789012345678901234567890123"})
  void platformIdOutsideTwoTo32CharactersIsRefusedNamingTheRule(String platformId) {
    assertRefused(
        Addresses.validate(address(platformId, "bob"), "recipient"),
        ErrorCode.INVALID_ADDRESS,
        "recipient.platform_id",
        "2-32 characters",
        Integer.toString(platformId.length()));
  }

  @Test
  void platformIdOf32CharactersPasses() {
    assertAccepted(Addresses.validate(address("a".repeat(32), "bob"), "recipient"));
  }

  @Test
  void emptyPlatformIdIsRefusedAsMissing() {
    assertRefused(
        Addresses.validate(address("", "bob"), "sender"),
        ErrorCode.INVALID_ADDRESS,
        "sender.platform_id is empty");
  }

  @Test
  void platformIdStartingWithADigitIsRefused() {
    assertRefused(
        Addresses.validate(address("9bale", "bob"), "sender"),
        ErrorCode.INVALID_ADDRESS,
        "sender.platform_id",
        "must start with a letter");
  }

  @Test
  void platformIdWithAnUpperCaseLetterIsRefusedNamingTheCharacter() {
    assertRefused(
        Addresses.validate(address("baLe", "bob"), "sender"),
        ErrorCode.INVALID_ADDRESS,
        "sender.platform_id",
        "'L'",
        "character 3",
        "lower case");
  }

  @Test
  void platformIdWithDigitsUnderscoreAndDashPasses() {
    assertAccepted(Addresses.validate(address("soroush_plus-2", "bob"), "sender"));
  }

  @Test
  void emptyUserIdIsRefusedAsMissing() {
    assertRefused(
        Addresses.validate(address("bale", ""), "recipient"),
        ErrorCode.INVALID_ADDRESS,
        "recipient.user_id is empty");
  }

  @Test
  void userIdOf128CharactersPassesEvenWhenEachIsASurrogatePair() {
    assertAccepted(Addresses.validate(address("bale", "x".repeat(128)), "recipient"));
    assertAccepted(Addresses.validate(address("bale", "😀".repeat(128)), "recipient"));
  }

  @Test
  void userIdOf129CharactersIsRefusedNamingTheLimitAndTheLength() {
    assertRefused(
        Addresses.validate(address("bale", "x".repeat(129)), "recipient"),
        ErrorCode.INVALID_ADDRESS,
        "recipient.user_id",
        "129 characters",
        "at most 128");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"bob smith", "bob\tsmith", "bob\nsmith", "bob\u00A0smith", "bob\u2003smith"})
  void userIdWithWhitespaceIsRefused(String userId) {
    assertRefused(
        Addresses.validate(address("bale", userId), "recipient"),
        ErrorCode.INVALID_ADDRESS,
        "recipient.user_id",
        "whitespace",
        "character 4");
  }

  @Test
  void userIdWithAColonIsRefused() {
    assertRefused(
        Addresses.validate(address("bale", "bob:1"), "recipient"),
        ErrorCode.INVALID_ADDRESS,
        "recipient.user_id",
        "':'");
  }

  @Test
  void userIdWithAControlCharacterIsInvalidTextNamingTheCharacter() {
    assertRefused(
        Addresses.validate(address("bale", "bob\u0007"), "recipient"),
        ErrorCode.INVALID_TEXT,
        "recipient.user_id",
        "U+0007");
  }

  @Test
  void userIdWithAnUnpairedSurrogateIsInvalidText() {
    assertRefused(
        Addresses.validate(address("bale", "bob\uD83D"), "recipient"),
        ErrorCode.INVALID_TEXT,
        "recipient.user_id",
        "unpaired surrogate",
        "U+D83D");
  }

  @Test
  void platformIdAloneIsValidatedUnderTheGivenFieldName() {
    assertAccepted(Addresses.validatePlatformId("bale", "hello.platform_id"));
    assertRefused(
        Addresses.validatePlatformId("BALE", "hello.platform_id"),
        ErrorCode.INVALID_ADDRESS,
        "hello.platform_id");
  }
}
