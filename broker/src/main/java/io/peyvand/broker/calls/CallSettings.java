package io.peyvand.broker.calls;

import com.typesafe.config.Config;
import java.time.Duration;

/** {@code peyvand.calls} (reference.conf). */
public record CallSettings(
    Duration sessionGrace,
    Duration endedKept,
    Duration recordRetry,
    RelayCredentials.Settings relay) {

  public static CallSettings fromConfig(Config config) {
    Config calls = config.getConfig("peyvand.calls");
    return new CallSettings(
        calls.getDuration("session-grace"),
        calls.getDuration("ended-kept"),
        calls.getDuration("record-retry"),
        RelayCredentials.Settings.fromConfig(config));
  }
}
