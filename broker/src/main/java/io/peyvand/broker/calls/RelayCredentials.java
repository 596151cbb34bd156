package io.peyvand.broker.calls;

import com.typesafe.config.Config;
import io.peyvand.broker.config.ConfigRecords;
import io.peyvand.broker.model.Address;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-limited credentials for the interconnect's TURN relay, in the "TURN REST API" form that
 * coturn checks with {@code use-auth-secret} and a {@code static-auth-secret} it shares with the
 * broker: the username is {@code <expiry, Unix seconds>:<platform>:<user>} and the password {@code
 * base64(HMAC-SHA1(shared secret, username))}. The relay needs no call to the broker and keeps no
 * user list: it recomputes the password, and refuses it once the expiry has passed. A platform
 * never learns the secret, so it cannot mint credentials for itself or another platform's user.
 */
public final class RelayCredentials {
  /**
   * {@code peyvand.calls.relay}: the secret shared with the relay (empty: no relay, calls go peer
   * to peer only), how long credentials live, and the relay's URIs handed out with them.
   */
  public record Settings(String sharedSecret, Duration lifetime, List<String> uris) {
    public Settings {
      uris = List.copyOf(uris);
      if (lifetime.isNegative() || lifetime.isZero()) {
        throw new IllegalArgumentException(
            "peyvand.calls.relay.lifetime must be positive, not " + lifetime);
      }
      if (!sharedSecret.isEmpty() && sharedSecret.getBytes(StandardCharsets.UTF_8).length < 16) {
        throw new IllegalArgumentException(
            "peyvand.calls.relay.shared-secret must be at least 16 bytes (the relay's"
                + " static-auth-secret); give a long random string");
      }
    }

    public static Settings fromConfig(Config config) {
      return ConfigRecords.read(config.getConfig("peyvand.calls.relay"), Settings.class);
    }

    /** The secret's bytes; empty without a relay. */
    public Optional<byte[]> secret() {
      return sharedSecret.isEmpty()
          ? Optional.empty()
          : Optional.of(sharedSecret.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
      // Never the secret: settings reach logs only this way.
      return "Settings[relay "
          + (sharedSecret.isEmpty() ? "off" : "on")
          + ", lifetime "
          + lifetime
          + ", "
          + uris
          + "]";
    }
  }

  /** What a party is given: the username and password, until when they hold, and where. */
  public record Credential(String username, String password, Instant expiresAt, List<String> uris) {
    @Override
    public String toString() {
      // Never the password: credentials reach logs only this way.
      return "Credential[" + username + ", expires " + expiresAt + ", " + uris + "]";
    }
  }

  private final Settings settings;
  private final Clock clock;

  public RelayCredentials(Settings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  /** Credentials for {@code user}, valid for the configured lifetime; empty without a relay. */
  public Optional<Credential> issue(Address user) {
    if (settings.secret().isEmpty()) {
      return Optional.empty();
    }
    Instant expires = clock.instant().plus(settings.lifetime());
    String username = expires.getEpochSecond() + ":" + user;
    return Optional.of(
        new Credential(
            username,
            password(settings.secret().get(), username),
            Instant.ofEpochSecond(expires.getEpochSecond()),
            settings.uris()));
  }

  static String password(byte[] secret, String username) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(secret, "HmacSHA1"));
      return Base64.getEncoder()
          .encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA1 is not available", e);
    }
  }
}
