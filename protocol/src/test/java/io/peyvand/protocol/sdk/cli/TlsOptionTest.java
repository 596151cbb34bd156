package io.peyvand.protocol.sdk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** How send and listen choose between mutual TLS and plaintext. */
class TlsOptionTest {
  @TempDir Path pki;

  private TlsOption option(String... args) {
    TlsOption option = new TlsOption();
    new CommandLine(option).parseArgs(args);
    return option;
  }

  @Test
  void withoutThePlatformsCertificateItIsPlaintextAndSaysWhichFileIsMissing() {
    TlsOption.Connection connection = option("--pki-dir", pki.toString()).forPlatform("bale");
    assertEquals(Optional.empty(), connection.tls());
    assertEquals(
        "plaintext (no certificate " + pki.resolve("platforms/bale.p12") + ")",
        connection.description());
    assertTrue(connection.triedOver().contains("refuses plaintext"), connection.triedOver());
  }

  @Test
  void plaintextCanBeForcedEvenWithACertificate() throws Exception {
    Files.createDirectories(pki.resolve("platforms"));
    Files.writeString(pki.resolve("platforms/bale.p12"), "not read");
    TlsOption.Connection connection =
        option("--pki-dir", pki.toString(), "--plaintext").forPlatform("bale");
    assertEquals(Optional.empty(), connection.tls());
  }

  @Test
  void anUnusableKeyStoreIsAnErrorNotASilentFallBackToPlaintext() throws Exception {
    Files.createDirectories(pki.resolve("platforms"));
    Files.writeString(pki.resolve("platforms/bale.p12"), "garbage");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> option("--pki-dir", pki.toString()).forPlatform("bale"));
    assertTrue(e.getMessage().contains("bale.p12"), e.getMessage());
  }

  @Test
  void aPlatformIdThatIsNoFileNameIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> option("--pki-dir", pki.toString()).forPlatform("../ca"));
  }

  @Test
  void theDefaultsAreTheDevelopmentCa() {
    TlsOption option = option();
    assertEquals(Path.of("data/pki"), option.pkiDir);
    assertTrue(
        option.password.equals("peyvand-dev")
            || option.password.equals(System.getenv("PEYVAND_PKI_PASSWORD")));
  }
}
