package io.peyvand.broker.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NumberHasherTest {
  private static final byte[] ONE =
      "k1-0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final byte[] TWO =
      "k2-0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final PhoneNumber NUMBER = PhoneNumber.parse("0912 345 6789");

  @Test
  void theHashIsHmacSha256OfTheE164FormUnderTheKey() throws Exception {
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(ONE, "HmacSHA256"));
    byte[] expected = mac.doFinal("+989123456789".getBytes(StandardCharsets.US_ASCII));

    NumberHasher.KeyedHash hash = new NumberHasher(Map.of(1, ONE)).current(NUMBER);
    assertEquals(1, hash.keyId());
    assertEquals(HexFormat.of().formatHex(expected), HexFormat.of().formatHex(hash.value()));
    assertEquals(
        hash, new NumberHasher(Map.of(1, ONE)).current(PhoneNumber.parse("+98 912 345 6789")));
  }

  @Test
  void anotherKeyGivesAnotherHashAndLookupsAskUnderEveryKeyNewestFirst() {
    NumberHasher rotating = new NumberHasher(Map.of(1, ONE, 2, TWO));
    assertEquals(2, rotating.currentKey());
    List<NumberHasher.KeyedHash> all = rotating.all(NUMBER);
    assertEquals(List.of(2, 1), all.stream().map(NumberHasher.KeyedHash::keyId).toList());
    assertEquals(new NumberHasher(Map.of(1, ONE)).current(NUMBER), all.get(1));
    assertNotEquals(all.get(0), all.get(1));
  }

  @Test
  void weakOrMissingKeysAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new NumberHasher(Map.of()));
    assertThrows(IllegalArgumentException.class, () -> new NumberHasher(Map.of(1, new byte[16])));
    assertThrows(IllegalArgumentException.class, () -> new NumberHasher(Map.of(0, ONE)));
  }
}
