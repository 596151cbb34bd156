package io.peyvand.protocol;

import com.google.protobuf.ByteString;
import io.peyvand.protocol.mls.MlsFormatException;
import io.peyvand.protocol.mls.MlsMessages;
import io.peyvand.protocol.v1.Delete;
import io.peyvand.protocol.v1.Edit;
import io.peyvand.protocol.v1.EncryptedPayload;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.MediaReference;
import io.peyvand.protocol.v1.Reaction;
import io.peyvand.protocol.v1.Text;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The rules of each content kind of an envelope, and its size. Codes: a required part that is empty
 * is INVALID_FRAME; a value out of range or of the wrong form is INVALID_ARGUMENT; a text with
 * forbidden characters is INVALID_TEXT; a target id is INVALID_MESSAGE_ID.
 */
final class ContentRules {
  /** RFC 6838 type "/" subtype, without parameters. */
  private static final Pattern MIME_TYPE =
      Pattern.compile(
          "[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}");

  private static final int SHA256_BYTES = 32;

  private final ProtocolLimits limits;

  ContentRules(ProtocolLimits limits) {
    this.limits = limits;
  }

  /** The content's kind as named in envelope.proto (text, edit, ...), for messages. */
  static String kind(Envelope envelope) {
    return envelope.getContentCase().name().toLowerCase(Locale.ROOT);
  }

  /**
   * The bytes counted against max content bytes: UTF-8 of text body, edit new_body, reaction emoji,
   * media URL and caption, and the ciphertext. A delete counts 0.
   */
  static long contentBytes(Envelope envelope) {
    return switch (envelope.getContentCase()) {
      case TEXT -> TextRules.utf8Bytes(envelope.getText().getBody());
      case EDIT -> TextRules.utf8Bytes(envelope.getEdit().getNewBody());
      case REACTION -> TextRules.utf8Bytes(envelope.getReaction().getEmoji());
      case MEDIA ->
          TextRules.utf8Bytes(envelope.getMedia().getUrl())
              + TextRules.utf8Bytes(envelope.getMedia().getCaption());
      case ENCRYPTED -> envelope.getEncrypted().getCiphertext().size();
      case DELETE, CALL_RECORD, CONTENT_NOT_SET -> 0;
    };
  }

  /** The first problem of the envelope's content, whose kind must be set. */
  Optional<Error> validate(Envelope envelope) {
    return switch (envelope.getContentCase()) {
      case TEXT -> text(envelope.getText());
      case EDIT -> edit(envelope.getEdit());
      case DELETE -> delete(envelope.getDelete());
      case REACTION -> reaction(envelope.getReaction());
      case MEDIA -> media(envelope.getMedia());
      case ENCRYPTED -> encrypted(envelope.getEncrypted());
      case CALL_RECORD ->
          Optional.of(
              ErrorCodes.error(
                  ErrorCode.INVALID_ARGUMENT,
                  "call_record is written by the broker when a call ends unanswered; a platform"
                      + " cannot submit one (send text, media, encrypted, edit, delete or"
                      + " reaction)"));
      case CONTENT_NOT_SET -> throw new IllegalStateException("content presence is checked first");
    };
  }

  private Optional<Error> text(Text text) {
    if (text.getBody().isEmpty()) {
      return missing("text.body is empty: send the message's text");
    }
    return TextRules.check("text.body", text.getBody(), true);
  }

  private Optional<Error> edit(Edit edit) {
    Optional<Error> target =
        MessageIds.validate(
            edit.getTargetMessageId(), "edit.target_message_id", limits.maxMessageIdLength());
    if (target.isPresent()) {
      return target;
    }
    if (edit.getNewBody().isEmpty()) {
      return missing(
          "edit.new_body is empty: send the new text (to withdraw a message, send a" + " delete)");
    }
    return TextRules.check("edit.new_body", edit.getNewBody(), true);
  }

  private Optional<Error> delete(Delete delete) {
    return MessageIds.validate(
        delete.getTargetMessageId(), "delete.target_message_id", limits.maxMessageIdLength());
  }

  private Optional<Error> reaction(Reaction reaction) {
    Optional<Error> target =
        MessageIds.validate(
            reaction.getTargetMessageId(),
            "reaction.target_message_id",
            limits.maxMessageIdLength());
    if (target.isPresent()) {
      return target;
    }
    String emoji = reaction.getEmoji();
    if (emoji.isEmpty()) {
      return missing(
          "reaction.emoji is empty: set the emoji to add (or, with remove, to" + " withdraw)");
    }
    return TextRules.tooManyBytes("reaction.emoji", emoji, limits.maxEmojiBytes(), " (one emoji)")
        .or(() -> TextRules.check("reaction.emoji", emoji, false));
  }

  private Optional<Error> media(MediaReference media) {
    Optional<Error> url = url(media.getUrl());
    if (url.isPresent()) {
      return url;
    }
    Optional<Error> mimeType = mimeType(media.getMimeType());
    if (mimeType.isPresent()) {
      return mimeType;
    }
    if (media.getSizeBytes() <= 0) {
      return invalid(
          "media.size_bytes is "
              + media.getSizeBytes()
              + ": set the size of the media in bytes, at least 1");
    }
    int digest = media.getSha256().size();
    if (digest == 0) {
      return missing("media.sha256 is empty: set the SHA-256 of the media bytes (32 bytes)");
    }
    if (digest != SHA256_BYTES) {
      return invalid(
          "media.sha256 is "
              + digest
              + " bytes; a SHA-256 is exactly "
              + SHA256_BYTES
              + " bytes (send the raw digest, not its hex or base64 text)");
    }
    return TextRules.check("media.caption", media.getCaption(), true);
  }

  private Optional<Error> url(String url) {
    if (url.isEmpty()) {
      return missing(
          "media.url is empty: set the https URL the recipient's platform fetches the"
              + " media from");
    }
    Optional<Error> text =
        TextRules.tooLong("media.url", url, limits.maxUrlLength())
            .or(() -> TextRules.check("media.url", url, false));
    if (text.isPresent()) {
      return text;
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return invalid(
          "media.url is not a valid URL ("
              + e.getReason()
              + " at index "
              + e.getIndex()
              + "): "
              + TextRules.quote(url));
    }
    String scheme = uri.getScheme();
    String host = uri.getHost();
    boolean https = "https".equalsIgnoreCase(scheme) && host != null && !host.isEmpty();
    boolean localHttp =
        "http".equalsIgnoreCase(scheme)
            && ("localhost".equalsIgnoreCase(host) || "127.0.0.1".equals(host));
    if (!https && !localHttp) {
      return invalid(
          "media.url must be an https:// URL with a host (http:// only to localhost"
              + " or 127.0.0.1, for development), not "
              + TextRules.quote(url));
    }
    return Optional.empty();
  }

  private Optional<Error> mimeType(String mimeType) {
    if (mimeType.isEmpty()) {
      return missing("media.mime_type is empty: set the media's type, e.g. image/jpeg");
    }
    Optional<Error> tooLong =
        TextRules.tooLong("media.mime_type", mimeType, limits.maxMimeTypeLength());
    if (tooLong.isPresent()) {
      return tooLong;
    }
    if (!MIME_TYPE.matcher(mimeType).matches()) {
      return invalid(
          "media.mime_type must be type/subtype without parameters, e.g. image/jpeg,"
              + " not "
              + TextRules.quote(mimeType));
    }
    return Optional.empty();
  }

  private Optional<Error> encrypted(EncryptedPayload encrypted) {
    String scheme = encrypted.getScheme();
    if (scheme.isEmpty()) {
      return missing(
          "encrypted.scheme is empty: name the scheme both platforms agreed on," + " e.g. mls-1");
    }
    Optional<Error> text =
        TextRules.tooLong("encrypted.scheme", scheme, limits.maxSchemeLength())
            .or(() -> TextRules.check("encrypted.scheme", scheme, false));
    if (text.isPresent()) {
      return text;
    }
    if (encrypted.getCiphertext().isEmpty()) {
      return missing("encrypted.ciphertext is empty: send the encrypted payload");
    }
    if (scheme.equals(MlsMessages.SCHEME)) {
      // One MLSMessage (PROTOCOL.md §18.1): its version and wire format only, never its body.
      ByteString header =
          encrypted.getCiphertext().substring(0, Math.min(5, encrypted.getCiphertext().size()));
      try {
        MlsMessages.wireFormat(header.toByteArray());
      } catch (MlsFormatException e) {
        return invalid(
            "encrypted.ciphertext of scheme mls is not an MLSMessage: " + e.error().getMessage());
      }
    }
    return Optional.empty();
  }

  private static Optional<Error> missing(String message) {
    return Optional.of(ErrorCodes.error(ErrorCode.INVALID_FRAME, message));
  }

  private static Optional<Error> invalid(String message) {
    return Optional.of(ErrorCodes.error(ErrorCode.INVALID_ARGUMENT, message));
  }
}
