package io.peyvand.protocol;

import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import java.util.Optional;

/**
 * Character rules shared by the validators, and how values are shown in error messages. Lengths
 * called "characters" in the protocol are Unicode code points, not UTF-16 units; sizes in bytes are
 * UTF-8 bytes as they travel on the wire.
 */
final class TextRules {
  /** Longest value quoted in an error message; longer ones are cut and marked. */
  private static final int QUOTE_LIMIT = 40;

  private TextRules() {}

  /** How many characters (code points) the protocol counts in {@code value}. */
  static int length(String value) {
    return value.codePointCount(0, value.length());
  }

  /**
   * The UTF-8 size of {@code value} on the wire. An unpaired surrogate counts 3 bytes (it is
   * refused by {@link #check} anyway).
   */
  static long utf8Bytes(String value) {
    long bytes = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  /**
   * INVALID_ARGUMENT if {@code value} has more than {@code max} characters: "FIELD is N characters
   * long; at most MAX are allowed". Empty otherwise.
   */
  static Optional<Error> tooLong(String field, String value, int max) {
    return tooBig(field, length(value), " characters long", max, "");
  }

  /**
   * INVALID_ARGUMENT if {@code value} is more than {@code max} bytes of UTF-8: "FIELD is N bytes of
   * UTF-8; at most MAX are allowed" and {@code hint}. Empty otherwise.
   */
  static Optional<Error> tooManyBytes(String field, String value, long max, String hint) {
    return tooBig(field, utf8Bytes(value), " bytes of UTF-8", max, hint);
  }

  private static Optional<Error> tooBig(
      String field, long size, String unit, long max, String hint) {
    if (size <= max) {
      return Optional.empty();
    }
    return Optional.of(
        ErrorCodes.error(
            ErrorCode.INVALID_ARGUMENT,
            field + " is " + size + unit + "; at most " + max + " are allowed" + hint));
  }

  /** True for the code units Java strings can hold but UTF-8 cannot carry (unpaired halves). */
  static boolean isUnpairedSurrogate(int codePoint) {
    return Character.getType(codePoint) == Character.SURROGATE;
  }

  /**
   * True for the characters an error message shows as a code, never raw: control characters, format
   * characters (bidirectional overrides, zero-width characters, interlinear annotations), line and
   * paragraph separators (U+2028, U+2029) and unpaired surrogates. Raw, each of them would split a
   * log line, reorder or hide what a reader sees, or not survive UTF-8.
   */
  static boolean isUnprintable(int codePoint) {
    return switch (Character.getType(codePoint)) {
      case Character.CONTROL,
          Character.FORMAT,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR,
          Character.SURROGATE ->
          true;
      default -> false;
    };
  }

  /** True for a line feed, carriage return or tab: the control characters text may contain. */
  static boolean isLineBreakOrTab(int codePoint) {
    return codePoint == '\n' || codePoint == '\r' || codePoint == '\t';
  }

  /**
   * The rule for free text: valid Unicode (no unpaired surrogate) and no control character (Unicode
   * category Cc) except, when {@code lineBreaksAllowed}, line feed, carriage return and tab. The
   * first offending character is named with its position; the code is INVALID_TEXT.
   */
  static Optional<Error> check(String field, String value, boolean lineBreaksAllowed) {
    int position = 0;
    for (int i = 0; i < value.length(); ) {
      int cp = value.codePointAt(i);
      position++;
      if (isUnpairedSurrogate(cp)) {
        return Optional.of(unpairedSurrogate(field, cp, position));
      }
      if (Character.isISOControl(cp) && !(lineBreaksAllowed && isLineBreakOrTab(cp))) {
        return Optional.of(
            ErrorCodes.error(
                ErrorCode.INVALID_TEXT,
                field
                    + " contains the control character "
                    + describe(cp)
                    + " at character "
                    + position
                    + "; remove it ("
                    + (lineBreaksAllowed
                        ? "only line feed, carriage return and tab are allowed"
                        : "no control characters are allowed here")
                    + ")"));
      }
      i += Character.charCount(cp);
    }
    return Optional.empty();
  }

  /** INVALID_TEXT for an unpaired surrogate at a 1-based character position. */
  static Error unpairedSurrogate(String field, int codePoint, int position) {
    return ErrorCodes.error(
        ErrorCode.INVALID_TEXT, field + " " + unpairedSurrogateProblem(codePoint, position));
  }

  /** What is wrong with an unpaired surrogate, without the field's name. */
  static String unpairedSurrogateProblem(int codePoint, int position) {
    return "is not valid Unicode: unpaired surrogate "
        + describe(codePoint)
        + " at character "
        + position
        + "; send well-formed UTF-8 text";
  }

  /**
   * A character for a message: {@code 'x' (U+0078)}, or just {@code U+0007} if it is {@linkplain
   * #isUnprintable unprintable} or unassigned.
   */
  static String describe(int codePoint) {
    String hex = String.format("U+%04X", codePoint);
    if (isUnprintable(codePoint) || !Character.isDefined(codePoint)) {
      return hex;
    }
    return "'" + new String(Character.toChars(codePoint)) + "' (" + hex + ")";
  }

  /**
   * A value for a message: in double quotes, {@linkplain #isUnprintable unprintable} characters
   * (control and format characters, line separators, unpaired surrogates) escaped as \\uXXXX, cut
   * after {@value #QUOTE_LIMIT} characters with "..." so that a huge or hostile value cannot bloat
   * or garble a log line.
   */
  static String quote(String value) {
    StringBuilder out = new StringBuilder("\"");
    int shown = 0;
    for (int i = 0; i < value.length(); ) {
      if (shown == QUOTE_LIMIT) {
        out.append("...");
        break;
      }
      int cp = value.codePointAt(i);
      if (isUnprintable(cp) || cp == '"' || cp == '\\') {
        out.append(String.format("\\u%04X", cp));
      } else {
        out.appendCodePoint(cp);
      }
      shown++;
      i += Character.charCount(cp);
    }
    return out.append('"').toString();
  }
}
