package io.peyvand.persistence.schema;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the versioned CQL files under {@code cql/} (listed in {@code cql/migrations.index}) to a
 * keyspace, idempotently: it creates the keyspaces with the configured replication, then runs each
 * migration not yet recorded in {@code <keyspace>.schema_migrations}, then records it with its
 * checksum. A recorded migration whose file has since changed is an error, never silently re-run.
 *
 * <p>Statements in the files end with a semicolon at the end of a line; lines starting with {@code
 * --} are comments; {@code ${keyspace}} and {@code ${snapshot_keyspace}} are substituted.
 */
public final class SchemaMigrator {
  private static final Logger log = LoggerFactory.getLogger(SchemaMigrator.class);
  private static final Pattern FILE_NAME = Pattern.compile("V(\\d{3})__([a-z0-9_]+)\\.cql");
  private static final Duration DDL_TIMEOUT = Duration.ofSeconds(60);

  /** One versioned CQL file. */
  public record Migration(int version, String description, String cql, String checksum) {
    /** The file's statements, with the keyspaces of {@code settings} substituted. */
    public List<String> statements(SchemaSettings settings) {
      String text =
          cql.replace("${keyspace}", settings.keyspace())
              .replace("${snapshot_keyspace}", settings.snapshotKeyspace());
      StringBuilder withoutComments = new StringBuilder();
      text.lines()
          .filter(line -> !line.strip().startsWith("--"))
          .forEach(line -> withoutComments.append(line).append('\n'));
      return Arrays.stream(withoutComments.toString().split(";\\s*\n"))
          .map(String::strip)
          .map(s -> s.endsWith(";") ? s.substring(0, s.length() - 1) : s)
          .filter(s -> !s.isEmpty())
          .toList();
    }
  }

  private final CqlSession session;
  private final SchemaSettings settings;

  public SchemaMigrator(CqlSession session, SchemaSettings settings) {
    this.session = session;
    this.settings = settings;
  }

  /** The migrations this build ships, in order. */
  public static List<Migration> bundled() {
    List<Migration> migrations = new ArrayList<>();
    for (String name :
        resource("cql/migrations.index")
            .lines()
            .map(String::strip)
            .filter(l -> !l.isEmpty() && !l.startsWith("#"))
            .toList()) {
      Matcher m = FILE_NAME.matcher(name);
      if (!m.matches()) {
        throw new IllegalStateException(
            "migration file name '" + name + "' must look like V001__what_it_does.cql");
      }
      String cql = resource("cql/" + name);
      migrations.add(new Migration(Integer.parseInt(m.group(1)), m.group(2), cql, sha256(cql)));
    }
    for (int i = 0; i < migrations.size(); i++) {
      if (migrations.get(i).version() != i + 1) {
        throw new IllegalStateException(
            "migrations must be numbered 1, 2, 3... without gaps; found V"
                + migrations.get(i).version()
                + " at position "
                + (i + 1));
      }
    }
    return migrations;
  }

  /**
   * Brings the keyspaces up to the newest bundled migration.
   *
   * @return the versions applied by this call (empty if the schema was already current)
   */
  public List<Integer> migrate() {
    createKeyspace(settings.keyspace());
    if (!settings.snapshotKeyspace().equals(settings.keyspace())) {
      createKeyspace(settings.snapshotKeyspace());
    }
    execute(
        "CREATE TABLE IF NOT EXISTS "
            + settings.keyspace()
            + ".schema_migrations ("
            + " version int PRIMARY KEY, description text, checksum text, applied_at timestamp)");

    Map<Integer, String> applied = new HashMap<>();
    for (Row row :
        session.execute(
            SimpleStatement.newInstance(
                    "SELECT version, checksum FROM " + settings.keyspace() + ".schema_migrations")
                .setTimeout(DDL_TIMEOUT))) {
      applied.put(row.getInt("version"), row.getString("checksum"));
    }

    List<Integer> now = new ArrayList<>();
    for (Migration migration : bundled()) {
      String recorded = applied.get(migration.version());
      if (recorded != null) {
        if (!recorded.equals(migration.checksum())) {
          throw new IllegalStateException(
              "schema migration V"
                  + migration.version()
                  + " was applied to keyspace "
                  + settings.keyspace()
                  + " with checksum "
                  + recorded
                  + " but the bundled file now has "
                  + migration.checksum()
                  + ": never edit an applied migration, add a new one");
        }
        continue;
      }
      log.info(
          "Applying schema migration V{} ({}) to keyspace {}",
          migration.version(),
          migration.description(),
          settings.keyspace());
      for (String statement : migration.statements(settings)) {
        execute(statement);
      }
      session.execute(
          SimpleStatement.newInstance(
              "INSERT INTO "
                  + settings.keyspace()
                  + ".schema_migrations (version, description, checksum, applied_at) VALUES (?, ?, ?, ?)",
              migration.version(),
              migration.description(),
              migration.checksum(),
              Instant.now()));
      now.add(migration.version());
    }
    if (!session.checkSchemaAgreement()) {
      log.warn("Cassandra nodes do not agree on the schema yet; they will converge");
    }
    return now;
  }

  /** The highest recorded version in the keyspace, or 0 if none. */
  public int currentVersion() {
    int max = 0;
    for (Row row :
        session.execute("SELECT version FROM " + settings.keyspace() + ".schema_migrations")) {
      max = Math.max(max, row.getInt("version"));
    }
    return max;
  }

  private void createKeyspace(String keyspace) {
    execute(
        "CREATE KEYSPACE IF NOT EXISTS "
            + keyspace
            + " WITH REPLICATION = "
            + settings.replication().toCql());
  }

  private void execute(String cql) {
    session.execute(SimpleStatement.newInstance(cql).setTimeout(DDL_TIMEOUT));
  }

  private static String resource(String path) {
    try (InputStream in = SchemaMigrator.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("schema resource " + path + " is missing from the build");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
