package io.peyvand.protocol;

import static io.peyvand.protocol.Fixtures.NOW;
import static io.peyvand.protocol.Fixtures.assertAccepted;
import static io.peyvand.protocol.Fixtures.assertRefused;
import static io.peyvand.protocol.Fixtures.delete;
import static io.peyvand.protocol.Fixtures.edit;
import static io.peyvand.protocol.Fixtures.encrypted;
import static io.peyvand.protocol.Fixtures.media;
import static io.peyvand.protocol.Fixtures.reaction;
import static io.peyvand.protocol.Fixtures.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.protobuf.ByteString;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The rules of each content kind. */
class EnvelopeContentTest {
  private final EnvelopeValidator validator = new EnvelopeValidator();

  private Optional<Error> validate(Envelope.Builder envelope) {
    return validator.validate(envelope.build(), NOW);
  }

  // text

  @Test
  void emptyTextBodyIsRefusedAsAMissingPart() {
    assertRefused(validate(text("")), ErrorCode.INVALID_FRAME, "text.body is empty");
  }

  @Test
  void textBodyWithLineFeedsCarriageReturnsAndTabsPasses() {
    assertAccepted(validate(text("line 1\r\nline 2\n\tindented")));
  }

  @Test
  void textBodyWithAControlCharacterIsInvalidTextNamingItAndItsPosition() {
    assertRefused(
        validate(text("ring\u0007")),
        ErrorCode.INVALID_TEXT,
        "text.body",
        "U+0007",
        "character 5",
        "only line feed, carriage return and tab");
  }

  @Test
  void textBodyWithAC1ControlCharacterIsInvalidText() {
    assertRefused(validate(text("next\u0085line")), ErrorCode.INVALID_TEXT, "text.body", "U+0085");
  }

  @Test
  void textBodyWithAnUnpairedSurrogateIsInvalidText() {
    assertRefused(
        validate(text("half an emoji \uDE00")),
        ErrorCode.INVALID_TEXT,
        "text.body",
        "unpaired surrogate",
        "U+DE00");
  }

  // edit and delete

  @Test
  void editWithoutATargetIsRefusedNamingTheTarget() {
    assertRefused(
        validate(edit("", "new")),
        ErrorCode.INVALID_MESSAGE_ID,
        "edit.target_message_id is missing");
  }

  @Test
  void editWithAnEmptyNewBodyIsRefusedPointingToDelete() {
    assertRefused(
        validate(edit("msg-0000", "")),
        ErrorCode.INVALID_FRAME,
        "edit.new_body is empty",
        "delete");
  }

  @Test
  void editNewBodyWithAControlCharacterIsInvalidText() {
    assertRefused(
        validate(edit("msg-0000", "\u001b[31mred")),
        ErrorCode.INVALID_TEXT,
        "edit.new_body",
        "U+001B");
  }

  @Test
  void deleteWithAMalformedTargetIsRefusedNamingTheTarget() {
    assertRefused(
        validate(delete("msg/1")), ErrorCode.INVALID_MESSAGE_ID, "delete.target_message_id", "'/'");
  }

  // reaction

  @Test
  void reactionWithoutATargetIsRefused() {
    assertRefused(
        validate(reaction("", "👍")),
        ErrorCode.INVALID_MESSAGE_ID,
        "reaction.target_message_id is missing");
  }

  @Test
  void reactionWithoutAnEmojiIsRefusedEvenWhenRemoving() {
    Envelope.Builder removal = reaction("msg-0000", "");
    removal.getReactionBuilder().setRemove(true);
    assertRefused(validate(removal), ErrorCode.INVALID_FRAME, "reaction.emoji is empty");
  }

  @Test
  void removingAReactionPasses() {
    Envelope.Builder removal = reaction("msg-0000", "❤️");
    removal.getReactionBuilder().setRemove(true);
    assertAccepted(validate(removal));
  }

  @Test
  void aFamilyEmojiOfSeveralCodePointsWithin32BytesPasses() {
    assertAccepted(validate(reaction("msg-0000", "👨‍👩‍👧‍👦")));
  }

  @Test
  void emojiOverThirtyTwoBytesIsRefusedWithItsSizeAndTheLimit() {
    assertRefused(
        validate(reaction("msg-0000", "👍".repeat(9))),
        ErrorCode.INVALID_ARGUMENT,
        "reaction.emoji",
        "36 bytes",
        "at most 32");
  }

  @Test
  void emojiWithALineFeedIsInvalidText() {
    assertRefused(
        validate(reaction("msg-0000", "👍\n")), ErrorCode.INVALID_TEXT, "reaction.emoji", "U+000A");
  }

  // media

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://cdn.bale.example/a.jpg",
        "HTTPS://cdn.bale.example:8443/a",
        "http://localhost:8080/media/1",
        "http://127.0.0.1/m"
      })
  void mediaUrlOverHttpsOrToLocalhostOverHttpPasses(String url) {
    assertAccepted(validate(media(media().setUrl(url))));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://cdn.bale.example/a.jpg",
        "ftp://cdn.bale.example/a.jpg",
        "https:///no-host",
        "https:opaque",
        "/relative/path",
        "http://10.0.0.1/a"
      })
  void mediaUrlThatIsNotHttpsIsRefusedSayingHttpsIsRequired(String url) {
    assertRefused(
        validate(media(media().setUrl(url))), ErrorCode.INVALID_ARGUMENT, "media.url", "https://");
  }

  @Test
  void mediaUrlWithASpaceIsRefusedAsNotAUrl() {
    assertRefused(
        validate(media(media().setUrl("https://cdn.example/a b.jpg"))),
        ErrorCode.INVALID_ARGUMENT,
        "media.url is not a valid URL",
        "index 21");
  }

  @Test
  void mediaUrlWithAControlCharacterIsInvalidText() {
    assertRefused(
        validate(media(media().setUrl("https://cdn.example/a\u0000.jpg"))),
        ErrorCode.INVALID_TEXT,
        "media.url",
        "U+0000");
  }

  /** Fuzzing finding: the quoted URL carried a line separator and a bidi override raw. */
  @Test
  void mediaUrlWithALineSeparatorOrABidiOverrideIsQuotedWithThemEscaped() {
    Error error =
        assertRefused(
            validate(media(media().setUrl("https://cdn.example/a\u2028b\u202Ec.jpg"))),
            ErrorCode.INVALID_ARGUMENT,
            "media.url is not a valid URL",
            "\"https://cdn.example/a\\u2028b\\u202Ec.jpg\"");
    assertFalse(error.getMessage().contains("\u2028"), error.getMessage());
    assertFalse(error.getMessage().contains("\u202E"), error.getMessage());
  }

  @Test
  void emptyMediaUrlIsRefusedAsAMissingPart() {
    assertRefused(
        validate(media(media().setUrl(""))), ErrorCode.INVALID_FRAME, "media.url is empty");
  }

  @Test
  void mediaUrlOverTheLengthLimitIsRefusedWithItsLength() {
    String url = "https://cdn.example/" + "a".repeat(2029);
    assertRefused(
        validate(media(media().setUrl(url))),
        ErrorCode.INVALID_ARGUMENT,
        "media.url",
        "2049 characters",
        "at most 2048");
  }

  @Test
  void emptyMimeTypeIsRefusedWithAnExample() {
    assertRefused(
        validate(media(media().setMimeType(""))),
        ErrorCode.INVALID_FRAME,
        "media.mime_type is empty",
        "image/jpeg");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "jpeg",
        "image/",
        "/jpeg",
        "image/jpeg; q=1",
        "text/plain;charset=utf-8",
        "image /jpeg"
      })
  void mimeTypeNotOfTheFormTypeSlashSubtypeIsRefused(String mimeType) {
    assertRefused(
        validate(media(media().setMimeType(mimeType))),
        ErrorCode.INVALID_ARGUMENT,
        "media.mime_type",
        "type/subtype");
  }

  @Test
  void mimeTypesWithVendorTreesAndSuffixesPass() {
    assertAccepted(validate(media(media().setMimeType("application/vnd.bale.sticker+json"))));
  }

  @Test
  void mimeTypeOverTheLengthLimitIsRefused() {
    assertRefused(
        validate(media(media().setMimeType("image/" + "x".repeat(250)))),
        ErrorCode.INVALID_ARGUMENT,
        "media.mime_type",
        "256 characters",
        "at most 255");
  }

  @ParameterizedTest
  @ValueSource(longs = {0, -1})
  void mediaSizeBelowOneByteIsRefused(long size) {
    assertRefused(
        validate(media(media().setSizeBytes(size))),
        ErrorCode.INVALID_ARGUMENT,
        "media.size_bytes is " + size);
  }

  @Test
  void missingSha256IsRefusedAsAMissingPart() {
    assertRefused(
        validate(media(media().setSha256(ByteString.EMPTY))),
        ErrorCode.INVALID_FRAME,
        "media.sha256 is empty",
        "32 bytes");
  }

  @Test
  void sha256SentAsHexTextIsRefusedNamingTheRequiredLength() {
    ByteString hex = ByteString.copyFromUtf8("ab".repeat(32));
    assertRefused(
        validate(media(media().setSha256(hex))),
        ErrorCode.INVALID_ARGUMENT,
        "media.sha256 is 64 bytes",
        "exactly 32 bytes",
        "not its hex");
  }

  @Test
  void mediaWithoutCaptionPasses() {
    assertAccepted(validate(media(media().clearCaption())));
  }

  @Test
  void captionWithAControlCharacterIsInvalidText() {
    assertRefused(
        validate(media(media().setCaption("a\u0008b"))),
        ErrorCode.INVALID_TEXT,
        "media.caption",
        "U+0008");
  }

  // encrypted

  @Test
  void emptySchemeIsRefusedAsAMissingPart() {
    assertRefused(
        validate(encrypted("", new byte[] {1})),
        ErrorCode.INVALID_FRAME,
        "encrypted.scheme is empty");
  }

  @Test
  void schemeOverTheLengthLimitIsRefused() {
    assertRefused(
        validate(encrypted("s".repeat(65), new byte[] {1})),
        ErrorCode.INVALID_ARGUMENT,
        "encrypted.scheme",
        "65 characters",
        "at most 64");
  }

  @Test
  void schemeWithAControlCharacterIsInvalidText() {
    assertRefused(
        validate(encrypted("mls\t1", new byte[] {1})),
        ErrorCode.INVALID_TEXT,
        "encrypted.scheme",
        "U+0009");
  }

  @Test
  void emptyCiphertextIsRefusedAsAMissingPart() {
    assertRefused(
        validate(encrypted("mls-1", new byte[0])),
        ErrorCode.INVALID_FRAME,
        "encrypted.ciphertext is empty");
  }

  @Test
  void mlsContentMustBeAnMlsMessageOfAKnownWireFormat() throws Exception {
    for (String file : List.of("welcome.bin", "app-1-alice.bin", "commit-add-bob.bin")) {
      byte[] message;
      try (var in = getClass().getResourceAsStream("/mls/" + file)) {
        message = in.readAllBytes();
      }
      assertEquals(Optional.empty(), validate(encrypted("mls", message)), file);
    }
    assertRefused(
        validate(encrypted("mls", new byte[] {0, 1, 0, 9, 1})),
        ErrorCode.INVALID_ARGUMENT,
        "encrypted.ciphertext of scheme mls is not an MLSMessage",
        "wire_format 9");
    assertRefused(
        validate(encrypted("mls", "hello".getBytes(java.nio.charset.StandardCharsets.UTF_8))),
        ErrorCode.INVALID_ARGUMENT,
        "not an MLSMessage");
    // Another scheme's ciphertext is not read at all.
    assertEquals(Optional.empty(), validate(encrypted("signal", new byte[] {1})));
  }
}
