package io.peyvand.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.peyvand.protocol.v1.Delete;
import io.peyvand.protocol.v1.Edit;
import io.peyvand.protocol.v1.EncryptedPayload;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.MediaReference;
import io.peyvand.protocol.v1.Reaction;
import io.peyvand.protocol.v1.Text;
import io.peyvand.protocol.v1.UserAddress;
import java.util.Optional;

/** Valid frames to start from, and the assertion every refusal test makes. */
final class Fixtures {
  /** The broker's clock in the tests: 2026-09-21T14:13:20Z. */
  static final long NOW = 1_790_000_000_000L;

  private Fixtures() {}

  static UserAddress address(String platformId, String userId) {
    return UserAddress.newBuilder().setPlatformId(platformId).setUserId(userId).build();
  }

  /** A valid envelope from bale:alice to eitaa:bob, without content. */
  static Envelope.Builder envelope() {
    return Envelope.newBuilder()
        .setMessageId("msg-0001")
        .setSender(address("bale", "alice"))
        .setRecipient(address("eitaa", "bob"))
        .setClientTimestampMs(NOW - 1_000);
  }

  static Envelope.Builder text(String body) {
    return envelope().setText(Text.newBuilder().setBody(body));
  }

  static Envelope.Builder edit(String target, String newBody) {
    return envelope().setEdit(Edit.newBuilder().setTargetMessageId(target).setNewBody(newBody));
  }

  static Envelope.Builder delete(String target) {
    return envelope().setDelete(Delete.newBuilder().setTargetMessageId(target));
  }

  static Envelope.Builder reaction(String target, String emoji) {
    return envelope().setReaction(Reaction.newBuilder().setTargetMessageId(target).setEmoji(emoji));
  }

  /** A valid media reference (https, image/jpeg, 1234 bytes, a 32-byte digest). */
  static MediaReference.Builder media() {
    return MediaReference.newBuilder()
        .setUrl("https://media.bale.example/m/abc?sig=x1")
        .setMimeType("image/jpeg")
        .setSizeBytes(1234)
        .setSha256(ByteString.copyFrom(new byte[32]))
        .setCaption("a photo");
  }

  static Envelope.Builder media(MediaReference.Builder media) {
    return envelope().setMedia(media);
  }

  static Envelope.Builder encrypted(String scheme, byte[] ciphertext) {
    return envelope()
        .setEncrypted(
            EncryptedPayload.newBuilder()
                .setScheme(scheme)
                .setCiphertext(ByteString.copyFrom(ciphertext)));
  }

  /**
   * Asserts a refusal with {@code code} whose message mentions each of {@code mentions}; returns it
   * for further checks.
   */
  static Error assertRefused(Optional<Error> result, ErrorCode code, String... mentions) {
    assertTrue(result.isPresent(), "expected " + code + ", but it was accepted");
    Error error = result.get();
    assertEquals(code, error.getCode(), error.getMessage());
    for (String mention : mentions) {
      assertTrue(
          error.getMessage().contains(mention),
          () -> "the message should mention '" + mention + "': " + error.getMessage());
    }
    assertEquals(0, error.getRetryAfterMs());
    return error;
  }

  /** Asserts that {@code result} is no refusal, showing the refusal if it is one. */
  static void assertAccepted(Optional<Error> result) {
    assertTrue(
        result.isEmpty(),
        () ->
            "expected no problem, got "
                + result.get().getCode()
                + ": "
                + result.get().getMessage());
  }
}
