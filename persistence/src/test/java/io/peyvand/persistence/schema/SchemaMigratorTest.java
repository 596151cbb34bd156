package io.peyvand.persistence.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.peyvand.persistence.schema.SchemaMigrator.Migration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchemaMigratorTest {

  @Test
  void bundledMigrationsAreNumberedFromOneAndCarryAChecksum() {
    List<Migration> migrations = SchemaMigrator.bundled();
    assertEquals(1, migrations.get(0).version());
    assertEquals("journal_and_snapshots", migrations.get(0).description());
    assertEquals(64, migrations.get(0).checksum().length());
  }

  @Test
  void statementsAreSplitWithKeyspacesSubstitutedAndCommentsDropped() {
    Migration v1 = SchemaMigrator.bundled().get(0);
    SchemaSettings settings =
        new SchemaSettings("journal_ks", "snap_ks", SchemaSettings.Replication.simple(1));
    List<String> statements = v1.statements(settings);
    assertEquals(7, statements.size(), statements.toString());
    for (String statement : statements) {
      assertTrue(statement.startsWith("CREATE TABLE IF NOT EXISTS "), statement);
      assertFalse(statement.contains("${"), statement);
      assertFalse(statement.contains("--"), statement);
      assertFalse(statement.endsWith(";"), statement);
    }
    assertTrue(statements.get(0).startsWith("CREATE TABLE IF NOT EXISTS journal_ks.messages"));
    assertTrue(statements.get(6).startsWith("CREATE TABLE IF NOT EXISTS snap_ks.snapshots"));
  }

  @Test
  void replicationRendersBothStrategies() {
    assertEquals(
        "{'class': 'SimpleStrategy', 'replication_factor': 1}",
        SchemaSettings.Replication.simple(1).toCql());
    assertEquals(
        "{'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc2': 3}",
        new SchemaSettings.Replication("NetworkTopologyStrategy", 0, Map.of("dc2", 3, "dc1", 3))
            .toCql());
  }

  @Test
  void badSettingsAreRefusedWithWhatToFix() {
    IllegalArgumentException noDcs =
        assertThrows(
            IllegalArgumentException.class,
            () -> new SchemaSettings.Replication("NetworkTopologyStrategy", 3, Map.of()));
    assertTrue(noDcs.getMessage().contains("datacenters"));
    IllegalArgumentException badName =
        assertThrows(
            IllegalArgumentException.class,
            () -> new SchemaSettings("drop table x;", "ok", SchemaSettings.Replication.simple(1)));
    assertTrue(badName.getMessage().contains("keyspace name"));
  }

  @Test
  void referenceConfigurationGivesDevReplicationAndThePluginsKeyspaces() {
    SchemaSettings settings = SchemaSettings.fromConfig(ConfigFactory.load());
    assertEquals("peyvand", settings.keyspace());
    assertEquals("peyvand_snapshot", settings.snapshotKeyspace());
    assertEquals(SchemaSettings.Replication.simple(1), settings.replication());
  }
}
