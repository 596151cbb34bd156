package io.peyvand.broker.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.broker.entity.EntityTestKits;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The revocations entity's logic on the in-memory journal, with event serialization checked. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CertificateRevocationsTest {
  private static final Instant NOW = Instant.parse("2026-11-28T11:00:00.250Z");
  private static final BigInteger SERIAL = new BigInteger("7f3a9c", 16);

  @JUnit5TestKit private final ActorTestKit testKit = EntityTestKits.actorTestKit();
  private EventSourcedBehaviorTestKit<
          CertificateRevocations.Command,
          CertificateRevocations.Event,
          CertificateRevocations.State>
      revocations;

  @BeforeEach
  void fresh() {
    revocations =
        EntityTestKits.of(
            testKit.system(),
            CertificateRevocations.create(
                CertificateRevocations.ENTITY_ID, Clock.fixed(NOW, ZoneOffset.UTC)));
  }

  @Test
  void aRevocationIsPersistedWithWhoWhyAndWhenAndSurvivesARestart() {
    var result =
        revocations.<CertificateRevocations.Listing>runCommand(
            replyTo ->
                new CertificateRevocations.Revoke(
                    SERIAL, "key leaked", "peyvand:admin:ops", replyTo));
    assertEquals(
        new CertificateRevocations.CertificateRevoked(
            SERIAL, "key leaked", NOW, "peyvand:admin:ops"),
        result.event());
    assertEquals(
        List.of(new CertificateRevocations.Revoked(SERIAL, "key leaked", NOW, "peyvand:admin:ops")),
        result.reply().revoked());
    revocations.restart();
    var listing =
        revocations
            .<CertificateRevocations.Listing>runCommand(CertificateRevocations.Get::new)
            .reply();
    assertEquals(Set.of(SERIAL), listing.serials());
  }

  @Test
  void revokingAgainChangesNothingAndKeepsTheFirstReason() {
    revocations.<CertificateRevocations.Listing>runCommand(
        replyTo -> new CertificateRevocations.Revoke(SERIAL, "first", "peyvand:admin:a", replyTo));
    var again =
        revocations.<CertificateRevocations.Listing>runCommand(
            replyTo ->
                new CertificateRevocations.Revoke(SERIAL, "second", "peyvand:admin:b", replyTo));
    assertTrue(again.hasNoEvents());
    assertEquals("first", again.reply().revoked().get(0).reason());
  }

  @Test
  void revocationsKeepTheirOrder() {
    BigInteger other = BigInteger.valueOf(42);
    revocations.<CertificateRevocations.Listing>runCommand(
        replyTo -> new CertificateRevocations.Revoke(SERIAL, "", "peyvand:admin:a", replyTo));
    var listing =
        revocations
            .<CertificateRevocations.Listing>runCommand(
                replyTo -> new CertificateRevocations.Revoke(other, "", "peyvand:admin:a", replyTo))
            .reply();
    assertEquals(
        List.of(SERIAL, other),
        listing.revoked().stream().map(CertificateRevocations.Revoked::serial).toList());
  }

  @Test
  void aSerialIsPositiveAndAReasonShort() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new CertificateRevocations.Revoke(BigInteger.ZERO, "", "a", null));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new CertificateRevocations.Revoke(
                SERIAL, "x".repeat(CertificateRevocations.MAX_REASON + 1), "a", null));
  }
}
