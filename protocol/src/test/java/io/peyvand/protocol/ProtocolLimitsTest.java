package io.peyvand.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.protocol.v1.Limits;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProtocolLimitsTest {

  @Test
  void defaultsAreTheProtocolsPublishedValues() {
    ProtocolLimits limits = ProtocolLimits.defaults();
    assertEquals(65_536, limits.maxContentBytes());
    assertEquals(128, limits.maxMessageIdLength());
    assertEquals(Duration.ofHours(24), limits.maxClockSkew());
    assertEquals(32, limits.maxEmojiBytes());
    assertEquals(2048, limits.maxUrlLength());
    assertEquals(255, limits.maxMimeTypeLength());
    assertEquals(64, limits.maxSchemeLength());
  }

  @Test
  void wireLimitsCarryContentAndMessageIdLimitsAndTheGivenDeliverySettings() {
    Limits wire = ProtocolLimits.defaults().toWire(100, 30_000);
    assertEquals(65_536, wire.getMaxContentBytes());
    assertEquals(128, wire.getMaxMessageIdLength());
    assertEquals(100, wire.getDeliveryWindow());
    assertEquals(30_000, wire.getRedeliveryAfterMs());
  }

  @Test
  void nonPositiveDeliverySettingsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> ProtocolLimits.defaults().toWire(0, 1));
    assertThrows(IllegalArgumentException.class, () -> ProtocolLimits.defaults().toWire(1, -1));
  }

  @Test
  void nonPositiveLimitIsRefusedNamingIt() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new ProtocolLimits(65_536, 0, Duration.ofHours(24), 32, 2048, 255, 64));
    assertTrue(e.getMessage().contains("maxMessageIdLength"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> new ProtocolLimits(65_536, 128, Duration.ZERO, 32, 2048, 255, 64));
  }
}
