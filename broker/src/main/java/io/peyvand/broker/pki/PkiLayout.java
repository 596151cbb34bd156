package io.peyvand.broker.pki;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The files of a development CA's directory (default {@code data/pki}), and how they are written:
 * whole (a temporary file moved into place), and private keys readable by their owner only.
 *
 * @param directory the directory
 */
public record PkiLayout(Path directory) {
  /** The CA's private key and certificate, PKCS#12. */
  public Path caKeyStore() {
    return directory.resolve("ca.p12");
  }

  /** The CA's certificate, PEM: the trust store of the broker and of adapters. */
  public Path caCertificate() {
    return directory.resolve("ca.crt");
  }

  /** The broker's private key and certificate chain, PKCS#12: peyvand.tls.key-store. */
  public Path brokerKeyStore() {
    return directory.resolve("broker.p12");
  }

  /**
   * The Cassandra nodes' private key and certificate chain, PKCS#12:
   * peyvand.cassandra.embedded.client-encryption.key-store.
   */
  public Path cassandraKeyStore() {
    return directory.resolve("cassandra.p12");
  }

  /** A platform adapter's private key and certificate chain, PKCS#12. */
  public Path platformKeyStore(String platformId) {
    return directory.resolve("platforms").resolve(platformId + ".p12");
  }

  /** An administrator's private key and certificate chain, PKCS#12. */
  public Path adminKeyStore(String name) {
    return directory.resolve("admins").resolve(name + ".p12");
  }

  /** A regulator's private key and certificate chain, PKCS#12. */
  public Path regulatorKeyStore(String name) {
    return directory.resolve("regulators").resolve(name + ".p12");
  }

  /** The CA's revocation list, PEM: peyvand.tls.crl-file. */
  public Path crl() {
    return directory.resolve("crl.pem");
  }

  /** Every certificate the CA issued, one line each, with its revocation if any. */
  public Path index() {
    return directory.resolve("issued.tsv");
  }

  /** Writes {@code bytes} to {@code file} whole; a secret one is readable by its owner only. */
  static void write(Path file, byte[] bytes, boolean secret) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path temporary =
          Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".tmp");
      try {
        if (secret) {
          setOwnerOnly(temporary);
        }
        Files.write(temporary, bytes);
        try {
          Files.move(
              temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(temporary);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static void setOwnerOnly(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // a file system without POSIX permissions: left as the platform creates files
    }
  }
}
