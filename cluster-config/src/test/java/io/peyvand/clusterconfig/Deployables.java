package io.peyvand.clusterconfig;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.peyvand.broker.BrokerSettings;
import io.peyvand.persistence.cassandra.CassandraNodeSettings;
import io.peyvand.persistence.schema.SchemaSettings;
import java.nio.file.Path;
import java.util.Map;

/**
 * The check every deployable configuration passes, whether a file of conf/ (DeployablesTest) or the
 * broker's ConfigMap of k8s/ (KubernetesManifestsTest): it parses, resolves against the
 * reference.conf of every module, names no setting that does not exist (a typo would otherwise be
 * silently ignored), and yields valid settings for the broker, the schema and the embedded
 * Cassandra. Includes are read beside the file, as the broker reads them.
 */
final class Deployables {
  private Deployables() {}

  /** The file over every reference.conf, resolved (environment variables included). */
  static Config load(Path file) {
    return ConfigFactory.parseFile(file.toFile())
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  /** Fails, naming {@code name} and the setting, unless {@code file} is a valid deployable. */
  static void check(String name, Path file) {
    parsesAndYieldsValidSettings(file);
    namesOnlySettingsThatExist(name, file);
  }

  static void parsesAndYieldsValidSettings(Path file) {
    Config config = load(file);
    config.checkValid(ConfigFactory.defaultReference(), "peyvand", "pekko.persistence.cassandra");
    BrokerSettings.fromConfig(config);
    SchemaSettings.fromConfig(config);
    CassandraNodeSettings.fromConfig(config);
  }

  static void namesOnlySettingsThatExist(String name, Path file) {
    Config reference = ConfigFactory.defaultReference();
    Config own = ConfigFactory.parseFile(file.toFile()).resolve();
    for (Map.Entry<String, ?> entry : own.entrySet()) {
      String path = entry.getKey();
      boolean ours = path.startsWith("peyvand.") || path.startsWith("pekko.persistence.cassandra.");
      boolean freeForm =
          path.contains(".datacenters.") || path.startsWith("datastax-java-driver.profiles.");
      if (ours && !freeForm) {
        assertTrue(
            reference.hasPathOrNull(path),
            name + " sets " + path + ", which no reference.conf defines (a typo?)");
      }
    }
  }
}
