package io.peyvand.broker.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.ColumnDefinition;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.type.codec.TypeCodecs;
import io.peyvand.loadtests.bench.harness.BoundedWrites;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * Writes many idle users' events fast, by copying the rows the journal itself wrote for one
 * template user: through the entity a million first events would take minutes of persisting (and a
 * recovery each), with the driver they take seconds. The copy is byte for byte (serializer id,
 * manifest, event bytes, writer, timestamps); only the persistence id differs. It only applies to a
 * journal that stores events in a {@code messages} table keyed by {@code persistence_id} (the
 * Cassandra plugin's layout, V001): {@link #template} finds nothing otherwise, and the scenario
 * then writes through the entities instead. Either way a sample of the users is woken afterwards
 * and must recover what was written.
 */
final class IdleUsers {
  private final CqlSession session;
  private final List<Copy> copies;

  /** The non-null columns of one template row of one table, and the insert that copies them. */
  private record Copy(
      String table, PreparedStatement insert, List<String> columns, List<ByteBuffer> values) {}

  private IdleUsers(CqlSession session, List<Copy> copies) {
    this.session = session;
    this.copies = copies;
  }

  /**
   * The template's rows in {@code keyspace}'s {@code messages} (its first partition) and {@code
   * all_persistence_ids} tables, if the journal wrote it there.
   */
  static Optional<IdleUsers> template(CqlSession session, String keyspace, String persistenceId) {
    List<Copy> copies = new ArrayList<>();
    for (String[] table :
        new String[][] {
          {"messages", "persistence_id = ? AND partition_nr = 0"},
          {"all_persistence_ids", "persistence_id = ?"}
        }) {
      boolean exists =
          session
              .getMetadata()
              .getKeyspace(keyspace)
              .flatMap(k -> k.getTable(table[0]))
              .isPresent();
      if (!exists) {
        continue;
      }
      List<Row> rows =
          session
              .execute(
                  session
                      .prepare("SELECT * FROM " + keyspace + "." + table[0] + " WHERE " + table[1])
                      .bind(persistenceId))
              .all();
      if (rows.size() > 1) {
        return Optional.empty(); // one event per idle user: the template wrote more
      }
      if (rows.isEmpty()) {
        if (table[0].equals("messages")) {
          return Optional.empty();
        }
        continue;
      }
      Row row = rows.get(0);
      List<String> columns = new ArrayList<>();
      List<ByteBuffer> values = new ArrayList<>();
      for (ColumnDefinition column : row.getColumnDefinitions()) {
        ByteBuffer value = row.getBytesUnsafe(column.getName());
        if (value != null) { // an absent cell stays absent: no tombstones
          columns.add(column.getName().asInternal());
          values.add(value);
        }
      }
      String insert =
          "INSERT INTO "
              + keyspace
              + "."
              + table[0]
              + " ("
              + String.join(", ", columns)
              + ") VALUES ("
              + String.join(", ", columns.stream().map(c -> "?").toList())
              + ")";
      copies.add(new Copy(table[0], session.prepare(insert), columns, values));
    }
    return copies.isEmpty() ? Optional.empty() : Optional.of(new IdleUsers(session, copies));
  }

  /** Writes the template's rows for {@code count} users named by {@code persistenceId(i)}. */
  int copy(int count, int inFlight, IntFunction<String> persistenceId, PrintStream log)
      throws InterruptedException {
    BoundedWrites writes = new BoundedWrites(session, inFlight);
    long lastReport = System.nanoTime();
    for (int i = 0; i < count; i++) {
      ByteBuffer id =
          TypeCodecs.TEXT.encode(persistenceId.apply(i), session.getContext().getProtocolVersion());
      for (Copy copy : copies) {
        BoundStatementBuilder bound = copy.insert().boundStatementBuilder();
        for (int c = 0; c < copy.columns().size(); c++) {
          bound.setBytesUnsafe(
              c,
              copy.columns().get(c).equals("persistence_id")
                  ? id.duplicate()
                  : copy.values().get(c).duplicate());
        }
        writes.execute(bound.build());
      }
      if (System.nanoTime() - lastReport > 10_000_000_000L) {
        log.printf("memory: %d idle users written so far%n", i);
        lastReport = System.nanoTime();
      }
    }
    int failed = writes.awaitAll();
    if (writes.firstFailure() != null) {
      log.println("memory: " + failed + " rows failed; the first: " + writes.firstFailure());
    }
    return failed;
  }

  /** The tables copied, for the report. */
  String tables() {
    return String.join(" and ", copies.stream().map(Copy::table).toList());
  }
}
