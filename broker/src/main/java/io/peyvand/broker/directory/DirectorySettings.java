package io.peyvand.broker.directory;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code peyvand.directory}: the keys of the numbers' keyed hashes, the allowances of lookups
 * (SECURITY.md says why these figures), and how large a call may be.
 *
 * @param keys key number to secret; the highest number is current
 * @param userAllowance distinct new numbers one user may look up: a burst (the first contact sync)
 *     and a daily refill
 * @param remember how long a number looked up stays free to look up again
 * @param platformNewNumbersPerDay distinct new numbers (new to the user who asks) all users of one
 *     platform may look up in a UTC day, cluster-wide, unless the operator's quota of the platform
 *     says otherwise ({@code ./peyvand admin set-quota --directory-new-numbers-per-day})
 * @param maxNumbersPerCall numbers one Lookup may carry
 * @param snapshotEvery a Lookups entity snapshots after this many events
 */
public record DirectorySettings(
    Map<Integer, byte[]> keys,
    Allowance.Limits userAllowance,
    Duration remember,
    long platformNewNumbersPerDay,
    int maxNumbersPerCall,
    int snapshotEvery) {

  /**
   * The key a development broker uses when it configures none: published in the source, so refused
   * when {@code production}.
   */
  static final byte[] DEVELOPMENT_KEY =
      "peyvand development directory key: not a secret, never for production"
          .getBytes(StandardCharsets.US_ASCII);

  public static DirectorySettings fromConfig(Config config, boolean production) {
    Config d = config.getConfig("peyvand.directory");
    Map<Integer, byte[]> keys = new TreeMap<>();
    Config keyConfig = d.getConfig("keys");
    for (var entry : keyConfig.root().entrySet()) {
      int id;
      try {
        id = Integer.parseInt(entry.getKey());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "peyvand.directory.keys: '"
                + entry.getKey()
                + "' is not a key number; name keys 1, 2, ... (the highest is current)");
      }
      if (entry.getValue().valueType() != ConfigValueType.STRING) {
        throw new IllegalArgumentException(
            "peyvand.directory.keys." + id + " must be a base64 string of random bytes");
      }
      try {
        keys.put(id, Base64.getDecoder().decode(((String) entry.getValue().unwrapped()).trim()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "peyvand.directory.keys." + id + " is not base64: " + e.getMessage());
      }
    }
    if (keys.isEmpty()) {
      if (production) {
        throw new IllegalArgumentException(
            "peyvand.directory.keys names no key, which is refused when peyvand.environment ="
                + " production: set at least one, e.g. keys { \"1\" ="
                + " ${?PEYVAND_DIRECTORY_KEY_1} } with 32 random bytes in base64 (openssl rand"
                + " -base64 32); SECURITY.md explains rotation");
      }
      keys.put(1, DEVELOPMENT_KEY);
    } else if (production
        && keys.values().stream().anyMatch(key -> Arrays.equals(key, DEVELOPMENT_KEY))) {
      throw new IllegalArgumentException("the development directory key is refused in production");
    }
    DirectorySettings settings =
        new DirectorySettings(
            keys,
            new Allowance.Limits(d.getInt("user-burst"), d.getInt("user-per-day")),
            d.getDuration("remember"),
            d.getLong("platform-new-numbers-per-day"),
            d.getInt("max-numbers-per-call"),
            d.getInt("snapshot-every"));
    settings.hasher(); // refuses short secrets now, at start, rather than at the first call
    return settings;
  }

  public DirectorySettings {
    keys = Map.copyOf(keys);
    if (platformNewNumbersPerDay < 1 || maxNumbersPerCall < 1 || snapshotEvery < 1) {
      throw new IllegalArgumentException(
          "peyvand.directory: platform-new-numbers-per-day, max-numbers-per-call and"
              + " snapshot-every must be at least 1");
    }
  }

  public NumberHasher hasher() {
    return new NumberHasher(keys);
  }
}
