package io.peyvand.persistence.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code SHA256SUMS} file of a backup directory: one line per file, {@code <sha-256> <path>},
 * in the format of {@code sha256sum}, so {@code cd <backup> && sha256sum -c SHA256SUMS} checks a
 * copy by hand. A restore verifies it before it changes anything.
 */
public final class BackupChecksums {
  public static final String FILE = "SHA256SUMS";

  private BackupChecksums() {}

  /** Writes the checksums of every file under {@code dir} (but this one); returns their count. */
  public static int write(Path dir) {
    StringBuilder lines = new StringBuilder();
    int count = 0;
    for (Path file : KeyspaceBackup.files(dir)) {
      String relative = dir.relativize(file).toString();
      if (!relative.equals(FILE)) {
        lines.append(sha256(file)).append("  ").append(relative).append('\n');
        count++;
      }
    }
    try {
      Files.writeString(dir.resolve(FILE), lines, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(FILE) + ": " + e, e);
    }
    return count;
  }

  /**
   * Checks every file listed against its checksum, and that no file was added.
   *
   * @return the number of files checked
   * @throws IllegalStateException naming every file missing, changed or unlisted
   */
  public static int verify(Path dir) {
    Path sums = dir.resolve(FILE);
    if (!Files.isRegularFile(sums)) {
      throw new IllegalStateException(
          dir + " is not a complete backup: it has no " + FILE + " (was the backup interrupted?)");
    }
    Map<String, String> expected = new LinkedHashMap<>();
    try {
      for (String line : Files.readAllLines(sums, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          expected.put(line.substring(line.indexOf("  ") + 2), line.substring(0, 64));
        }
      }
    } catch (IOException | StringIndexOutOfBoundsException e) {
      throw new IllegalStateException("cannot read " + sums + ": " + e, e);
    }
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> entry : expected.entrySet()) {
      Path file = dir.resolve(entry.getKey());
      if (!Files.isRegularFile(file)) {
        problems.add(entry.getKey() + " is missing");
      } else if (!sha256(file).equals(entry.getValue())) {
        problems.add(entry.getKey() + " has changed");
      }
    }
    for (Path file : KeyspaceBackup.files(dir)) {
      String relative = dir.relativize(file).toString();
      if (!relative.equals(FILE) && !expected.containsKey(relative)) {
        problems.add(relative + " is not listed");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "the backup in " + dir + " does not match its " + FILE + ": " + problems);
    }
    return expected.size();
  }

  static String sha256(Path file) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e, e);
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
