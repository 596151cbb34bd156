package io.peyvand.broker.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.broker.tls.RevocationList;
import io.peyvand.protocol.tls.CertificateIdentity;
import io.peyvand.protocol.tls.KeyMaterial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The development CA on disk: what it writes, what the JDK reads back, and revocation. */
class CertificateAuthorityTest {
  private static final char[] PASSWORD = "test-password".toCharArray();
  private static final Clock CLOCK = Clock.systemUTC();

  @TempDir Path dir;

  private CertificateAuthority init() {
    return CertificateAuthority.init(new PkiLayout(dir), PASSWORD, "Test CA", CLOCK);
  }

  @Test
  void initWritesTheCaItsCertificateAnEmptyRevocationListAndTheIssuedList() throws Exception {
    CertificateAuthority ca = init();
    PkiLayout layout = new PkiLayout(dir);
    List<X509Certificate> anchors = KeyMaterial.trustAnchors(layout.caCertificate(), PASSWORD);
    assertEquals(List.of(ca.certificate()), anchors);
    assertTrue(ca.certificate().getBasicConstraints() >= 0, "a CA certificate");
    assertEquals(
        Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
        Files.getPosixFilePermissions(layout.caKeyStore()));
    RevocationList crl = RevocationList.load(layout.crl(), anchors, CLOCK);
    assertEquals(Set.of(), crl.revokedSerials());
    assertEquals(
        List.of(CertificateAuthority.Kind.CA),
        ca.issued().stream().map(CertificateAuthority.Issued::kind).toList());
  }

  @Test
  void aSecondInitIsRefused() {
    init();
    IllegalStateException e = assertThrows(IllegalStateException.class, this::init);
    assertTrue(e.getMessage().contains("already exists"), e.getMessage());
  }

  @Test
  void aPlatformKeyStoreHoldsTheKeyAndAChainToTheCaNamingThePlatform() throws Exception {
    CertificateAuthority ca = init();
    CertificateAuthority.Issued issued = ca.issuePlatform("bale", false);
    Path file = new PkiLayout(dir).platformKeyStore("bale");
    assertEquals("platforms/bale.p12", issued.file());
    KeyStore store = KeyMaterial.keyStore(file, PASSWORD);
    String alias = store.aliases().nextElement();
    assertTrue(store.getKey(alias, PASSWORD) instanceof PrivateKey);
    X509Certificate leaf = (X509Certificate) store.getCertificateChain(alias)[0];
    leaf.verify(ca.certificate().getPublicKey());
    assertEquals(ca.certificate(), store.getCertificateChain(alias)[1]);
    assertEquals(issued.serial(), leaf.getSerialNumber());
    assertEquals(List.of("1.3.6.1.5.5.7.3.2"), leaf.getExtendedKeyUsage(), "clientAuth only");
    CertificateIdentity identity = CertificateIdentity.of(leaf);
    assertEquals(CertificateIdentity.Kind.PLATFORM, identity.kind());
    assertEquals("bale", identity.name());
    assertEquals("CN=bale,OU=platform,O=Peyvand", leaf.getSubjectX500Principal().getName());
  }

  @Test
  void anAdministratorCertificateNamesTheAdministrator() throws Exception {
    CertificateAuthority ca = init();
    ca.issueAdmin("ops", false);
    KeyStore store = KeyMaterial.keyStore(new PkiLayout(dir).adminKeyStore("ops"), PASSWORD);
    X509Certificate leaf = (X509Certificate) store.getCertificate(store.aliases().nextElement());
    CertificateIdentity identity = CertificateIdentity.of(leaf);
    assertEquals(CertificateIdentity.Kind.ADMIN, identity.kind());
    assertEquals("peyvand:admin:ops", identity.uri());
  }

  @Test
  void theBrokerCertificateNamesItsHostsAndIsNoClientIdentity() throws Exception {
    CertificateAuthority ca = init();
    ca.issueBroker(new Certificates.Server(List.of("localhost"), List.of("127.0.0.1")), false);
    KeyStore store = KeyMaterial.keyStore(new PkiLayout(dir).brokerKeyStore(), PASSWORD);
    X509Certificate leaf = (X509Certificate) store.getCertificate(store.aliases().nextElement());
    assertEquals(
        List.of(List.of(2, "localhost"), List.of(7, "127.0.0.1")),
        leaf.getSubjectAlternativeNames().stream().toList());
    assertEquals(List.of("1.3.6.1.5.5.7.3.1"), leaf.getExtendedKeyUsage(), "serverAuth only");
    assertThrows(IllegalArgumentException.class, () -> CertificateIdentity.of(leaf));
  }

  @Test
  void theCassandraCertificateNamesEveryNodeIsServerAuthOnlyAndChainsToTheCa() throws Exception {
    CertificateAuthority ca = init();
    CertificateAuthority.Issued issued = ca.issueCassandra(DevPki.LOCAL_CASSANDRA, false);
    assertEquals("cassandra.p12", issued.file());
    assertEquals(CertificateAuthority.Kind.CASSANDRA, issued.kind());
    assertEquals("localhost,127.0.0.1,127.0.0.2,127.0.0.3", issued.name());
    KeyStore store = KeyMaterial.keyStore(new PkiLayout(dir).cassandraKeyStore(), PASSWORD);
    String alias = store.aliases().nextElement();
    assertTrue(store.getKey(alias, PASSWORD) instanceof PrivateKey);
    java.security.cert.Certificate[] chain = store.getCertificateChain(alias);
    X509Certificate leaf = (X509Certificate) chain[0];
    assertEquals(
        List.of(
            List.of(2, "localhost"),
            List.of(7, "127.0.0.1"),
            List.of(7, "127.0.0.2"),
            List.of(7, "127.0.0.3")),
        subjectAlternativeNames(DevPki.LOCAL_CASSANDRA));
    assertEquals(
        subjectAlternativeNames(DevPki.LOCAL_CASSANDRA),
        leaf.getSubjectAlternativeNames().stream().toList());
    assertEquals(List.of("1.3.6.1.5.5.7.3.1"), leaf.getExtendedKeyUsage(), "serverAuth only");
    assertEquals(
        "CN=peyvand-cassandra,OU=cassandra,O=Peyvand", leaf.getSubjectX500Principal().getName());
    assertEquals(-1, leaf.getBasicConstraints(), "not a CA");
    // The chain the node presents validates to the CA as a trust anchor (PKIX, no revocation).
    java.security.cert.PKIXParameters pkix =
        new java.security.cert.PKIXParameters(
            Set.of(new java.security.cert.TrustAnchor(ca.certificate(), null)));
    pkix.setRevocationEnabled(false);
    java.security.cert.CertPathValidator.getInstance("PKIX")
        .validate(
            java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertPath(List.of(leaf)),
            pkix);
    assertEquals(ca.certificate(), chain[1]);
    // The CA records it, and its file is not the broker's: the broker keeps its own certificate.
    assertTrue(ca.issued().contains(issued));
    assertFalse(Files.exists(new PkiLayout(dir).brokerKeyStore()));
  }

  @Test
  void aServerCertificateIsIssuedForTheRoleOfItsFileWhateverNamesItIsGiven() throws Exception {
    CertificateAuthority ca = init();
    ca.issueBroker(DevPki.LOCAL_CASSANDRA, false);
    KeyStore store = KeyMaterial.keyStore(new PkiLayout(dir).brokerKeyStore(), PASSWORD);
    X509Certificate leaf = (X509Certificate) store.getCertificate(store.aliases().nextElement());
    assertEquals("CN=peyvand-broker,OU=broker,O=Peyvand", leaf.getSubjectX500Principal().getName());
    IllegalArgumentException none =
        assertThrows(
            IllegalArgumentException.class,
            () -> ca.issueCassandra(Certificates.Server.cassandra(List.of(), List.of()), false));
    assertTrue(none.getMessage().contains("a cassandra certificate needs"), none.getMessage());
  }

  /** What getSubjectAlternativeNames answers for a certificate issued for {@code names}. */
  static List<List<?>> subjectAlternativeNames(Certificates.Server names) {
    List<List<?>> all = new java.util.ArrayList<>();
    names.dnsNames().forEach(dns -> all.add(List.of(2, dns)));
    names.ipAddresses().forEach(ip -> all.add(List.of(7, ip)));
    return all;
  }

  @Test
  void issuingOverAnExistingKeyStoreNeedsForce() {
    CertificateAuthority ca = init();
    CertificateAuthority.Issued first = ca.issuePlatform("bale", false);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> ca.issuePlatform("bale", false));
    assertTrue(e.getMessage().contains("--force"), e.getMessage());
    CertificateAuthority.Issued second = ca.issuePlatform("bale", true);
    assertFalse(first.serial().equals(second.serial()));
    assertEquals(3, ca.issued().size(), "the CA and both bale certificates are recorded");
  }

  @Test
  void anInvalidPlatformIdIsRefusedBeforeAnythingIsWritten() {
    CertificateAuthority ca = init();
    assertThrows(IllegalArgumentException.class, () -> ca.issuePlatform("../etc", false));
    assertFalse(Files.exists(dir.resolve("platforms")));
  }

  @Test
  void revokingWritesASignedRevocationListNamingTheSerial() {
    CertificateAuthority ca = init();
    CertificateAuthority.Issued bale = ca.issuePlatform("bale", false);
    CertificateAuthority.Issued eitaa = ca.issuePlatform("eitaa", false);
    CertificateAuthority.Issued revoked = ca.revoke(bale.serial());
    assertTrue(revoked.revokedAt().isPresent());

    CertificateAuthority reopened = CertificateAuthority.open(new PkiLayout(dir), PASSWORD, CLOCK);
    RevocationList crl =
        RevocationList.load(new PkiLayout(dir).crl(), List.of(reopened.certificate()), CLOCK);
    assertEquals(Set.of(bale.serial()), crl.revokedSerials());
    assertTrue(crl.isRevoked(reopened.certificate().getSubjectX500Principal(), bale.serial()));
    assertFalse(crl.isRevoked(reopened.certificate().getSubjectX500Principal(), eitaa.serial()));
    assertTrue(
        reopened.issued().stream()
            .anyMatch(i -> i.serial().equals(bale.serial()) && i.revokedAt().isPresent()));
  }

  @Test
  void revokingAnUnknownSerialOrTheCaItselfIsRefused() {
    CertificateAuthority ca = init();
    IllegalArgumentException unknown =
        assertThrows(IllegalArgumentException.class, () -> ca.revoke(java.math.BigInteger.TEN));
    assertTrue(unknown.getMessage().contains("no certificate with serial a"), unknown.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> ca.revoke(ca.certificate().getSerialNumber()));
  }

  @Test
  void openingWithoutACaSaysHowToCreateOne() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> CertificateAuthority.open(new PkiLayout(dir), PASSWORD, CLOCK));
    assertTrue(e.getMessage().contains("./peyvand pki init"), e.getMessage());
  }
}
