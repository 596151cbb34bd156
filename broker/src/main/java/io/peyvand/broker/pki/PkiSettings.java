package io.peyvand.broker.pki;

import com.typesafe.config.Config;
import io.peyvand.broker.config.ConfigRecords;
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
    return ConfigRecords.read(config.getConfig("peyvand.pki"), PkiSettings.class);
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
