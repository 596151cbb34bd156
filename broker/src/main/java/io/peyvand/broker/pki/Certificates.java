package io.peyvand.broker.pki;

import io.peyvand.protocol.tls.CertificateIdentity;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The X.509 profile of the interconnect, as pure functions (BouncyCastle builds, the JDK's
 * providers sign): EC P-256 keys, SHA256withECDSA signatures, random 127-bit serials.
 *
 * <ul>
 *   <li>CA: CA:TRUE with path length 0, keyCertSign and cRLSign.
 *   <li>Platform: subject CN=&lt;id&gt;, OU=platform; subjectAltName URI {@code
 *       peyvand:platform:<id>}; clientAuth only.
 *   <li>Administrator: CN=&lt;name&gt;, OU=admin; URI {@code peyvand:admin:<name>}; clientAuth.
 *   <li>Regulator: CN=&lt;name&gt;, OU=regulator; URI {@code peyvand:regulator:<name>}; clientAuth.
 *   <li>Broker: CN=peyvand-broker, OU=broker; DNS and IP subjectAltNames; serverAuth only, so it
 *       cannot pass for a client.
 *   <li>Cassandra: CN=peyvand-cassandra, OU=cassandra; the nodes' DNS and IP subjectAltNames;
 *       serverAuth only (the CQL port's certificate, which drivers check the dialled address
 *       against).
 * </ul>
 */
public final class Certificates {
  static final String SIGNATURE = "SHA256withECDSA";
  private static final SecureRandom RANDOM = new SecureRandom();

  private Certificates() {}

  /** A new EC P-256 key pair. */
  public static KeyPair keyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot make EC P-256 keys", e);
    }
  }

  /** A positive random serial, unique in practice. */
  public static BigInteger serial() {
    return new BigInteger(127, RANDOM).setBit(120);
  }

  /** A self-signed CA certificate. */
  public static X509Certificate ca(
      KeyPair keys, X500Principal subject, Instant from, Duration validity) {
    try {
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  subject,
                  serial(),
                  Date.from(from),
                  Date.from(from.plus(validity)),
                  subject,
                  keys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  utils.createSubjectKeyIdentifier(keys.getPublic()));
      return sign(builder, keys.getPrivate());
    } catch (CertIOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot build the CA certificate", e);
    }
  }

  /** What a leaf certificate is for. */
  public sealed interface Subject {
    X500Principal principal();
  }

  /** A platform's or an administrator's client certificate. */
  public record Client(CertificateIdentity.Kind kind, String name) implements Subject {
    public Client {
      CertificateIdentity.nameProblem(name)
          .ifPresent(
              problem -> {
                throw new IllegalArgumentException(problem);
              });
    }

    @Override
    public X500Principal principal() {
      return new X500Principal("CN=" + name + ", OU=" + kind.label() + ", O=Peyvand");
    }
  }

  /**
   * A server certificate for these DNS names and IP addresses: the broker's ({@value #BROKER}), or
   * the Cassandra nodes' ({@value #CASSANDRA}), which drivers check against the address they dial.
   * The role only names the subject (CN=peyvand-&lt;role&gt;, OU=&lt;role&gt;).
   */
  public record Server(String role, List<String> dnsNames, List<String> ipAddresses)
      implements Subject {
    public static final String BROKER = "broker";
    public static final String CASSANDRA = "cassandra";

    public Server {
      if (!role.equals(BROKER) && !role.equals(CASSANDRA)) {
        throw new IllegalArgumentException(
            "a server certificate is the " + BROKER + "'s or " + CASSANDRA + "'s, not " + role);
      }
      dnsNames = List.copyOf(dnsNames);
      ipAddresses = List.copyOf(ipAddresses);
      if (dnsNames.isEmpty() && ipAddresses.isEmpty()) {
        throw new IllegalArgumentException(
            "a " + role + " certificate needs a DNS name or an IP address its clients connect to");
      }
    }

    /** The broker's certificate. */
    public Server(List<String> dnsNames, List<String> ipAddresses) {
      this(BROKER, dnsNames, ipAddresses);
    }

    /** The Cassandra nodes' certificate. */
    public static Server cassandra(List<String> dnsNames, List<String> ipAddresses) {
      return new Server(CASSANDRA, dnsNames, ipAddresses);
    }

    /** The same names for another role. */
    public Server as(String otherRole) {
      return new Server(otherRole, dnsNames, ipAddresses);
    }

    @Override
    public X500Principal principal() {
      return new X500Principal("CN=peyvand-" + role + ", OU=" + role + ", O=Peyvand");
    }
  }

  /** A certificate for {@code subject}'s public key, issued by the CA. */
  public static X509Certificate issue(
      Subject subject,
      PublicKey publicKey,
      X509Certificate ca,
      PrivateKey caKey,
      Instant from,
      Duration validity) {
    try {
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      List<GeneralName> names = new ArrayList<>();
      KeyPurposeId purpose;
      if (subject instanceof Client client) {
        names.add(
            new GeneralName(
                GeneralName.uniformResourceIdentifier,
                CertificateIdentity.uri(client.kind(), client.name())));
        purpose = KeyPurposeId.id_kp_clientAuth;
      } else {
        Server server = (Server) subject;
        server.dnsNames().forEach(dns -> names.add(new GeneralName(GeneralName.dNSName, dns)));
        server.ipAddresses().forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
        purpose = KeyPurposeId.id_kp_serverAuth;
      }
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  ca,
                  serial(),
                  Date.from(from),
                  Date.from(from.plus(validity)),
                  subject.principal(),
                  publicKey)
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
              .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
              .addExtension(
                  Extension.subjectAlternativeName,
                  false,
                  new GeneralNames(names.toArray(GeneralName[]::new)))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  utils.createSubjectKeyIdentifier(publicKey))
              .addExtension(
                  Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(ca));
      return sign(builder, caKey);
    } catch (CertIOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot build the certificate of " + subject, e);
    }
  }

  /**
   * A CRL of the CA revoking {@code revoked} (serial to the time of revocation), numbered {@code
   * number}, valid from {@code now} until {@code now + validity}.
   */
  public static X509CRL crl(
      X509Certificate ca,
      PrivateKey caKey,
      Map<BigInteger, Instant> revoked,
      BigInteger number,
      Instant now,
      Duration validity) {
    try {
      X509v2CRLBuilder builder =
          new JcaX509v2CRLBuilder(ca, Date.from(now))
              .setNextUpdate(Date.from(now.plus(validity)))
              .addExtension(Extension.cRLNumber, false, new CRLNumber(number))
              .addExtension(
                  Extension.authorityKeyIdentifier,
                  false,
                  new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca));
      revoked.forEach(
          (serial, at) -> builder.addCRLEntry(serial, Date.from(at), CRLReason.unspecified));
      ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE).build(caKey);
      return new JcaX509CRLConverter().getCRL(builder.build(signer));
    } catch (CertIOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot build the revocation list", e);
    }
  }

  /** PEM text of a certificate, a CRL or a key. */
  public static String pem(Object object) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE).build(key)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException("cannot sign with " + SIGNATURE, e);
    }
  }
}
