package io.peyvand.broker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.peyvand.broker.calls.CallSettings;
import io.peyvand.broker.group.ChannelSettings;
import io.peyvand.broker.group.GroupSettings;
import io.peyvand.broker.mailbox.MailboxSettings;
import io.peyvand.broker.pki.PkiSettings;
import io.peyvand.broker.service.limits.AddressLimits;
import io.peyvand.broker.service.limits.SubmitLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigRecordsTest {

  record Inner(long rate, long burst) {}

  record Everything(
      int maxMembers,
      long openRate,
      double postsPerSecond,
      boolean createForDev,
      String password,
      Duration redeliveryAfter,
      Path directory,
      List<String> uris,
      Inner submitPerUser) {}

  record Checked(int snapshotEvery) {
    Checked {
      if (snapshotEvery < 1) {
        throw new IllegalArgumentException("snapshot-every must be at least 1");
      }
    }
  }

  record Unreadable(Object anything) {}

  @Test
  void readsEachComponentFromTheKeyOfItsNameInKebabCase() {
    Everything read =
        ConfigRecords.read(
            ConfigFactory.parseString(
                """
                max-members = 7
                open-rate = 5000000000
                posts-per-second = 2.5
                create-for-dev = on
                password = secret
                redelivery-after = 3s
                directory = /var/lib/peyvand
                uris = ["turn:a", "turn:b"]
                submit-per-user { rate = 20, burst = 40 }
                an-unread-key = 1
                """),
            Everything.class);

    assertEquals(
        new Everything(
            7,
            5_000_000_000L,
            2.5,
            true,
            "secret",
            Duration.ofSeconds(3),
            Path.of("/var/lib/peyvand"),
            List.of("turn:a", "turn:b"),
            new Inner(20, 40)),
        read);
  }

  @Test
  void aMissingKeyOrAWrongTypeIsConfigsOwnErrorNamingTheKey() {
    ConfigException missing =
        assertThrows(
            ConfigException.Missing.class,
            () -> ConfigRecords.read(ConfigFactory.parseString("{}"), Checked.class));
    assertTrue(missing.getMessage().contains("snapshot-every"), missing.getMessage());

    ConfigException wrong =
        assertThrows(
            ConfigException.WrongType.class,
            () ->
                ConfigRecords.read(
                    ConfigFactory.parseString("snapshot-every = many"), Checked.class));
    assertTrue(wrong.getMessage().contains("snapshot-every"), wrong.getMessage());
  }

  @Test
  void theRecordsOwnCheckRefusesAValueAsItsOwnError() {
    IllegalArgumentException refused =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ConfigRecords.read(ConfigFactory.parseString("snapshot-every = 0"), Checked.class));
    assertEquals("snapshot-every must be at least 1", refused.getMessage());
  }

  @Test
  void aComponentOfATypeItCannotReadIsAProgrammingErrorNamingIt() {
    IllegalArgumentException unreadable =
        assertThrows(
            IllegalArgumentException.class,
            () -> ConfigRecords.read(ConfigFactory.parseString("anything = 1"), Unreadable.class));
    assertTrue(unreadable.getMessage().contains("Unreadable.anything"), unreadable.getMessage());
  }

  @Test
  void keysAreTheComponentsInKebabCase() {
    assertEquals("max-members", ConfigRecords.key("maxMembers"));
    assertEquals("dedup-max-entries", ConfigRecords.key("dedupMaxEntries"));
    assertEquals("retention", ConfigRecords.key("retention"));
  }

  /** Every settings record the broker reads this way has a key in reference.conf per component. */
  @Test
  void everySettingsRecordReadsFromReferenceConf() {
    var reference = ConfigFactory.defaultReference();
    GroupSettings groups = GroupSettings.fromConfig(reference);
    assertEquals(reference.getInt("peyvand.groups.dedup-max-entries"), groups.dedupMaxEntries());
    assertEquals(
        reference.getDuration("peyvand.groups.reaction-counts-every"),
        groups.reactionCountsEvery());
    assertEquals(
        reference.getInt("peyvand.channels.bulk-max-users"),
        ChannelSettings.fromConfig(reference).bulkMaxUsers());
    MailboxSettings mailbox = MailboxSettings.fromConfig(reference);
    assertEquals(
        reference.getDuration("peyvand.mailbox.dedup-window"), mailbox.limits().dedupWindow());
    assertEquals(
        reference.getLong("peyvand.limits.submit-per-platform.rate"),
        SubmitLimits.Settings.fromConfig(reference).submitPerPlatform().rate());
    assertEquals(
        reference.getInt("peyvand.limits.sessions-per-address.concurrent"),
        AddressLimits.Settings.fromConfig(reference).concurrent());
    assertEquals(
        reference.getDuration("peyvand.calls.relay.lifetime"),
        CallSettings.fromConfig(reference).relay().lifetime());
    assertEquals(
        Path.of(reference.getString("peyvand.pki.directory")),
        PkiSettings.fromConfig(reference).directory());
  }
}
