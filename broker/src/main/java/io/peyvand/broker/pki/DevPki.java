package io.peyvand.broker.pki;

import io.peyvand.protocol.tls.KeyMaterial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code ./peyvand dev} and the local cluster need to run over TLS, created on first start:
 * the CA, the broker's certificate (localhost, 127.0.0.1), the Cassandra nodes' certificate (the
 * local cluster's three node addresses, {@link #LOCAL_CASSANDRA}), a certificate for each dev
 * platform, one for the administrator {@value #ADMIN} and one for the regulator {@value
 * #REGULATOR}. Files already there are kept, unless their certificate expires within a day, then it
 * is issued again.
 */
public final class DevPki {
  /** The development administrator's name. */
  public static final String ADMIN = "dev-admin";

  /** The regulator {@code ./peyvand dev} issues a certificate to. */
  public static final String REGULATOR = "dev-regulator";

  /** The broker certificate's names in development. */
  public static final Certificates.Server LOCAL_BROKER =
      new Certificates.Server(List.of("localhost"), List.of("127.0.0.1", "::1"));

  /**
   * The Cassandra certificate's names in development: the local cluster's nodes (127.0.0.1, and
   * 127.0.0.2 and .3 of its ring), so that the driver checks the address it dials.
   */
  public static final Certificates.Server LOCAL_CASSANDRA =
      Certificates.Server.cassandra(
          List.of("localhost"), List.of("127.0.0.1", "127.0.0.2", "127.0.0.3"));

  private DevPki() {}

  /** Creates what is missing; returns one line per file written (empty when none). */
  public static List<String> ensure(PkiSettings settings, List<String> platforms, Clock clock) {
    PkiLayout layout = settings.layout();
    char[] password = settings.password().toCharArray();
    List<String> written = new ArrayList<>();
    // A new CA makes every certificate left from an earlier one useless: issue them all again.
    boolean fresh = !Files.exists(layout.caKeyStore());
    CertificateAuthority ca;
    if (fresh) {
      ca = CertificateAuthority.init(layout, password, "Peyvand development CA", clock);
      written.add(
          "created the development CA "
              + layout.caCertificate()
              + " (revocation list "
              + layout.crl()
              + ")");
    } else {
      ca = CertificateAuthority.open(layout, password, clock);
    }
    if (fresh || needed(layout.brokerKeyStore(), password, clock)) {
      written.add(line("broker", ca.issueBroker(LOCAL_BROKER, true), layout));
    }
    if (fresh || needed(layout.cassandraKeyStore(), password, clock)) {
      written.add(line("Cassandra", ca.issueCassandra(LOCAL_CASSANDRA, true), layout));
    }
    for (String platform : platforms) {
      if (fresh || needed(layout.platformKeyStore(platform), password, clock)) {
        written.add(line("platform " + platform, ca.issuePlatform(platform, true), layout));
      }
    }
    if (fresh || needed(layout.adminKeyStore(ADMIN), password, clock)) {
      written.add(line("administrator " + ADMIN, ca.issueAdmin(ADMIN, true), layout));
    }
    if (fresh || needed(layout.regulatorKeyStore(REGULATOR), password, clock)) {
      written.add(line("regulator " + REGULATOR, ca.issueRegulator(REGULATOR, true), layout));
    }
    return written;
  }

  private static String line(String what, CertificateAuthority.Issued issued, PkiLayout layout) {
    return "issued the "
        + what
        + " certificate "
        + layout.directory().resolve(issued.file())
        + " (serial "
        + issued.serialHex()
        + ")";
  }

  /** Missing, unreadable, or expiring within a day. */
  private static boolean needed(Path keyStore, char[] password, Clock clock) {
    if (!Files.exists(keyStore)) {
      return true;
    }
    try {
      KeyStore store = KeyMaterial.keyStore(keyStore, password);
      X509Certificate certificate =
          (X509Certificate) store.getCertificate(store.aliases().nextElement());
      return certificate
          .getNotAfter()
          .toInstant()
          .isBefore(clock.instant().plus(Duration.ofDays(1)));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      return true;
    }
  }
}
