package io.peyvand.broker.pki;

import com.typesafe.config.Config;
import java.nio.file.Path;

/**
 * {@code peyvand.pki}, read once (reference.conf explains each key).
 *
 * @param directory where the development CA keeps its files
 * @param password password of every PKCS#12 file it writes
 * @param createForDev whether {@code ./peyvand dev} creates what is missing before it starts
 */
public record PkiSettings(Path directory, String password, boolean createForDev) {
  public static PkiSettings fromConfig(Config config) {
    Config pki = config.getConfig("peyvand.pki");
    return new PkiSettings(
        Path.of(pki.getString("directory")),
        pki.getString("password"),
        pki.getBoolean("create-for-dev"));
  }

  public PkiLayout layout() {
    return new PkiLayout(directory);
  }

  @Override
  public String toString() {
    return "PkiSettings[directory="
        + directory
        + ", password=***, createForDev="
        + createForDev
        + "]";
  }
}
