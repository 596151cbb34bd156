package io.peyvand.broker.directory;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The directory's keyed hash of a phone number: HMAC-SHA-256 of its E.164 form under a deployment
 * secret, so that a copy of Cassandra alone does not give the numbers (hashing the whole numbering
 * plan without the key is what a plain hash would allow: Iran's mobile numbers are about 10^9).
 *
 * <p>Keys are numbered. Entries are written under the current (highest-numbered) key and carry its
 * number; a lookup asks under every key still configured. Rotation, since the broker cannot hash
 * again what it never stored in the clear: add key N+1 (it becomes current), platforms publish
 * their discoverable users again (they hold the numbers), and once they have, remove key N: its
 * entries are no longer asked for and are deleted (SECURITY.md).
 */
public final class NumberHasher {
  /** Shorter secrets are refused: HMAC-SHA-256's key should be at least its output's length. */
  public static final int MIN_SECRET_BYTES = 32;

  private final TreeMap<Integer, Mac> keys = new TreeMap<>();

  /** A hash under key {@code keyId}. */
  public record KeyedHash(int keyId, byte[] value) {
    @Override
    public boolean equals(Object o) {
      return o instanceof KeyedHash other
          && other.keyId == keyId
          && Arrays.equals(other.value, value);
    }

    @Override
    public int hashCode() {
      return 31 * keyId + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return keyId + ":" + java.util.HexFormat.of().formatHex(value, 0, 4) + "...";
    }
  }

  /** Hashes under {@code secrets} (key number to secret); the highest number is current. */
  public NumberHasher(Map<Integer, byte[]> secrets) {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException(
          "the directory needs at least one key (peyvand.directory.keys)");
    }
    secrets.forEach(
        (id, secret) -> {
          if (id < 1) {
            throw new IllegalArgumentException("directory key numbers start at 1, not " + id);
          }
          if (secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException(
                "directory key "
                    + id
                    + " has "
                    + secret.length
                    + " bytes: give at least "
                    + MIN_SECRET_BYTES
                    + " random bytes");
          }
          try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            keys.put(id, mac);
          } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA-256 is not available", e);
          }
        });
  }

  /** The number of the key new entries are written under. */
  public int currentKey() {
    return keys.lastKey();
  }

  /** {@code number}'s hash under the current key: what publishing stores. */
  public KeyedHash current(PhoneNumber number) {
    return hash(keys.lastKey(), number);
  }

  /** {@code number}'s hash under every configured key, the current one first: what lookups ask. */
  public List<KeyedHash> all(PhoneNumber number) {
    List<KeyedHash> hashes = new ArrayList<>(keys.size());
    for (Integer id : keys.descendingKeySet()) {
      hashes.add(hash(id, number));
    }
    return hashes;
  }

  private KeyedHash hash(int keyId, PhoneNumber number) {
    Mac mac;
    try {
      mac = (Mac) keys.get(keyId).clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("HMAC-SHA-256 cannot be cloned", e);
    }
    return new KeyedHash(keyId, mac.doFinal(number.e164().getBytes(StandardCharsets.US_ASCII)));
  }
}
