package io.peyvand.broker.calls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.broker.model.Address;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The credentials the broker issues, on a real coturn relay that shares its secret: they allocate a
 * relay and carry data through it; the same credentials expired, or with a forged password, or
 * minted with another secret, are refused by the relay.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RelayCredentialsIT {
  private static final String SECRET = "relay-it-secret-shared-with-coturn";
  private TurnRelay relay;

  @BeforeAll
  void start() throws Exception {
    relay = TurnRelay.start(SECRET);
  }

  @AfterAll
  void stop() {
    relay.close();
  }

  private static RelayCredentials.Credential issue(String secret, Clock clock) {
    return new RelayCredentials(
            new RelayCredentials.Settings(secret, Duration.ofHours(2), List.of()), clock)
        .issue(new Address("bale", "ali"))
        .orElseThrow();
  }

  @Test
  void issuedCredentialsAllocateARelayAndCarryData() throws Exception {
    RelayCredentials.Credential credential = issue(SECRET, Clock.systemUTC());
    TurnRelay.Result allocated = relay.allocate(credential.username(), credential.password(), 4);
    assertEquals(0, allocated.exit(), allocated.output());
    assertTrue(allocated.output().contains("Total lost packets 0"), allocated.output());
  }

  @Test
  void expiredForgedOrForeignCredentialsAreRefusedByTheRelay() throws Exception {
    RelayCredentials.Credential expired =
        issue(SECRET, Clock.offset(Clock.systemUTC(), Duration.ofHours(-3)));
    RelayCredentials.Credential valid = issue(SECRET, Clock.systemUTC());
    RelayCredentials.Credential foreign = issue("another-deployment-secret", Clock.systemUTC());
    for (TurnRelay.Result refused :
        List.of(
            relay.allocate(expired.username(), expired.password(), 1),
            relay.allocate(valid.username(), "Zm9yZ2VkIHBhc3N3b3Jk", 1),
            relay.allocate(valid.username().replace("bale:ali", "bale:eve"), valid.password(), 1),
            relay.allocate(foreign.username(), foreign.password(), 1))) {
      assertNotEquals(0, refused.exit(), refused.output());
      assertTrue(refused.output().contains("Cannot complete Allocation"), refused.output());
    }
  }
}
