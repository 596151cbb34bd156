package io.peyvand.persistence.testkit;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.peyvand.persistence.cassandra.CassandraNode;
import io.peyvand.persistence.cassandra.CqlSessions;
import io.peyvand.persistence.schema.SchemaMigrator;
import io.peyvand.persistence.schema.SchemaSettings;
import java.util.Locale;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension: gives a test class a fresh keyspace of its own in the JVM's shared Cassandra
 * node ({@link SharedCassandra}), with the project's schema applied by {@link SchemaMigrator}, and
 * drops it after the class. Register it as a static field:
 *
 * <pre>{@code
 * @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();
 * ... ActorTestKit.create(cassandra.config().withFallback(...));
 * }</pre>
 */
public final class CassandraKeyspace implements BeforeAllCallback, AfterAllCallback {
  private CassandraNode node;
  private CqlSession session;
  private String keyspace;

  @Override
  public void beforeAll(ExtensionContext context) {
    node = SharedCassandra.node();
    keyspace = keyspaceFor(context.getRequiredTestClass());
    session = CqlSessions.open(node.settings().address(), node.settings().cqlPort());
    recreate(session, keyspace);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (session != null) {
      session.execute("DROP KEYSPACE IF EXISTS " + keyspace);
      session.close();
    }
  }

  /** This class's keyspace (journal and snapshots share it). */
  public String keyspace() {
    return require(keyspace);
  }

  /** A driver session to the shared node, for assertions on stored rows. */
  public CqlSession session() {
    return require(session);
  }

  public CassandraNode node() {
    return require(node);
  }

  /**
   * The journal rows of {@code persistenceId} in this class's keyspace that also match {@code
   * condition} (CQL, e.g. {@code partition_nr = 1}), counted.
   */
  public long countMessages(String persistenceId, String condition) {
    return session()
        .execute(
            "SELECT count(*) FROM "
                + keyspace()
                + ".messages WHERE persistence_id = '"
                + persistenceId
                + "' AND "
                + condition)
        .one()
        .getLong(0);
  }

  /** deleted_to of {@code persistenceId} in this class's journal metadata; 0 without a row. */
  public long deletedTo(String persistenceId) {
    Row row =
        session()
            .execute(
                "SELECT deleted_to FROM "
                    + keyspace()
                    + ".metadata WHERE persistence_id = '"
                    + persistenceId
                    + "'")
            .one();
    return row == null ? 0 : row.getLong(0);
  }

  /** Schema settings that put journal and snapshots into this class's keyspace. */
  public SchemaSettings schemaSettings() {
    return SchemaSettings.singleKeyspace(keyspace(), SchemaSettings.Replication.simple(1));
  }

  /**
   * Drops {@code keyspace} if it exists and makes it afresh with the project's schema ({@link
   * SchemaMigrator}), journal and snapshots in it, replication factor 1: a scratch keyspace.
   */
  public static void recreate(CqlSession session, String keyspace) {
    session.execute("DROP KEYSPACE IF EXISTS " + keyspace);
    new SchemaMigrator(
            session, SchemaSettings.singleKeyspace(keyspace, SchemaSettings.Replication.simple(1)))
        .migrate();
  }

  /**
   * Configuration pointing Pekko Persistence and its driver at this class's keyspace on the shared
   * node; put it in front of the rest of the test's configuration.
   */
  public Config config() {
    return config(keyspace(), node().settings().cqlContactPoint());
  }

  /**
   * Configuration pointing Pekko Persistence (journal and snapshots) and its driver at {@code
   * keyspace} of the Cassandra at {@code contactPoint} (HOST:PORT), the embedded one off; for the
   * benchmarks, which pick their keyspace and Cassandra themselves.
   */
  public static Config config(String keyspace, String contactPoint) {
    return ConfigFactory.parseString(
        String.format(
            Locale.ROOT,
            """
        pekko.persistence.cassandra.journal.keyspace = %1$s
        pekko.persistence.cassandra.snapshot.keyspace = %1$s
        datastax-java-driver.basic.contact-points = ["%2$s"]
        peyvand.cassandra.embedded.enabled = off
        """,
            keyspace,
            contactPoint));
  }

  /** t_ + the class's simple name in lower case, cut to Cassandra's 48 characters. */
  static String keyspaceFor(Class<?> testClass) {
    String name =
        "t_" + testClass.getSimpleName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    return name.length() <= 48
        ? name
        : name.substring(0, 38)
            + "_"
            + Integer.toHexString(testClass.getName().hashCode() & 0x7fffffff);
  }

  private static <T> T require(T value) {
    if (value == null) {
      throw new IllegalStateException(
          "CassandraKeyspace is used before its beforeAll ran:"
              + " register it as a static @RegisterExtension field");
    }
    return value;
  }
}
