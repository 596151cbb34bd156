package io.peyvand.broker.service;

import io.peyvand.protocol.ErrorCodes;
import io.peyvand.protocol.tls.CertificateIdentity;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import java.util.Optional;

/**
 * Who a call or a session comes from, as its transport established it (the edge's {@code
 * PeerAuthentication}), and so which platform it may act for. Every edge asks {@link #mayActFor}
 * before it lets a {@code platform_id} from the wire become the acting platform of {@link
 * Operations}.
 */
public sealed interface Peer {

  /** Why this peer may not act for {@code platformId} (NOT_PERMITTED); empty if it may. */
  Optional<Error> mayActFor(String platformId);

  /**
   * Why this peer may not use the Admin service (NOT_PERMITTED); empty if it may: an
   * administrator's certificate, or TLS off (development only; production refuses to start without
   * TLS).
   */
  Optional<Error> mayAdminister();

  /**
   * Why this peer may not use the Regulator service (NOT_PERMITTED); empty if it may: a regulator's
   * certificate, or TLS off (development only).
   */
  Optional<Error> mayRegulate();

  /** Who the peer is, for the audit log and security events. */
  String who();

  /** The verified client certificate's identity, if there is one. */
  default Optional<CertificateIdentity> certificate() {
    return Optional.empty();
  }

  /**
   * TLS is off (development): nobody is verified, and a call or session acts for the platform it
   * names, as given.
   */
  enum Unverified implements Peer {
    INSTANCE;

    @Override
    public Optional<Error> mayActFor(String platformId) {
      return Optional.empty();
    }

    @Override
    public Optional<Error> mayAdminister() {
      return Optional.empty();
    }

    @Override
    public Optional<Error> mayRegulate() {
      return Optional.empty();
    }

    @Override
    public String who() {
      return "unverified (TLS off)";
    }
  }

  /** A verified, unrevoked client certificate: it acts for its own platform only. */
  record Certified(CertificateIdentity identity) implements Peer {
    @Override
    public Optional<Error> mayActFor(String platformId) {
      if (identity.kind() == CertificateIdentity.Kind.PLATFORM
          && identity.name().equals(platformId)) {
        return Optional.empty();
      }
      return Optional.of(
          ErrorCodes.error(
              ErrorCode.NOT_PERMITTED,
              "the client certificate "
                  + identity
                  + switch (identity.kind()) {
                    case PLATFORM ->
                        " acts for platform " + identity.name() + " only, not for " + platformId;
                    case ADMIN ->
                        " is an administrator's, which acts for no platform (not for "
                            + platformId
                            + ")";
                    case REGULATOR ->
                        " is a regulator's, which may only read through the Regulator service"
                            + " (not act for "
                            + platformId
                            + ")";
                  }));
    }

    @Override
    public Optional<Error> mayAdminister() {
      return mayUse(
          CertificateIdentity.Kind.ADMIN,
          "the Admin service needs an administrator's certificate"
              + " (peyvand:admin:<name>, ./peyvand pki issue-admin)");
    }

    @Override
    public Optional<Error> mayRegulate() {
      return mayUse(
          CertificateIdentity.Kind.REGULATOR,
          "the Regulator service needs a regulator's certificate"
              + " (peyvand:regulator:<name>, ./peyvand pki issue-regulator)");
    }

    /** Empty if the certificate is of {@code kind}; else NOT_PERMITTED saying {@code needs}. */
    private Optional<Error> mayUse(CertificateIdentity.Kind kind, String needs) {
      if (identity.kind() == kind) {
        return Optional.empty();
      }
      return Optional.of(
          ErrorCodes.error(
              ErrorCode.NOT_PERMITTED,
              "the client certificate " + identity + " is " + holder() + "; " + needs));
    }

    private String holder() {
      return switch (identity.kind()) {
        case PLATFORM -> "platform " + identity.name() + "'s";
        case ADMIN -> "administrator " + identity.name() + "'s";
        case REGULATOR -> "regulator " + identity.name() + "'s";
      };
    }

    @Override
    public String who() {
      return identity.uri();
    }

    @Override
    public Optional<CertificateIdentity> certificate() {
      return Optional.of(identity);
    }
  }

  /** TLS is on but the connection proves no identity (none presented, revoked, or unnamed). */
  record Refused(String reason) implements Peer {
    @Override
    public Optional<Error> mayActFor(String platformId) {
      return Optional.of(ErrorCodes.error(ErrorCode.NOT_PERMITTED, reason));
    }

    @Override
    public Optional<Error> mayAdminister() {
      return Optional.of(ErrorCodes.error(ErrorCode.NOT_PERMITTED, reason));
    }

    @Override
    public Optional<Error> mayRegulate() {
      return Optional.of(ErrorCodes.error(ErrorCode.NOT_PERMITTED, reason));
    }

    @Override
    public String who() {
      return "unidentified";
    }
  }
}
