package io.peyvand.broker.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PhoneNumberTest {
  private static final String MOBILE = "+989123456789";

  @Test
  void everySpellingOfAnIranianMobileIsOneNumber() {
    for (String raw :
        new String[] {
          "+98 912 345 6789",
          "+989123456789",
          "0098 912 345 6789",
          "0912 345 6789",
          "0912-345-6789",
          "(0912) 345.6789",
          "912 345 6789",
          "98 912 345 6789",
          "۰۹۱۲۳۴۵۶۷۸۹", // Persian digits
          "٠٩١٢٣٤٥٦٧٨٩", // Arabic-Indic digits
          "\u200F+98\u00A0912\u200C345 6789", // right-to-left marks and no-break spaces
        }) {
      assertEquals(MOBILE, PhoneNumber.parse(raw).e164(), raw);
    }
  }

  @Test
  void iranianLandlinesAndOtherCountriesKeepTheirDigits() {
    assertEquals("+982188776655", PhoneNumber.parse("021 8877 6655").e164());
    assertEquals("+4915112345678", PhoneNumber.parse("+49 151 1234 5678").e164());
    assertEquals("+4915112345678", PhoneNumber.parse("0049 151 1234 5678").e164());
  }

  @Test
  void whatCannotBePlacedIsRefusedWithWhatToFix() {
    assertTrue(refusal("0912 345 678x").contains("'x' at position 13"));
    assertTrue(refusal("8877 6655").contains("with its country code"));
    assertTrue(refusal("+98 912 345 67").contains("exactly ten digits"));
    assertTrue(refusal("+0912345678").contains("E.164"));
    assertThrows(IllegalArgumentException.class, () -> PhoneNumber.parse("  "));
    // Refusals are logged as security events: they never repeat the number.
    for (String bad : List.of("0912 345 678x", "8877 6655", "+98 912 345 67", "+0912345678")) {
      String message = refusal(bad);
      assertFalse(message.contains(bad.replace(" ", "").substring(1, 7)), message);
    }
    assertThrows(IllegalArgumentException.class, () -> PhoneNumber.parse("+98+912"));
    assertThrows(IllegalArgumentException.class, () -> PhoneNumber.parse("+1234567890123456"));
  }

  /** The message of the refusal to parse {@code raw}; fails if it parses. */
  private static String refusal(String raw) {
    return assertThrows(IllegalArgumentException.class, () -> PhoneNumber.parse(raw)).getMessage();
  }
}
