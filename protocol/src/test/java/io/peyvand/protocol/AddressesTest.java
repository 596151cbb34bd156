package io.peyvand.protocol;

import static io.peyvand.protocol.Fixtures.address;
import static io.peyvand.protocol.Fixtures.assertAccepted;
import static io.peyvand.protocol.Fixtures.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.UserAddress;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
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

  /** Text that is not an address, and what the refusal must say. */
  static Stream<Arguments> unparseableText() {
    return Stream.of(
        Arguments.of(
            "textWithoutAColonIsRefusedShowingTheExpectedForm",
            "bob",
            List.of("platform_id:user_id")),
        Arguments.of(
            "textIsSplitAtTheFirstColonSoASecondColonIsRefusedInTheUserId",
            "bale:bob:x",
            List.of("user_id contains ':'")),
        Arguments.of(
            "upperCasePlatformIdInTextIsRefusedNamingTheAllowedCharacters",
            "Bale:bob",
            List.of("platform_id", "a-z, 0-9, '_' and '-'")),
        Arguments.of("emptyUserIdInTextIsRefused", "bale:", List.of("user_id is empty")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unparseableText")
  void textThatIsNotAnAddressIsRefusedSayingWhy(String behaviour, String text, List<String> says) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Addresses.parse(text));
    for (String fragment : says) {
      assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
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

  /** Addresses the rules refuse, the field named, the code and what the refusal must say. */
  static Stream<Arguments> refusedAddresses() {
    return Stream.of(
        Arguments.of(
            "emptyPlatformIdIsRefusedAsMissing",
            address("", "bob"),
            "sender",
            ErrorCode.INVALID_ADDRESS,
            List.of("sender.platform_id is empty")),
        Arguments.of(
            "platformIdStartingWithADigitIsRefused",
            address("9bale", "bob"),
            "sender",
            ErrorCode.INVALID_ADDRESS,
            List.of("sender.platform_id", "must start with a letter")),
        Arguments.of(
            "platformIdWithAnUpperCaseLetterIsRefusedNamingTheCharacter",
            address("baLe", "bob"),
            "sender",
            ErrorCode.INVALID_ADDRESS,
            List.of("sender.platform_id", "'L'", "character 3", "lower case")),
        Arguments.of(
            "emptyUserIdIsRefusedAsMissing",
            address("bale", ""),
            "recipient",
            ErrorCode.INVALID_ADDRESS,
            List.of("recipient.user_id is empty")),
        Arguments.of(
            "userIdOf129CharactersIsRefusedNamingTheLimitAndTheLength",
            address("bale", "x".repeat(129)),
            "recipient",
            ErrorCode.INVALID_ADDRESS,
            List.of("recipient.user_id", "129 characters", "at most 128")),
        Arguments.of(
            "userIdWithAColonIsRefused",
            address("bale", "bob:1"),
            "recipient",
            ErrorCode.INVALID_ADDRESS,
            List.of("recipient.user_id", "':'")),
        Arguments.of(
            "userIdWithAControlCharacterIsInvalidTextNamingTheCharacter",
            address("bale", "bob\u0007"),
            "recipient",
            ErrorCode.INVALID_TEXT,
            List.of("recipient.user_id", "U+0007")),
        Arguments.of(
            "userIdWithAnUnpairedSurrogateIsInvalidText",
            address("bale", "bob\uD83D"),
            "recipient",
            ErrorCode.INVALID_TEXT,
            List.of("recipient.user_id", "unpaired surrogate", "U+D83D")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedAddresses")
  void anAddressBreakingARuleIsRefusedNamingTheFieldAndTheRule(
      String behaviour, UserAddress address, String field, ErrorCode code, List<String> says) {
    assertRefused(Addresses.validate(address, field), code, says.toArray(String[]::new));
  }

  @Test
  void platformIdWithDigitsUnderscoreAndDashPasses() {
    assertAccepted(Addresses.validate(address("soroush_plus-2", "bob"), "sender"));
  }

  @Test
  void userIdOf128CharactersPassesEvenWhenEachIsASurrogatePair() {
    assertAccepted(Addresses.validate(address("bale", "x".repeat(128)), "recipient"));
    assertAccepted(Addresses.validate(address("bale", "😀".repeat(128)), "recipient"));
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
  void platformIdAloneIsValidatedUnderTheGivenFieldName() {
    assertAccepted(Addresses.validatePlatformId("bale", "hello.platform_id"));
    assertRefused(
        Addresses.validatePlatformId("BALE", "hello.platform_id"),
        ErrorCode.INVALID_ADDRESS,
        "hello.platform_id");
  }
}
