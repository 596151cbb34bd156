package io.peyvand.protocol.transparency;

import io.peyvand.protocol.v1.AuditRecord;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The key logs of the MLS key-package directory (PROTOCOL.md §18.3): one transparency log per
 * platform, named {@code peyvand-keys:<platform>}, holding an entry for every KeyPackage of the
 * platform's users published or withdrawn. An entry is an {@link AuditRecord} whose subject is
 * {@code <platform>:<user> key_package=<ref hex>[ sha256=<hex>]}.
 */
public final class KeyLogs {
  /** What a key log's id starts with; the platform's id follows. */
  public static final String PREFIX = "peyvand-keys:";

  /** The action of a publication's entry. */
  public static final String PUBLISHED = "key-package-published";

  /** The action of a withdrawal's entry (removed, expired, or a replaced last-resort one). */
  public static final String WITHDRAWN = "key-package-withdrawn";

  private KeyLogs() {}

  /** The id of {@code platformId}'s key log, as its signed heads name it. */
  public static String logId(String platformId) {
    return PREFIX + platformId;
  }

  /** An entry's parts: the user ({@code platform:user}), the KeyPackageRef and SHA-256 in hex. */
  public record Subject(String user, String reference, Optional<String> sha256) {
    /** The platform of the user the entry names. */
    public String platformId() {
      int colon = user.indexOf(':');
      return colon < 0 ? "" : user.substring(0, colon);
    }
  }

  /** The subject text of an entry: who, which KeyPackage, and (for a publication) its SHA-256. */
  public static String subject(String user, String referenceHex, Optional<String> sha256Hex) {
    return user + " key_package=" + referenceHex + sha256Hex.map(h -> " sha256=" + h).orElse("");
  }

  /** The parts of an entry's subject, or empty when it is not a key log entry's. */
  public static Optional<Subject> subject(AuditRecord entry) {
    List<String> words = Arrays.asList(entry.getSubject().split(" "));
    if (words.size() < 2 || !words.get(0).contains(":")) {
      return Optional.empty();
    }
    Optional<String> reference = value(words, "key_package=");
    if (reference.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Subject(words.get(0), reference.get(), value(words, "sha256=")));
  }

  private static Optional<String> value(List<String> words, String key) {
    return words.stream()
        .filter(w -> w.startsWith(key))
        .map(w -> w.substring(key.length()))
        .findFirst();
  }
}
