package io.peyvand.broker.calls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.peyvand.broker.model.Address;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The TURN REST API credentials, against a vector computed with openssl. */
class RelayCredentialsTest {
  private static final Instant NOW = Instant.ofEpochSecond(1_796_502_209L - 7_200);

  private static RelayCredentials relay(String secret, Duration lifetime) {
    return new RelayCredentials(
        new RelayCredentials.Settings(secret, lifetime, List.of("turn:127.0.0.1:3478")),
        Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @Test
  void theUsernameIsTheExpiryAndTheUserAndThePasswordIsTheHmacCoturnRecomputes() {
    RelayCredentials.Credential credential =
        relay("s3cret-shared-with-turn", Duration.ofHours(2))
            .issue(new Address("bale", "ali"))
            .orElseThrow();
    assertEquals("1796502209:bale:ali", credential.username());
    // printf %s 1796502209:bale:ali | openssl dgst -binary -sha1 -hmac s3cret-shared-with-turn |
    // base64
    assertEquals("/a1ZlhZt5NogjScWsQM7D8YwRHE=", credential.password());
    assertEquals(Instant.ofEpochSecond(1_796_502_209L), credential.expiresAt());
    assertEquals(List.of("turn:127.0.0.1:3478"), credential.uris());
    assertFalse(credential.toString().contains(credential.password()), "never logged");
  }

  @Test
  void withoutASecretNothingIsIssuedAndBadSettingsAreRefused() {
    RelayCredentials none =
        new RelayCredentials(
            RelayCredentials.Settings.fromConfig(ConfigFactory.defaultReference()),
            Clock.systemUTC());
    assertEquals(Optional.empty(), none.issue(new Address("bale", "ali")));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> relay("short", Duration.ofHours(1)))
            .getMessage()
            .contains("at least 16 bytes"));
    assertThrows(
        IllegalArgumentException.class, () -> relay("s3cret-shared-with-turn", Duration.ZERO));
  }
}
