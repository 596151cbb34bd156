package io.peyvand.persistence.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.cql.Row;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SchemaMigratorIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();

  @Test
  void migrationCreatesTheJournalAndSnapshotTablesAndRecordsItsVersion() {
    Set<String> tables = new HashSet<>();
    for (Row row :
        cassandra
            .session()
            .execute(
                "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?",
                cassandra.keyspace())) {
      tables.add(row.getString("table_name"));
    }
    assertTrue(
        tables.containsAll(
            Set.of(
                "messages",
                "metadata",
                "all_persistence_ids",
                "snapshots",
                "tag_views",
                "schema_migrations")),
        tables.toString());
    SchemaMigrator migrator = new SchemaMigrator(cassandra.session(), cassandra.schemaSettings());
    assertEquals(SchemaMigrator.bundled().size(), migrator.currentVersion());
  }

  @Test
  void applyingTwiceChangesNothing() {
    SchemaMigrator migrator = new SchemaMigrator(cassandra.session(), cassandra.schemaSettings());
    assertEquals(List.of(), migrator.migrate());
    assertEquals(List.of(), migrator.migrate());
  }

  @Test
  void anAppliedMigrationThatChangedIsRefused() {
    String keyspace = cassandra.keyspace();
    cassandra
        .session()
        .execute(
            "UPDATE " + keyspace + ".schema_migrations SET checksum = 'edited' WHERE version = 1");
    try {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () -> new SchemaMigrator(cassandra.session(), cassandra.schemaSettings()).migrate());
      assertTrue(e.getMessage().contains("never edit an applied migration"), e.getMessage());
    } finally {
      cassandra
          .session()
          .execute(
              "UPDATE " + keyspace + ".schema_migrations SET checksum = ? " + "WHERE version = 1",
              SchemaMigrator.bundled().get(0).checksum());
    }
  }
}
