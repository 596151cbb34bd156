package io.peyvand.broker.calls;

import com.typesafe.config.Config;
import io.peyvand.broker.config.ConfigRecords;
import java.time.Duration;

/** {@code peyvand.calls} (reference.conf). */
public record CallSettings(
    Duration sessionGrace,
    Duration endedKept,
    Duration recordRetry,
    RelayCredentials.Settings relay) {

  public static CallSettings fromConfig(Config config) {
    return ConfigRecords.read(config.getConfig("peyvand.calls"), CallSettings.class);
  }
}
