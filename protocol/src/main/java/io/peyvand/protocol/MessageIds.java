package io.peyvand.protocol;

import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import java.util.Optional;

/**
 * The message id rule, shared by message_id, the target of an edit, delete or reaction, and
 * reply_to_message_id: 1 to the configured maximum characters of A-Z a-z 0-9 . _ - :
 */
final class MessageIds {
  static final String ALLOWED = "A-Z a-z 0-9 . _ - :";

  private MessageIds() {}

  /** Empty if {@code id} is a valid message id; else INVALID_MESSAGE_ID naming {@code field}. */
  static Optional<Error> validate(String id, String field, int maxLength) {
    if (id.isEmpty()) {
      return refuse(
          field
              + " is missing: set it to the sender platform's id of the message, 1-"
              + maxLength
              + " characters of "
              + ALLOWED);
    }
    int length = TextRules.length(id);
    if (length > maxLength) {
      return refuse(
          field + " is " + length + " characters long; at most " + maxLength + " are allowed");
    }
    int position = 0;
    for (int i = 0; i < id.length(); ) {
      int cp = id.codePointAt(i);
      position++;
      if (!allowed(cp)) {
        return refuse(
            field
                + " contains "
                + TextRules.describe(cp)
                + " at character "
                + position
                + "; only "
                + ALLOWED
                + " are allowed");
      }
      i += Character.charCount(cp);
    }
    return Optional.empty();
  }

  private static boolean allowed(int cp) {
    return (cp >= 'A' && cp <= 'Z')
        || (cp >= 'a' && cp <= 'z')
        || (cp >= '0' && cp <= '9')
        || cp == '.'
        || cp == '_'
        || cp == '-'
        || cp == ':';
  }

  private static Optional<Error> refuse(String message) {
    return Optional.of(ErrorCodes.error(ErrorCode.INVALID_MESSAGE_ID, message));
  }
}
