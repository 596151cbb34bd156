package io.peyvand.broker.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.protocol.tls.CertificateIdentity;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import java.math.BigInteger;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;

/** Which platform each kind of peer may act for. */
class PeerTest {
  private static final X500Principal CA = new X500Principal("CN=CA");

  private static Peer certified(CertificateIdentity.Kind kind, String name) {
    return new Peer.Certified(new CertificateIdentity(kind, name, BigInteger.TWO, CA));
  }

  @Test
  void aPlatformCertificateActsForItsOwnPlatformOnly() {
    Peer bale = certified(CertificateIdentity.Kind.PLATFORM, "bale");
    assertEquals(Optional.empty(), bale.mayActFor("bale"));
    Error refused = bale.mayActFor("eitaa").orElseThrow();
    assertEquals(ErrorCode.NOT_PERMITTED, refused.getCode());
    assertTrue(
        refused.getMessage().contains("acts for platform bale only, not for eitaa"),
        refused.getMessage());
  }

  @Test
  void anAdministratorCertificateActsForNoPlatform() {
    Peer ops = certified(CertificateIdentity.Kind.ADMIN, "ops");
    assertEquals(ErrorCode.NOT_PERMITTED, ops.mayActFor("ops").orElseThrow().getCode());
    assertEquals(ErrorCode.NOT_PERMITTED, ops.mayActFor("bale").orElseThrow().getCode());
  }

  @Test
  void withoutTlsEveryPlatformIdIsTakenAsGiven() {
    assertEquals(Optional.empty(), Peer.Unverified.INSTANCE.mayActFor("bale"));
    assertEquals(Optional.empty(), Peer.Unverified.INSTANCE.certificate());
  }

  @Test
  void aRefusedPeerActsForNobodyAndSaysWhy() {
    Error error =
        new Peer.Refused("no client certificate was presented").mayActFor("bale").orElseThrow();
    assertEquals(ErrorCode.NOT_PERMITTED, error.getCode());
    assertEquals("no client certificate was presented", error.getMessage());
  }
}
