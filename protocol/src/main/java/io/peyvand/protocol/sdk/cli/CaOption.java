package io.peyvand.protocol.sdk.cli;

import io.peyvand.protocol.tls.KeyMaterial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code --ca FILE}: the CA a signed tree head's signer must have a certificate of, for the
 * commands that check heads ({@code audit}, {@code keys claim}); by default the PKI directory's
 * {@code ca.crt} when it exists, else none (only the head's signature is checked).
 */
final class CaOption {
  @Option(
      names = "--ca",
      paramLabel = "FILE",
      description =
          "The CA certificate heads must be signed under (default <pki-dir>/ca.crt when it"
              + " exists; without one only the signature is checked).")
  Path ca;

  /**
   * The CA named by --ca, else {@code pkiDir}'s, if there is one; a file without one is a usage
   * error.
   */
  Optional<X509Certificate> certificate(CommandLine.Model.CommandSpec spec, Path pkiDir) {
    Path file = ca != null ? ca : pkiDir.resolve("ca.crt");
    if (ca == null && !Files.isRegularFile(file)) {
      return Optional.empty();
    }
    List<X509Certificate> anchors = KeyMaterial.trustAnchors(file, new char[0]);
    if (anchors.isEmpty()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--ca " + file + " holds no certificate");
    }
    return Optional.of(anchors.get(0));
  }
}
