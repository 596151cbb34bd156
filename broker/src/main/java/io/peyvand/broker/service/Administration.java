package io.peyvand.broker.service;

import io.peyvand.broker.delivery.SessionDirectory;
import io.peyvand.broker.entity.Asks;
import io.peyvand.broker.model.Quota;
import io.peyvand.broker.platform.Platform;
import io.peyvand.broker.service.Operations.Either;
import io.peyvand.broker.tls.CertificateRevocations;
import io.peyvand.broker.tls.RevocationList;
import io.peyvand.protocol.Addresses;
import io.peyvand.protocol.ErrorCodes;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.PlatformInfo;
import io.peyvand.protocol.v1.PlatformQuota;
import io.peyvand.protocol.v1.Revocations;
import io.peyvand.protocol.v1.RevokedCertificate;
import java.math.BigInteger;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's operations (the Admin service) in protocol terms, for any transport: register a
 * platform, set its quota, revoke a certificate, and read them back. The caller has already been
 * checked to be an administrator ({@link Peer#mayAdminister}); {@code admin} names it. Every change
 * and every refused change is appended to the tamper-evident audit log ({@link
 * io.peyvand.broker.audit.AuditLog}: who, what, outcome, when) before it is answered, and written
 * to the logger {@code peyvand.audit}; every refusal is also a security event.
 *
 * <p>Revocations are applied to this node's {@link RevocationList} at once and its sessions of the
 * revoked certificate closed; other nodes apply them on their next poll ({@link
 * #applyRevocations}).
 */
public final class Administration {
  private static final Logger audit = LoggerFactory.getLogger("peyvand.audit");
  private static final Logger log = LoggerFactory.getLogger(Administration.class);

  /** An X.509 serial number is at most 20 octets. */
  private static final Pattern SERIAL = Pattern.compile("[0-9a-fA-F]{1,40}");

  static final int MAX_DISPLAY_NAME = 100;

  private final NodeContext node;
  private final Operations operations;
  private final RevocationList revocations;
  private final LiveSessions live;

  /**
   * The node's administration, asking through {@code operations}; revocations apply to {@code
   * revocations} and close sessions in {@code live}.
   */
  public Administration(Operations operations, RevocationList revocations, LiveSessions live) {
    this.node = operations.node();
    this.operations = operations;
    this.revocations = revocations;
    this.live = live;
  }

  /** Admits a platform, or renames it; a new one gets every capability and the consent default. */
  public CompletionStage<Either<PlatformInfo>> registerPlatform(
      String admin, String platformId, String displayName, boolean defaultOptedIn) {
    Optional<Error> bad =
        Addresses.validatePlatformId(platformId, "platform_id")
            .or(() -> displayNameProblem(displayName));
    String subject = platformId + " display-name=\"" + displayName + "\"";
    if (bad.isPresent()) {
      return audited(
          admin,
          "register-platform",
          subject,
          refused(admin, "register-platform " + platformId, bad.get()));
    }
    return Platform.admit(node.system(), platformId, displayName, defaultOptedIn, node.askTimeout())
        .thenCompose(
            registration -> {
              Platform.Info info = registration.info();
              operations.catalog().update(info);
              SessionDirectory.get(node.system()).watch(platformId);
              audit.info(
                  "admin={} operation=register-platform platform={} display-name=\"{}\""
                      + " outcome=ok",
                  admin,
                  platformId,
                  displayName);
              return audited(admin, "register-platform", subject, Either.ok(inForce(info)));
            })
        .exceptionally(failure -> Either.error(Operations.unavailable(failure)));
  }

  /** A platform's registration with the limits in force. */
  public CompletionStage<Either<PlatformInfo>> platform(String platformId) {
    return operations
        .platform(platformId)
        .thenApply(
            p ->
                p.isError()
                    ? Either.<PlatformInfo>error(p.error())
                    : Either.ok(inForce(p.value())));
  }

  /** Sets a registered platform's quota (0 fields: the broker's defaults). */
  public CompletionStage<Either<PlatformInfo>> setQuota(
      String admin, String platformId, PlatformQuota wire) {
    Quota quota;
    try {
      quota = PlatformMapping.quota(wire);
    } catch (IllegalArgumentException e) {
      return audited(
          admin,
          "set-quota",
          platformId,
          refused(
              admin,
              "set-quota " + platformId,
              ErrorCodes.error(ErrorCode.INVALID_ARGUMENT, e.getMessage())));
    }
    return operations
        .platform(platformId)
        .thenCompose(
            p -> {
              if (p.isError()) {
                return audited(
                    admin,
                    "set-quota",
                    platformId,
                    refused(admin, "set-quota " + platformId, p.error()));
              }
              return Asks.get(node.system())
                  .<Platform.Command, Platform.Lookup>ask(
                      ClusterSharding.get(node.system())
                          .entityRefFor(Platform.ENTITY_KEY, platformId),
                      replyTo -> new Platform.SetQuota(quota, replyTo),
                      node.askTimeout())
                  .thenCompose(
                      lookup -> {
                        Platform.Info info = lookup.info().orElseThrow();
                        operations.catalog().update(info);
                        audit.info(
                            "admin={} operation=set-quota platform={} quota={} outcome=ok",
                            admin,
                            platformId,
                            quota);
                        return audited(
                            admin, "set-quota", platformId + " " + quota, Either.ok(inForce(info)));
                      });
            })
        .exceptionally(failure -> Either.error(Operations.unavailable(failure)));
  }

  /** Revokes a certificate by its serial (hexadecimal) for the whole cluster. */
  public CompletionStage<Either<Revocations>> revoke(
      String admin, String serialHex, String reason) {
    Optional<Error> bad =
        serialProblem(serialHex)
            .or(
                () ->
                    reason.length() > CertificateRevocations.MAX_REASON
                        ? Optional.of(
                            ErrorCodes.error(
                                ErrorCode.INVALID_ARGUMENT,
                                "reason has at most "
                                    + CertificateRevocations.MAX_REASON
                                    + " characters (got "
                                    + reason.length()
                                    + ")"))
                        : Optional.empty());
    if (bad.isPresent()) {
      return audited(
          admin, "revoke-certificate", "serial " + serialHex, refused(admin, "revoke", bad.get()));
    }
    BigInteger serial = new BigInteger(serialHex, 16);
    return askRevocations(
            replyTo -> new CertificateRevocations.Revoke(serial, reason, admin, replyTo))
        .thenCompose(
            listing -> {
              int closed = applyRevocations(listing);
              audit.info(
                  "admin={} operation=revoke serial={} reason=\"{}\" sessions-closed={}"
                      + " outcome=ok",
                  admin,
                  serial.toString(16),
                  reason,
                  closed);
              return audited(
                  admin,
                  "revoke-certificate",
                  "serial " + serial.toString(16) + " reason=\"" + reason + "\"",
                  Either.ok(wire(listing)));
            })
        .exceptionally(failure -> Either.error(Operations.unavailable(failure)));
  }

  /** Every administered revocation, and the serials of the CA's revocation list. */
  public CompletionStage<Either<Revocations>> revocations() {
    return askRevocations(CertificateRevocations.Get::new)
        .thenApply(listing -> Either.ok(wire(listing)))
        .exceptionally(failure -> Either.error(Operations.unavailable(failure)));
  }

  /**
   * Reads the cluster's administered revocations and applies them here (called every {@code
   * crl-reload-interval}); completes with how many sessions were closed.
   */
  public CompletionStage<Integer> pollRevocations() {
    return askRevocations(CertificateRevocations.Get::new).thenApply(this::applyRevocations);
  }

  /** Merges administered revocations into this node's list; closes sessions newly revoked. */
  int applyRevocations(CertificateRevocations.Listing listing) {
    Set<BigInteger> added = revocations.revokeAdministered(listing.serials());
    if (added.isEmpty()) {
      return 0;
    }
    int closed = live.closeRevoked();
    node.security().sessionsClosedByRevocation(closed);
    log.info("Applied {} administered revocation(s); closed {} session(s)", added.size(), closed);
    return closed;
  }

  private CompletionStage<CertificateRevocations.Listing> askRevocations(
      Function<ActorRef<CertificateRevocations.Listing>, CertificateRevocations.Command> command) {
    return Asks.get(node.system())
        .ask(CertificateRevocations.ref(node.system()), command, node.askTimeout());
  }

  private Revocations wire(CertificateRevocations.Listing listing) {
    Revocations.Builder out = Revocations.newBuilder();
    for (CertificateRevocations.Revoked r : listing.revoked()) {
      out.addCertificates(
          RevokedCertificate.newBuilder()
              .setSerial(r.serial().toString(16))
              .setReason(r.reason())
              .setRevokedAtMs(r.at().toEpochMilli())
              .setRevokedBy(r.by())
              .setSource("admin"));
    }
    for (BigInteger serial : new TreeSet<>(revocations.revokedSerials())) {
      out.addCertificates(
          RevokedCertificate.newBuilder().setSerial(serial.toString(16)).setSource("crl"));
    }
    return out.build();
  }

  private PlatformInfo inForce(Platform.Info info) {
    return PlatformMapping.info(info, Optional.of(operations.quota(info)));
  }

  private <T> Either<T> refused(String admin, String what, Error error) {
    audit.info(
        "admin={} operation={} outcome=refused code={} reason={}",
        admin,
        what,
        error.getCode(),
        error.getMessage());
    node.security().refused(admin, what, error);
    return Either.error(error);
  }

  /**
   * {@code result}, once the action and its outcome are in the tamper-evident audit log ({@link
   * Regulation#audit}: a log that cannot take it is logged, and the result stands).
   */
  private <T> CompletionStage<Either<T>> audited(
      String admin, String action, String subject, Either<T> result) {
    String outcome =
        result.isError()
            ? "refused " + result.error().getCode() + ": " + result.error().getMessage()
            : "ok";
    return Regulation.audit(node.system(), node.askTimeout(), admin, action, subject, outcome)
        .thenApply(index -> result);
  }

  static Optional<Error> displayNameProblem(String name) {
    if (name.isBlank()) {
      return Optional.of(
          ErrorCodes.error(
              ErrorCode.INVALID_ARGUMENT, "display_name is required (e.g. \"Soroush Plus\")"));
    }
    if (name.codePointCount(0, name.length()) > MAX_DISPLAY_NAME
        || name.codePoints()
            .anyMatch(
                c ->
                    Character.isISOControl(c)
                        || Character.getType(c) == Character.FORMAT
                        || Character.getType(c) == Character.SURROGATE)) {
      return Optional.of(
          ErrorCodes.error(
              ErrorCode.INVALID_ARGUMENT,
              "display_name has at most "
                  + MAX_DISPLAY_NAME
                  + " characters and no control or invisible characters"));
    }
    return Optional.empty();
  }

  static Optional<Error> serialProblem(String serialHex) {
    if (!SERIAL.matcher(serialHex).matches() || new BigInteger(serialHex, 16).signum() == 0) {
      return Optional.of(
          ErrorCodes.error(
              ErrorCode.INVALID_ARGUMENT,
              "serial is the"
                  + " certificate's serial number in hexadecimal, 1 to 40 digits, not zero (as"
                  + " `./peyvand pki` and `openssl x509 -serial` print it)"));
    }
    return Optional.empty();
  }
}
