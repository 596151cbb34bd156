package io.peyvand.broker.tls;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import javax.security.auth.x500.X500Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificate revocation list the broker honours: an X.509 CRL file (PEM or DER) that must be
 * signed by one of the trusted CAs. Read at start-up (a missing or forged file stops the start) and
 * again by {@link #reload} on every {@code peyvand.tls.crl-reload-interval}: a file that no longer
 * reads or verifies is logged and the last good list kept, so that a half-written file never
 * un-revokes anything. A CRL past its nextUpdate is still used, with a warning: refusing every
 * platform because the CA is late would turn a stale list into an outage.
 *
 * <p>Administrators also revoke certificates through the Admin service ({@link
 * CertificateRevocations}); those serials are merged in with {@link #revokeAdministered}, for
 * certificates of any trusted CA, and are never taken back by a CRL reload.
 *
 * <p>Thread-safe: the handshake threads read the current list while a reload replaces it.
 */
public final class RevocationList {
  private static final Logger log = LoggerFactory.getLogger(RevocationList.class);

  /** One read of the file: who signed it and which serials it revokes. */
  private record Snapshot(X500Principal issuer, Set<BigInteger> serials) {
    static final Snapshot EMPTY = new Snapshot(new X500Principal(""), Set.of());
  }

  private final Optional<Path> file;
  private final List<X509Certificate> issuers;
  private final Clock clock;
  private final AtomicReference<Snapshot> current;
  private final AtomicReference<Set<BigInteger>> administered = new AtomicReference<>(Set.of());
  private final LongAdder refusedHandshakes = new LongAdder();

  private RevocationList(
      Optional<Path> file, List<X509Certificate> issuers, Clock clock, Snapshot first) {
    this.file = file;
    this.issuers = issuers;
    this.clock = clock;
    this.current = new AtomicReference<>(first);
  }

  /** No revocation list: nothing is revoked. */
  public static RevocationList none() {
    return new RevocationList(Optional.empty(), List.of(), Clock.systemUTC(), Snapshot.EMPTY);
  }

  /**
   * Reads {@code file}, which one of {@code issuers} must have signed; IllegalArgumentException
   * saying why it cannot be used.
   */
  public static RevocationList load(Path file, List<X509Certificate> issuers, Clock clock) {
    return new RevocationList(
        Optional.of(file), List.copyOf(issuers), clock, read(file, issuers, clock));
  }

  /** Whether the CRL revokes the certificate (same issuer, same serial). */
  public boolean isRevoked(X509Certificate certificate) {
    return isRevoked(certificate.getIssuerX500Principal(), certificate.getSerialNumber());
  }

  public boolean isRevoked(X500Principal issuer, BigInteger serial) {
    Snapshot snapshot = current.get();
    return snapshot.serials().contains(serial) && snapshot.issuer().equals(issuer)
        || administered.get().contains(serial);
  }

  /** A handshake presented a revoked certificate and was refused (for metrics). */
  public void handshakeRefused() {
    refusedHandshakes.increment();
  }

  public long refusedHandshakes() {
    return refusedHandshakes.sum();
  }

  /** The serials the CA's revocation list file revokes now. */
  public Set<BigInteger> revokedSerials() {
    return current.get().serials();
  }

  /** The serials administrators revoked (the Admin service), as last merged. */
  public Set<BigInteger> administeredSerials() {
    return administered.get();
  }

  /**
   * Adds serials administrators revoked (every one known so far, or some of them); returns those
   * not revoked this way before. Never removes one.
   */
  public Set<BigInteger> revokeAdministered(Set<BigInteger> serials) {
    Set<BigInteger> added = new HashSet<>();
    administered.updateAndGet(
        known -> {
          added.clear();
          Set<BigInteger> next = new HashSet<>(known);
          for (BigInteger serial : serials) {
            if (next.add(serial)) {
              added.add(serial);
            }
          }
          return Set.copyOf(next);
        });
    if (!added.isEmpty()) {
      log.info(
          "Certificates revoked by administrators: newly {}",
          added.stream().map(s -> s.toString(16)).toList());
    }
    return Set.copyOf(added);
  }

  /**
   * Reads the file again. Returns the serials revoked since the previous read (empty when nothing
   * new); keeps the previous list when the file cannot be used.
   */
  public Set<BigInteger> reload() {
    if (file.isEmpty()) {
      return Set.of();
    }
    Snapshot next;
    try {
      next = read(file.get(), issuers, clock);
    } catch (IllegalArgumentException e) {
      log.error(
          "Keeping the previous revocation list ({} serials): {}",
          current.get().serials().size(),
          e.getMessage());
      return Set.of();
    }
    Snapshot previous = current.getAndSet(next);
    Set<BigInteger> added = new HashSet<>(next.serials());
    added.removeAll(previous.serials());
    if (!added.isEmpty() || !next.serials().equals(previous.serials())) {
      log.info(
          "Revocation list {} reloaded: {} serials revoked, newly {}",
          file.get(),
          next.serials().size(),
          added.stream().map(s -> s.toString(16)).toList());
    }
    return Set.copyOf(added);
  }

  private static Snapshot read(Path file, List<X509Certificate> issuers, Clock clock) {
    X509CRL crl;
    try (InputStream in = Files.newInputStream(file)) {
      crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(in);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot read the revocation list "
              + file
              + " (an X.509"
              + " CRL, PEM or DER): "
              + e.getMessage(),
          e);
    }
    X509Certificate signer =
        issuers.stream()
            .filter(ca -> ca.getSubjectX500Principal().equals(crl.getIssuerX500Principal()))
            .filter(ca -> verifies(crl, ca))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "the revocation list "
                            + file
                            + " is not signed by a trusted CA (its issuer: "
                            + crl.getIssuerX500Principal()
                            + ")"));
    if (crl.getNextUpdate() != null && crl.getNextUpdate().toInstant().isBefore(clock.instant())) {
      log.warn(
          "The revocation list {} is past its nextUpdate ({}): still honoured; have the CA"
              + " ({}) publish a new one",
          file,
          crl.getNextUpdate().toInstant(),
          signer.getSubjectX500Principal());
    }
    Set<BigInteger> serials = new HashSet<>();
    Set<? extends X509CRLEntry> entries = crl.getRevokedCertificates();
    if (entries != null) {
      for (X509CRLEntry entry : entries) {
        if (entry.getCertificateIssuer() == null
            || entry.getCertificateIssuer().equals(crl.getIssuerX500Principal())) {
          serials.add(entry.getSerialNumber());
        }
      }
    }
    return new Snapshot(crl.getIssuerX500Principal(), Set.copyOf(serials));
  }

  private static boolean verifies(X509CRL crl, X509Certificate ca) {
    try {
      crl.verify(ca.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
