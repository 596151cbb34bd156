package io.peyvand.protocol.sdk.cli;

import io.peyvand.protocol.Addresses;
import io.peyvand.protocol.tls.CertificateIdentity;
import io.peyvand.protocol.tls.KeyMaterial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Option;

/**
 * {@code --pki-dir}, {@code --plaintext}, {@code --key-store-password}: how the commands connect,
 * shared by them. With the certificate {@code ./peyvand pki} (or {@code ./peyvand dev}) issued to
 * the platform, {@code <pki-dir>/platforms/<platform>.p12}, the command speaks mutual TLS as that
 * platform, trusting {@code <pki-dir>/ca.crt}; without it, or with {@code --plaintext}, plaintext.
 */
final class TlsOption {
  @Option(
      names = "--pki-dir",
      paramLabel = "DIR",
      defaultValue = "data/pki",
      description =
          "Where ./peyvand pki keeps the certificates: platforms/<platform>.p12 and"
              + " ca.crt are used when they exist (default ${DEFAULT-VALUE}).")
  Path pkiDir;

  @Option(
      names = "--plaintext",
      description =
          "Connect without TLS even if the platform has a"
              + " certificate (only a broker with peyvand.tls.enabled = off accepts it).")
  boolean plaintext;

  @Option(
      names = "--key-store-password",
      paramLabel = "PASSWORD",
      defaultValue = "${env:PEYVAND_PKI_PASSWORD:-peyvand-dev}",
      description =
          "Password of the platform's .p12 (default: $PEYVAND_PKI_PASSWORD, else the"
              + " development CA's peyvand-dev).")
  String password;

  /**
   * How to connect as {@code platform}: a few words saying which way was chosen, and what a broker
   * that refuses the connection would look like from here.
   */
  record Connection(Optional<SSLContext> tls, String description) {
    /** Tried over what, and why that may be the reason the broker is unreachable. */
    String triedOver() {
      return "tried over "
          + description
          + "; "
          + (tls.isPresent()
              ? "a certificate the broker refuses (revoked, expired, of another CA) fails the same way"
              : "a broker with TLS (./peyvand dev) refuses plaintext");
    }
  }

  /**
   * The connection for {@code platform}: mutual TLS with its certificate when it exists (a file
   * that cannot be used is an IllegalArgumentException saying why), else plaintext.
   */
  Connection forPlatform(String platform) {
    if (plaintext) {
      return new Connection(Optional.empty(), "plaintext (--plaintext)");
    }
    Addresses.validatePlatformId(platform, "platform")
        .ifPresent(
            error -> {
              throw new IllegalArgumentException(error.getMessage());
            });
    return with(pkiDir.resolve("platforms").resolve(platform + ".p12"), platform);
  }

  /**
   * The connection as administrator {@code name}: mutual TLS with {@code admins/<name>.p12} when it
   * exists, else plaintext.
   */
  Connection forAdmin(String name) {
    return forNamed("--admin", "admins", name, "administrator " + name);
  }

  /**
   * The connection as regulator {@code name}: mutual TLS with {@code regulators/<name>.p12} when it
   * exists, else plaintext.
   */
  Connection forRegulator(String name) {
    return forNamed("--regulator", "regulators", name, "regulator " + name);
  }

  /**
   * The connection as the person {@code name} given by {@code option}: mutual TLS with {@code
   * <dir>/<name>.p12} when it exists, else plaintext.
   */
  private Connection forNamed(String option, String dir, String name, String who) {
    if (plaintext) {
      return new Connection(Optional.empty(), "plaintext (--plaintext)");
    }
    CertificateIdentity.nameProblem(name)
        .ifPresent(
            problem -> {
              throw new IllegalArgumentException(option + ": " + problem);
            });
    return with(pkiDir.resolve(dir).resolve(name + ".p12"), who);
  }

  private Connection with(Path keyStore, String who) {
    Path trustStore = pkiDir.resolve("ca.crt");
    if (!Files.isRegularFile(keyStore)) {
      return new Connection(Optional.empty(), "plaintext (no certificate " + keyStore + ")");
    }
    return new Connection(
        Optional.of(KeyMaterial.clientContext(keyStore, password.toCharArray(), trustStore)),
        "mutual TLS as " + who + " (" + keyStore + ")");
  }
}
