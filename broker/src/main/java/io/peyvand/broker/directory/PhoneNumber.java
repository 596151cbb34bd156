package io.peyvand.broker.directory;

import java.util.regex.Pattern;

/**
 * A phone number in E.164 form ({@code +} and 8 to 15 digits), the only form the directory hashes,
 * so that every spelling of one number finds the same entry.
 *
 * <p>{@link #parse} accepts what contact books hold, in Iran first:
 *
 * <ul>
 *   <li>Persian and Arabic-Indic digits ({@code ۰۹۱۲...}, {@code ٠٩١٢...}) as their ASCII digits;
 *   <li>spaces, dashes, dots, parentheses and the invisible marks of right-to-left text, dropped;
 *   <li>{@code +98 912 ...}, {@code 0098 912 ...}: international, as is;
 *   <li>{@code 0912 345 6789} (the national trunk prefix 0 and ten digits, mobile or landline such
 *       as {@code 021 ...}): Iranian, {@code +98} and the ten digits;
 *   <li>{@code 912 345 6789} (ten digits starting with 9, the prefix left out): an Iranian mobile;
 *   <li>{@code 98 912 345 6789} (twelve digits starting with 98, the plus left out): Iranian.
 * </ul>
 *
 * An Iranian number ({@code +98}) must have exactly ten digits after the country code. Anything
 * else (letters, a short code, a local number without its area code) is refused with a message that
 * says what was wrong: the directory never guesses a number.
 */
public record PhoneNumber(String e164) {
  private static final String IRAN = "98";
  private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{7,14}");

  public PhoneNumber {
    if (!E164.matcher(e164).matches()) {
      throw new IllegalArgumentException(
          "the number is not in E.164: '+', a country code that does not start with 0, 8 to 15"
              + " digits in all");
    }
    if (e164.startsWith("+" + IRAN) && e164.length() != 1 + IRAN.length() + 10) {
      throw new IllegalArgumentException(
          "the number is not an Iranian number: +98 is followed by exactly ten digits");
    }
  }

  /** The E.164 form of {@code raw}, as a user's contact book spells it; see the class comment. */
  public static PhoneNumber parse(String raw) {
    if (raw == null || raw.isBlank()) {
      throw new IllegalArgumentException("a phone number is empty");
    }
    StringBuilder digits = new StringBuilder();
    boolean plus = false;
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      int digit = digitOf(c);
      if (digit >= 0) {
        digits.append((char) ('0' + digit));
      } else if (c == '+' && digits.isEmpty() && !plus) {
        plus = true;
      } else if (!isSeparator(c)) {
        throw new IllegalArgumentException(
            "the number is not a phone number: '"
                + c
                + "' at position "
                + (i + 1)
                + " (only digits, a leading '+', spaces, dashes, dots and parentheses)");
      }
    }
    String d = digits.toString();
    if (plus) {
      return new PhoneNumber("+" + d);
    }
    if (d.startsWith("00")) {
      return new PhoneNumber("+" + d.substring(2));
    }
    if (d.length() == 11 && d.startsWith("0")) {
      return new PhoneNumber("+" + IRAN + d.substring(1));
    }
    if (d.length() == 10 && d.startsWith("9")) {
      return new PhoneNumber("+" + IRAN + d);
    }
    if (d.length() == 12 && d.startsWith(IRAN)) {
      return new PhoneNumber("+" + d);
    }
    throw new IllegalArgumentException(
        "the number is not one the directory can place: give it with its country code (+98 912"
            + " 345 6789) or in the Iranian national form (0912 345 6789)");
  }

  /** The value of an ASCII, Persian (U+06F0..) or Arabic-Indic (U+0660..) digit, or -1. */
  private static int digitOf(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= '\u06F0' && c <= '\u06F9') {
      return c - '\u06F0';
    }
    if (c >= '\u0660' && c <= '\u0669') {
      return c - '\u0660';
    }
    return -1;
  }

  private static boolean isSeparator(char c) {
    return c == ' '
        || c == '-'
        || c == '.'
        || c == '('
        || c == ')'
        || c == '\u00A0' // no-break space
        || c == '\u200C' // zero-width non-joiner
        || c == '\u200E' // left-to-right mark
        || c == '\u200F' // right-to-left mark
        || c == '\u202A' // left-to-right embedding
        || c == '\u202B' // right-to-left embedding
        || c == '\u202C'; // pop directional formatting
  }

  @Override
  public String toString() {
    return e164;
  }
}
