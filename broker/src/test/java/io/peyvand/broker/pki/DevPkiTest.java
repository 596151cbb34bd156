package io.peyvand.broker.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What ./peyvand dev creates on first start, and that it keeps what exists. */
class DevPkiTest {
  @TempDir Path dir;

  private PkiSettings settings() {
    return new PkiSettings(dir, "peyvand-dev", true);
  }

  @Test
  void theFirstStartCreatesTheCaTheBrokerCassandraEachPlatformTheAdministratorAndTheRegulator() {
    List<String> written = DevPki.ensure(settings(), List.of("eitaa", "bale"), Clock.systemUTC());
    assertEquals(7, written.size(), String.join("\n", written));
    PkiLayout layout = settings().layout();
    for (Path file :
        List.of(
            layout.caKeyStore(),
            layout.caCertificate(),
            layout.crl(),
            layout.brokerKeyStore(),
            layout.cassandraKeyStore(),
            layout.platformKeyStore("eitaa"),
            layout.platformKeyStore("bale"),
            layout.adminKeyStore(DevPki.ADMIN),
            layout.regulatorKeyStore(DevPki.REGULATOR))) {
      assertTrue(Files.isRegularFile(file), file + " exists");
    }
  }

  @Test
  void laterStartsKeepWhatExistsAndIssueOnlyWhatIsMissing() throws Exception {
    DevPki.ensure(settings(), List.of("eitaa", "bale"), Clock.systemUTC());
    PkiLayout layout = settings().layout();
    byte[] eitaa = Files.readAllBytes(layout.platformKeyStore("eitaa"));
    assertEquals(List.of(), DevPki.ensure(settings(), List.of("eitaa", "bale"), Clock.systemUTC()));

    // A directory of before the Cassandra certificate gains it on the next start.
    Files.delete(layout.cassandraKeyStore());
    List<String> cassandra = DevPki.ensure(settings(), List.of("eitaa"), Clock.systemUTC());
    assertEquals(1, cassandra.size(), String.join("\n", cassandra));
    assertTrue(cassandra.get(0).contains("Cassandra certificate"), cassandra.get(0));

    Files.delete(layout.platformKeyStore("bale"));
    List<String> written =
        DevPki.ensure(settings(), List.of("eitaa", "bale", "rubika"), Clock.systemUTC());
    assertEquals(2, written.size(), String.join("\n", written));
    assertTrue(written.get(0).contains("platform bale"), written.get(0));
    assertTrue(written.get(1).contains("platform rubika"), written.get(1));
    assertTrue(
        java.util.Arrays.equals(eitaa, Files.readAllBytes(layout.platformKeyStore("eitaa"))));
  }
}
