package io.peyvand.broker.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.protocol.ErrorCodes;
import io.peyvand.protocol.v1.ErrorCode;
import org.junit.jupiter.api.Test;

class SecurityEventsTest {
  @Test
  void refusalsAreCountedByPlatformAndCode() {
    SecurityEvents events = new SecurityEvents();
    events.refused("bale", "submit", ErrorCodes.error(ErrorCode.NOT_PERMITTED, "x"));
    events.refused("bale", "submit", ErrorCodes.error(ErrorCode.NOT_PERMITTED, "y"));
    events.refused("eitaa", "ack", ErrorCodes.error(ErrorCode.UNKNOWN_SEQUENCE, "z"));
    assertEquals(2L, events.counts().get("bale NOT_PERMITTED"));
    assertEquals(1L, events.counts().get("eitaa UNKNOWN_SEQUENCE"));
    String text = Rendered.text(events::registerIn);
    assertTrue(
        text.contains("peyvand_refusals_total{code=\"NOT_PERMITTED\",platform=\"bale\"} 2"), text);
  }

  @Test
  void claimedPlatformIdsCannotGrowTheSeriesForever() {
    SecurityEvents events = new SecurityEvents();
    for (int i = 0; i < SecurityEvents.MAX_SERIES + 500; i++) {
      events.refused("claimed" + i, "connect", ErrorCodes.error(ErrorCode.UNKNOWN_PLATFORM, "x"));
    }
    assertEquals(SecurityEvents.MAX_SERIES + 1, events.counts().size());
    assertEquals(500L, events.counts().get(SecurityEvents.OTHER + " UNKNOWN_PLATFORM"));
  }

  @Test
  void sessionsClosedByRevocationAreCounted() {
    SecurityEvents events = new SecurityEvents();
    events.sessionsClosedByRevocation(0);
    events.sessionsClosedByRevocation(3);
    assertEquals(3, events.sessionsClosedByRevocation());
    assertTrue(
        Rendered.text(events::registerIn).contains("peyvand_revoked_sessions_closed_total 3"));
  }

  @Test
  void aClaimedPlatformIdIsEscapedInItsLabel() {
    SecurityEvents events = new SecurityEvents();
    events.refused("a\"b\\c\nd", "connect", ErrorCodes.error(ErrorCode.UNKNOWN_PLATFORM, "x"));
    String text = Rendered.text(events::registerIn);
    assertTrue(text.contains("platform=\"a\\\"b\\\\c\\nd\"} 1"), text);
  }
}
