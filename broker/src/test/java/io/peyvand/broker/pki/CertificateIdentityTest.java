package io.peyvand.broker.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.protocol.tls.CertificateIdentity;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/**
 * The certificate profile's reading side (protocol's CertificateIdentity): one peyvand URI names
 * the identity; anything ambiguous names nobody.
 */
class CertificateIdentityTest {
  private static final KeyPair KEYS = Certificates.keyPair();

  /** A self-signed certificate with this subject and these SAN URIs, as a CA might misissue. */
  private static X509Certificate certificate(String subject, List<String> uris) throws Exception {
    Instant now = Instant.now();
    var builder =
        new JcaX509v3CertificateBuilder(
            new X500Principal(subject),
            BigInteger.TEN,
            Date.from(now),
            Date.from(now.plus(Duration.ofDays(1))),
            new X500Principal(subject),
            KEYS.getPublic());
    if (!uris.isEmpty()) {
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              uris.stream()
                  .map(uri -> new GeneralName(GeneralName.uniformResourceIdentifier, uri))
                  .toArray(GeneralName[]::new)));
    }
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(KEYS.getPrivate())));
  }

  /** The message of the refusal to name an identity from such a certificate; fails if named. */
  private static String refusal(String subject, List<String> uris) throws Exception {
    X509Certificate certificate = certificate(subject, uris);
    return assertThrows(IllegalArgumentException.class, () -> CertificateIdentity.of(certificate))
        .getMessage();
  }

  @Test
  void aPlatformUriNamesThePlatform() throws Exception {
    CertificateIdentity identity =
        CertificateIdentity.of(
            certificate(
                "CN=bale, OU=platform", List.of("https://example.org", "peyvand:platform:bale")));
    assertEquals(CertificateIdentity.Kind.PLATFORM, identity.kind());
    assertEquals("bale", identity.name());
    assertEquals(BigInteger.TEN, identity.serial());
    assertEquals("peyvand:platform:bale (serial a)", identity.toString());
  }

  @Test
  void anAdministratorUriNamesTheAdministrator() throws Exception {
    CertificateIdentity identity =
        CertificateIdentity.of(certificate("CN=ops, OU=admin", List.of("peyvand:admin:ops")));
    assertEquals(CertificateIdentity.Kind.ADMIN, identity.kind());
  }

  @Test
  void aCertificateWithoutAPeyvandUriNamesNobody() throws Exception {
    String refusal = refusal("CN=bale, OU=platform", List.of());
    assertTrue(refusal.contains("names no Peyvand identity"), refusal);
  }

  @Test
  void twoIdentitiesAreAmbiguousAndRefused() throws Exception {
    String refusal =
        refusal("OU=platform", List.of("peyvand:platform:bale", "peyvand:platform:eitaa"));
    assertTrue(refusal.contains("several"), refusal);
  }

  @Test
  void aSubjectContradictingTheUriIsRefused() throws Exception {
    String refusal = refusal("CN=eitaa, OU=platform", List.of("peyvand:platform:bale"));
    assertTrue(refusal.contains("contradicts"), refusal);
  }

  @Test
  void anUnknownKindOrAnInvalidNameIsRefused() throws Exception {
    refusal("OU=x", List.of("peyvand:operator:bale"));
    refusal("OU=x", List.of("peyvand:platform:Bale!"));
  }
}
