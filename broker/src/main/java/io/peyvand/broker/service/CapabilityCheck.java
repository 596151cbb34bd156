package io.peyvand.broker.service;

import io.peyvand.broker.model.Capabilities;
import io.peyvand.broker.model.Content;
import io.peyvand.broker.model.Message;
import io.peyvand.protocol.ErrorCodes;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Whether the recipient's platform can honour a message. Answers the missing capability in words
 * the sender's platform can show ("capability reactions: ..."), or empty when it can. The edit
 * window needs the original message's time and is checked by the recipient's mailbox.
 */
public final class CapabilityCheck {
  private CapabilityCheck() {}

  /**
   * The refusal of a message the recipient's platform cannot honour: CAPABILITY_NOT_SUPPORTED with
   * {@link #missing}'s words; empty when it can.
   */
  public static Optional<Error> refusal(Capabilities c, Message m) {
    return missing(c, m).map(why -> ErrorCodes.error(ErrorCode.CAPABILITY_NOT_SUPPORTED, why));
  }

  public static Optional<String> missing(Capabilities c, Message m) {
    if (!m.replyToMessageId().isEmpty() && !c.replies()) {
      return missing("replies", "the recipient's platform does not support replies");
    }
    Content content = m.content();
    if (content instanceof Content.Text t) {
      return textTooLong(c, t.body(), "text");
    }
    if (content instanceof Content.Edit e) {
      return c.edits()
          ? textTooLong(c, e.newBody(), "edits")
          : missing("edits", "the recipient's platform does not support edits");
    }
    if (content instanceof Content.Delete) {
      return c.deletes()
          ? Optional.empty()
          : missing("deletes", "the recipient's platform does not support deletes");
    }
    if (content instanceof Content.Reaction) {
      return c.reactions()
          ? Optional.empty()
          : missing("reactions", "the recipient's platform does not support reactions");
    }
    if (content instanceof Content.Media media) {
      if (!c.media()) {
        return missing("media", "the recipient's platform does not accept media");
      }
      if (c.maxMediaBytes() > 0 && media.sizeBytes() > c.maxMediaBytes()) {
        return missing(
            "media",
            "the recipient's platform accepts media of at most "
                + c.maxMediaBytes()
                + " bytes, this is "
                + media.sizeBytes());
      }
      return textTooLong(c, media.caption(), "media");
    }
    if (content instanceof Content.Encrypted e && !c.carriesScheme(e.scheme())) {
      return missing(
          "encryption",
          "the recipient's platform does not carry encryption scheme '"
              + e.scheme()
              + "' (it carries "
              + c.encryptionSchemes()
              + ")");
    }
    return Optional.empty();
  }

  private static Optional<String> textTooLong(Capabilities c, String text, String capability) {
    int bytes = text.getBytes(StandardCharsets.UTF_8).length;
    if (c.maxTextBytes() > 0 && bytes > c.maxTextBytes()) {
      return missing(
          capability,
          "the recipient's platform accepts text of at most "
              + c.maxTextBytes()
              + " bytes, this is "
              + bytes);
    }
    return Optional.empty();
  }

  private static Optional<String> missing(String capability, String why) {
    return Optional.of("capability " + capability + ": " + why);
  }
}
