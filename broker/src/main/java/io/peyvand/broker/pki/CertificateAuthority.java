package io.peyvand.broker.pki;

import io.peyvand.protocol.tls.CertificateIdentity;
import io.peyvand.protocol.tls.KeyMaterial;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;

/**
 * A development certificate authority kept in a directory ({@link PkiLayout}): creates itself,
 * issues the broker's, the Cassandra nodes', platforms' and administrators' certificates as PKCS#12
 * key stores (key, certificate, CA certificate) protected by one password, and revokes by serial
 * into a CRL signed by the CA. Every issued certificate is recorded in {@code issued.tsv}; the CRL
 * is written again from it on every revocation. In the real deployment the interconnect's (the
 * regulator's) CA does this; the broker only reads the trust store and the CRL.
 */
public final class CertificateAuthority {
  /** How long the CA's certificate is valid. */
  public static final Duration CA_VALIDITY = Duration.ofDays(3650);

  /** How long the certificates it issues are valid, by default. */
  public static final Duration LEAF_VALIDITY = Duration.ofDays(825);

  /** How long a CRL it writes is current (its nextUpdate). */
  public static final Duration CRL_VALIDITY = Duration.ofDays(365);

  private static final String CA_ALIAS = "ca";
  private static final String KEY_ALIAS = "key";

  /** What a certificate was issued for. */
  public enum Kind {
    CA,
    BROKER,
    CASSANDRA,
    PLATFORM,
    ADMIN,
    REGULATOR
  }

  /**
   * One certificate the CA issued, as {@code issued.tsv} records it.
   *
   * @param file the key store written with it (relative to the directory)
   */
  public record Issued(
      BigInteger serial,
      Kind kind,
      String name,
      Instant notAfter,
      Optional<Instant> revokedAt,
      String file) {
    public String serialHex() {
      return serial.toString(16);
    }

    String line() {
      return String.join(
          "\t",
          serialHex(),
          kind.name().toLowerCase(Locale.ROOT),
          name,
          notAfter.toString(),
          revokedAt.map(Instant::toString).orElse("-"),
          file);
    }

    static Issued parse(String line) {
      String[] f = line.split("\t", -1);
      if (f.length != 6) {
        throw new IllegalArgumentException("not an issued.tsv line: " + line);
      }
      return new Issued(
          new BigInteger(f[0], 16),
          Kind.valueOf(f[1].toUpperCase(Locale.ROOT)),
          f[2],
          Instant.parse(f[3]),
          f[4].equals("-") ? Optional.empty() : Optional.of(Instant.parse(f[4])),
          f[5]);
    }
  }

  private final PkiLayout layout;
  private final char[] password;
  private final X509Certificate certificate;
  private final PrivateKey key;
  private final Clock clock;

  private CertificateAuthority(
      PkiLayout layout, char[] password, X509Certificate certificate, PrivateKey key, Clock clock) {
    this.layout = layout;
    this.password = password.clone();
    this.certificate = certificate;
    this.key = key;
    this.clock = clock;
  }

  /**
   * Creates a CA in the layout's directory (which must not hold one yet): its key store, its
   * certificate in PEM, the issued list and an empty CRL.
   */
  public static CertificateAuthority init(
      PkiLayout layout, char[] password, String name, Clock clock) {
    if (Files.exists(layout.caKeyStore())) {
      throw new IllegalStateException(
          "a CA already exists in " + layout.directory() + " (" + layout.caKeyStore() + ")");
    }
    KeyPair keys = Certificates.keyPair();
    X509Certificate certificate =
        Certificates.ca(
            keys, new X500Principal("CN=" + name + ", O=Peyvand"), clock.instant(), CA_VALIDITY);
    PkiLayout.write(
        layout.caKeyStore(),
        keyStore(CA_ALIAS, keys.getPrivate(), new Certificate[] {certificate}, password),
        true);
    PkiLayout.write(
        layout.caCertificate(),
        Certificates.pem(certificate).getBytes(StandardCharsets.US_ASCII),
        false);
    CertificateAuthority ca =
        new CertificateAuthority(layout, password, certificate, keys.getPrivate(), clock);
    ca.writeIndex(
        List.of(
            new Issued(
                certificate.getSerialNumber(),
                Kind.CA,
                name,
                certificate.getNotAfter().toInstant(),
                Optional.empty(),
                relative(layout, layout.caKeyStore()))));
    ca.writeCrl(List.of());
    return ca;
  }

  /** The CA of the layout's directory; IllegalStateException if there is none. */
  public static CertificateAuthority open(PkiLayout layout, char[] password, Clock clock) {
    if (!Files.exists(layout.caKeyStore())) {
      throw new IllegalStateException(
          "no CA in " + layout.directory() + ": create one with ./peyvand pki init");
    }
    KeyStore store = KeyMaterial.keyStore(layout.caKeyStore(), password);
    try {
      return new CertificateAuthority(
          layout,
          password,
          (X509Certificate) store.getCertificate(CA_ALIAS),
          (PrivateKey) store.getKey(CA_ALIAS, password),
          clock);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the CA's key from " + layout.caKeyStore(), e);
    }
  }

  public X509Certificate certificate() {
    return certificate;
  }

  public PkiLayout layout() {
    return layout;
  }

  /** Issues a platform's certificate into {@code platforms/<id>.p12}. */
  public Issued issuePlatform(String platformId, boolean replace) {
    return issue(
        new Certificates.Client(CertificateIdentity.Kind.PLATFORM, platformId),
        Kind.PLATFORM,
        platformId,
        layout.platformKeyStore(platformId),
        replace);
  }

  /** Issues an administrator's certificate into {@code admins/<name>.p12}. */
  public Issued issueAdmin(String name, boolean replace) {
    return issue(
        new Certificates.Client(CertificateIdentity.Kind.ADMIN, name),
        Kind.ADMIN,
        name,
        layout.adminKeyStore(name),
        replace);
  }

  /** Issues a regulator's (read-only) certificate into {@code regulators/<name>.p12}. */
  public Issued issueRegulator(String name, boolean replace) {
    return issue(
        new Certificates.Client(CertificateIdentity.Kind.REGULATOR, name),
        Kind.REGULATOR,
        name,
        layout.regulatorKeyStore(name),
        replace);
  }

  /** Issues the broker's server certificate into {@code broker.p12}. */
  public Issued issueBroker(Certificates.Server names, boolean replace) {
    return issueServer(
        names.as(Certificates.Server.BROKER), Kind.BROKER, layout.brokerKeyStore(), replace);
  }

  /**
   * Issues the Cassandra nodes' server certificate into {@code cassandra.p12}: the CQL port's
   * (client_encryption_options), naming every node's address so that drivers may check it.
   */
  public Issued issueCassandra(Certificates.Server names, boolean replace) {
    return issueServer(
        names.as(Certificates.Server.CASSANDRA),
        Kind.CASSANDRA,
        layout.cassandraKeyStore(),
        replace);
  }

  /** A server certificate, recorded under its names. */
  private Issued issueServer(Certificates.Server names, Kind kind, Path file, boolean replace) {
    List<String> all = new ArrayList<>(names.dnsNames());
    all.addAll(names.ipAddresses());
    return issue(names, kind, String.join(",", all), file, replace);
  }

  private Issued issue(
      Certificates.Subject subject, Kind kind, String name, Path file, boolean replace) {
    if (Files.exists(file) && !replace) {
      throw new IllegalStateException(
          file
              + " exists; pass --force to replace it (the"
              + " certificate it holds stays valid until revoked)");
    }
    KeyPair keys = Certificates.keyPair();
    X509Certificate issued =
        Certificates.issue(
            subject, keys.getPublic(), certificate, key, clock.instant(), LEAF_VALIDITY);
    PkiLayout.write(
        file,
        keyStore(KEY_ALIAS, keys.getPrivate(), new Certificate[] {issued, certificate}, password),
        true);
    Issued record =
        new Issued(
            issued.getSerialNumber(),
            kind,
            name,
            issued.getNotAfter().toInstant(),
            Optional.empty(),
            relative(layout, file));
    List<Issued> all = new ArrayList<>(issued());
    all.add(record);
    writeIndex(all);
    return record;
  }

  /**
   * Revokes the certificate with this serial and writes the CRL again; IllegalArgumentException if
   * the CA issued no such certificate (or it is the CA's own).
   */
  public Issued revoke(BigInteger serial) {
    List<Issued> all = new ArrayList<>(issued());
    for (int i = 0; i < all.size(); i++) {
      Issued entry = all.get(i);
      if (entry.serial().equals(serial)) {
        if (entry.kind() == Kind.CA) {
          throw new IllegalArgumentException(
              "serial "
                  + serial.toString(16)
                  + " is the CA's own"
                  + " certificate; to retire the CA, create a new one");
        }
        if (entry.revokedAt().isPresent()) {
          return entry;
        }
        Issued revoked =
            new Issued(
                entry.serial(),
                entry.kind(),
                entry.name(),
                entry.notAfter(),
                Optional.of(clock.instant()),
                entry.file());
        all.set(i, revoked);
        writeIndex(all);
        writeCrl(all);
        return revoked;
      }
    }
    throw new IllegalArgumentException(
        "this CA issued no certificate with serial "
            + serial.toString(16)
            + " (see ./peyvand pki list)");
  }

  /** Every certificate issued, in order, the CA's own first. */
  public List<Issued> issued() {
    try {
      return Files.readAllLines(layout.index(), StandardCharsets.UTF_8).stream()
          .filter(line -> !line.isBlank() && !line.startsWith("#"))
          .map(Issued::parse)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + layout.index(), e);
    }
  }

  private void writeIndex(List<Issued> all) {
    StringBuilder text = new StringBuilder("# serial\tkind\tname\tnot-after\trevoked-at\tfile\n");
    all.forEach(entry -> text.append(entry.line()).append('\n'));
    PkiLayout.write(layout.index(), text.toString().getBytes(StandardCharsets.UTF_8), false);
  }

  private void writeCrl(List<Issued> all) {
    Map<BigInteger, Instant> revoked = new LinkedHashMap<>();
    all.forEach(entry -> entry.revokedAt().ifPresent(at -> revoked.put(entry.serial(), at)));
    Instant now = clock.instant();
    PkiLayout.write(
        layout.crl(),
        Certificates.pem(
                Certificates.crl(
                    certificate,
                    key,
                    revoked,
                    BigInteger.valueOf(now.toEpochMilli()),
                    now,
                    CRL_VALIDITY))
            .getBytes(StandardCharsets.US_ASCII),
        false);
  }

  private static byte[] keyStore(
      String alias, PrivateKey key, Certificate[] chain, char[] password) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(alias, key, password, chain);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      store.store(bytes, password);
      return bytes.toByteArray();
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot write a PKCS#12 key store", e);
    }
  }

  private static String relative(PkiLayout layout, Path file) {
    return layout.directory().relativize(file).toString();
  }
}
