package io.peyvand.broker.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.broker.pki.CertificateAuthority;
import io.peyvand.broker.pki.PkiLayout;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The revocation list as the broker reads it: signed by a trusted CA, reloaded safely. */
class RevocationListTest {
  private static final char[] PASSWORD = "p".toCharArray();
  private static final Clock CLOCK = Clock.systemUTC();

  @TempDir Path dir;

  private CertificateAuthority ca;
  private PkiLayout layout;

  @BeforeEach
  void ca() {
    layout = new PkiLayout(dir.resolve("ca"));
    ca = CertificateAuthority.init(layout, PASSWORD, "CA", CLOCK);
  }

  @Test
  void aReloadReturnsTheNewlyRevokedSerialsOnce() {
    BigInteger bale = ca.issuePlatform("bale", false).serial();
    BigInteger eitaa = ca.issuePlatform("eitaa", false).serial();
    RevocationList list = RevocationList.load(layout.crl(), List.of(ca.certificate()), CLOCK);
    assertEquals(Set.of(), list.reload());

    ca.revoke(bale);
    assertEquals(Set.of(bale), list.reload());
    assertEquals(Set.of(), list.reload());
    ca.revoke(eitaa);
    assertEquals(Set.of(eitaa), list.reload());
    assertEquals(Set.of(bale, eitaa), list.revokedSerials());
  }

  @Test
  void aListSignedByAnotherCaIsRefusedAtStart() {
    PkiLayout other = new PkiLayout(dir.resolve("other"));
    CertificateAuthority.init(other, PASSWORD, "CA", CLOCK); // same name, another key
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> RevocationList.load(other.crl(), List.of(ca.certificate()), CLOCK));
    assertTrue(e.getMessage().contains("not signed by a trusted CA"), e.getMessage());
  }

  @Test
  void aMissingOrGarbledFileIsRefusedAtStart() throws Exception {
    assertThrows(
        IllegalArgumentException.class,
        () -> RevocationList.load(dir.resolve("none.pem"), List.of(ca.certificate()), CLOCK));
    Files.writeString(dir.resolve("garbled.pem"), "-----BEGIN X509 CRL-----\nAAAA\n");
    assertThrows(
        IllegalArgumentException.class,
        () -> RevocationList.load(dir.resolve("garbled.pem"), List.of(ca.certificate()), CLOCK));
  }

  @Test
  void aReloadOfAnUnusableFileKeepsThePreviousList() throws Exception {
    BigInteger bale = ca.issuePlatform("bale", false).serial();
    ca.revoke(bale);
    RevocationList list = RevocationList.load(layout.crl(), List.of(ca.certificate()), CLOCK);
    Files.writeString(layout.crl(), "half a file");
    assertEquals(Set.of(), list.reload());
    assertTrue(list.isRevoked(ca.certificate().getSubjectX500Principal(), bale));

    PkiLayout forger = new PkiLayout(dir.resolve("forger"));
    CertificateAuthority.init(forger, PASSWORD, "CA", CLOCK);
    Files.copy(forger.crl(), layout.crl(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    list.reload();
    assertTrue(
        list.isRevoked(ca.certificate().getSubjectX500Principal(), bale),
        "a forged empty list does not un-revoke");
  }

  @Test
  void aSerialOfAnotherIssuerIsNotRevoked() {
    BigInteger bale = ca.issuePlatform("bale", false).serial();
    ca.revoke(bale);
    RevocationList list = RevocationList.load(layout.crl(), List.of(ca.certificate()), CLOCK);
    assertFalse(list.isRevoked(new javax.security.auth.x500.X500Principal("CN=Other"), bale));
    assertFalse(RevocationList.none().isRevoked(ca.certificate().getSubjectX500Principal(), bale));
  }
}
