package io.peyvand.protocol.tls;

import io.peyvand.protocol.Addresses;
import java.math.BigInteger;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * Who a client certificate belongs to: a platform, an administrator or a regulator, named by
 * exactly one subjectAltName URI {@code peyvand:platform:<platform id>}, {@code
 * peyvand:admin:<name>} or {@code peyvand:regulator:<name>}. The URI is the identity; the subject
 * (CN=&lt;name&gt;, OU=platform, admin or regulator) is for people and must not contradict it. A
 * certificate with no such URI, with two, or whose subject CN differs names nobody: {@link #of}
 * refuses it rather than guess.
 *
 * @param kind platform, administrator or regulator
 * @param name the platform id, or the administrator's or regulator's name (the same rule as a
 *     platform id)
 * @param serial the certificate's serial number, which revocation names
 * @param issuer the certificate's issuer, with which the serial is unique
 */
public record CertificateIdentity(Kind kind, String name, BigInteger serial, X500Principal issuer) {
  /** The URI scheme of identities in subjectAltName. */
  public static final String SCHEME = "peyvand";

  /** subjectAltName type of a URI (RFC 5280 GeneralName uniformResourceIdentifier). */
  private static final int SAN_URI = 6;

  /** What a certificate is for. Its {@link #label} is the URI's middle part and the subject OU. */
  public enum Kind {
    PLATFORM("platform"),
    ADMIN("admin"),
    /** The regulator's read-only role: only the Regulator service accepts it. */
    REGULATOR("regulator");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  public CertificateIdentity {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(serial, "serial");
    Objects.requireNonNull(issuer, "issuer");
    nameProblem(name)
        .ifPresent(
            problem -> {
              throw new IllegalArgumentException(problem);
            });
  }

  /** {@code peyvand:platform:bale}, {@code peyvand:admin:ops}, {@code peyvand:regulator:ira}. */
  public static String uri(Kind kind, String name) {
    return SCHEME + ":" + kind.label() + ":" + name;
  }

  public String uri() {
    return uri(kind, name);
  }

  /** The serial as ./peyvand pki prints it and revoke takes it: lower-case hexadecimal. */
  public String serialHex() {
    return serial.toString(16);
  }

  /** What is wrong with a platform id, administrator or regulator name, if anything. */
  public static Optional<String> nameProblem(String name) {
    return Addresses.validatePlatformId(name, "name").map(error -> error.getMessage());
  }

  /**
   * The identity a certificate carries; IllegalArgumentException saying why when it carries none or
   * an ambiguous one.
   */
  public static CertificateIdentity of(X509Certificate certificate) {
    List<String> uris = peyvandUris(certificate);
    if (uris.isEmpty()) {
      throw new IllegalArgumentException(
          "the certificate (serial "
              + hex(certificate)
              + ") names no Peyvand identity: it needs a subjectAltName URI peyvand:platform:<id>,"
              + " peyvand:admin:<name> or peyvand:regulator:<name>");
    }
    if (uris.size() > 1) {
      throw new IllegalArgumentException(
          "the certificate (serial "
              + hex(certificate)
              + ") names several Peyvand identities "
              + uris
              + "; it must name exactly one");
    }
    String[] parts = uris.get(0).split(":", 3);
    Kind kind = null;
    for (Kind k : Kind.values()) {
      if (parts.length == 3 && k.label().equals(parts[1])) {
        kind = k;
      }
    }
    if (kind == null) {
      throw new IllegalArgumentException(
          "the certificate's identity "
              + uris.get(0)
              + " is none of peyvand:platform:<id>, peyvand:admin:<name>,"
              + " peyvand:regulator:<name>");
    }
    String name = parts[2];
    Optional<String> problem = nameProblem(name);
    if (problem.isPresent()) {
      throw new IllegalArgumentException(
          "the certificate's identity " + uris.get(0) + ": " + problem.get());
    }
    Optional<String> cn = commonName(certificate.getSubjectX500Principal());
    if (cn.isPresent() && !cn.get().equals(name)) {
      throw new IllegalArgumentException(
          "the certificate's subject CN=" + cn.get() + " contradicts its identity " + uris.get(0));
    }
    return new CertificateIdentity(
        kind, name, certificate.getSerialNumber(), certificate.getIssuerX500Principal());
  }

  private static List<String> peyvandUris(X509Certificate certificate) {
    Collection<List<?>> names;
    try {
      names = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      throw new IllegalArgumentException(
          "the certificate's subjectAltName does not parse: " + e.getMessage());
    }
    List<String> uris = new ArrayList<>();
    if (names != null) {
      for (List<?> entry : names) {
        if (entry.size() == 2
            && Integer.valueOf(SAN_URI).equals(entry.get(0))
            && entry.get(1) instanceof String uri
            && uri.toLowerCase(Locale.ROOT).startsWith(SCHEME + ":")) {
          uris.add(uri);
        }
      }
    }
    return uris;
  }

  private static Optional<String> commonName(X500Principal subject) {
    try {
      for (Rdn rdn : new LdapName(subject.getName(X500Principal.RFC2253)).getRdns()) {
        if ("CN".equalsIgnoreCase(rdn.getType())) {
          return Optional.of(String.valueOf(rdn.getValue()));
        }
      }
      return Optional.empty();
    } catch (InvalidNameException e) {
      throw new IllegalArgumentException(
          "the certificate's subject does not parse: " + e.getMessage());
    }
  }

  private static String hex(X509Certificate certificate) {
    return certificate.getSerialNumber().toString(16);
  }

  @Override
  public String toString() {
    return uri() + " (serial " + serialHex() + ")";
  }
}
