package io.peyvand.persistence.backup;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.metadata.schema.KeyspaceMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backs up keyspaces of Cassandra nodes on this host into a directory, and loads such a backup back
 * into live tables. A backup is, per node ({@code node-1}, {@code node-2}, ... in the order the
 * nodes are given), one folder per table holding the SSTables of a snapshot (flushed first, so
 * everything the nodes had acknowledged) and the table's {@code schema.cql}:
 *
 * <pre>
 * cassandra/node-1/&lt;keyspace&gt;/&lt;table&gt;/nb-1-big-Data.db ...
 * cassandra/node-1/&lt;keyspace&gt;/&lt;table&gt;.schema.cql
 * </pre>
 *
 * <p>A restore imports each node's folders into the node given at the same position, copying the
 * files (the backup stays as it was). It adds to what the tables hold, it does not replace it: rows
 * written after the backup stay, rows lost since come back, and where both have a row the newer
 * write wins, as Cassandra always resolves it. For an event journal that is what a broker needs: no
 * acknowledged event newer than the backup is undone.
 */
public final class KeyspaceBackup {
  private static final Logger log = LoggerFactory.getLogger(KeyspaceBackup.class);

  /** The folder of a backup that holds the Cassandra nodes' files. */
  public static final String CASSANDRA = "cassandra";

  private static final String SCHEMA = "schema.cql";
  private static final String SNAPSHOT_MANIFEST = "manifest.json";

  private KeyspaceBackup() {}

  /** What was copied from or into one node: SSTable files per {@code keyspace.table}. */
  public record NodeFiles(int index, String endpoint, String hostId, Map<String, Integer> tables) {
    public int files() {
      return tables.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  /**
   * Snapshots {@code keyspaces} on every node (tag {@code tag}), copies the snapshots into {@code
   * target}/cassandra, then clears them from the nodes.
   */
  public static List<NodeFiles> take(
      List<CassandraJmx> nodes, List<String> keyspaces, Path target, String tag) {
    List<NodeFiles> copied = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      CassandraJmx node = nodes.get(i);
      Path nodeTarget = target.resolve(CASSANDRA).resolve("node-" + (i + 1));
      node.takeSnapshot(tag, keyspaces);
      try {
        Map<String, Integer> tables = new TreeMap<>();
        for (Path dataDirectory : node.dataDirectories()) {
          for (String keyspace : keyspaces) {
            for (Path tableDir : children(dataDirectory.resolve(keyspace))) {
              Path snapshot = tableDir.resolve("snapshots").resolve(tag);
              if (Files.isDirectory(snapshot)) {
                String table = tableName(tableDir);
                int files = copySnapshot(snapshot, nodeTarget.resolve(keyspace), table);
                tables.merge(keyspace + "." + table, files, Integer::sum);
              }
            }
          }
        }
        if (tables.isEmpty()) {
          throw new IllegalStateException(
              "Cassandra at "
                  + node.endpoint()
                  + " made no snapshot of "
                  + keyspaces
                  + " in its data directories "
                  + node.dataDirectories()
                  + ": do those keyspaces exist, and does the node run on this host?");
        }
        copied.add(new NodeFiles(i + 1, node.endpoint(), node.hostId(), tables));
        log.info(
            "Backed up {} SSTable files of {} tables from Cassandra at {}",
            copied.get(i).files(),
            tables.size(),
            node.endpoint());
      } finally {
        node.clearSnapshot(tag, keyspaces);
      }
    }
    return copied;
  }

  /**
   * Imports the backup of {@code source}/cassandra into the tables of the live nodes, node-K of the
   * backup into {@code nodes.get(K - 1)}. Every table of the backup must exist (apply the schema
   * first); the backup must have as many nodes as are given.
   */
  public static List<NodeFiles> restore(Path source, List<CassandraJmx> nodes, CqlSession session) {
    List<Path> nodeDirs = children(source.resolve(CASSANDRA));
    if (nodeDirs.size() != nodes.size()) {
      throw new IllegalArgumentException(
          "the backup in "
              + source
              + " holds "
              + nodeDirs.size()
              + " Cassandra node(s) but "
              + nodes.size()
              + " were given to restore into: give one JMX endpoint per backed-up node, in the"
              + " same order");
    }
    List<String> missing = new ArrayList<>();
    for (Path nodeDir : nodeDirs) {
      for (Path keyspaceDir : children(nodeDir)) {
        for (Path tableDir : children(keyspaceDir)) {
          if (Files.isDirectory(tableDir) && !tableExists(session, keyspaceDir, tableDir)) {
            missing.add(keyspaceDir.getFileName() + "." + tableDir.getFileName());
          }
        }
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "tables of the backup do not exist in Cassandra: "
              + missing.stream().distinct().toList()
              + "; apply the schema first (a backup of a newer version needs that version)");
    }
    List<NodeFiles> imported = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      CassandraJmx node = nodes.get(i);
      Path nodeDir = source.resolve(CASSANDRA).resolve("node-" + (i + 1));
      if (!Files.isDirectory(nodeDir)) {
        throw new IllegalArgumentException(
            "the backup has no folder " + nodeDir + ": its nodes must be node-1, node-2, ...");
      }
      Map<String, Integer> tables = new TreeMap<>();
      for (Path keyspaceDir : children(nodeDir)) {
        String keyspace = keyspaceDir.getFileName().toString();
        for (Path tableDir : children(keyspaceDir)) {
          if (!Files.isDirectory(tableDir)) {
            continue;
          }
          String table = tableDir.getFileName().toString();
          int files = count(tableDir);
          if (files > 0) {
            List<String> failed = node.importSSTables(keyspace, table, tableDir);
            if (!failed.isEmpty()) {
              throw new IllegalStateException(
                  "Cassandra at "
                      + node.endpoint()
                      + " could not import "
                      + failed
                      + " into "
                      + keyspace
                      + "."
                      + table
                      + ": see its log");
            }
          }
          tables.put(keyspace + "." + table, files);
        }
      }
      imported.add(new NodeFiles(i + 1, node.endpoint(), node.hostId(), tables));
      log.info(
          "Imported {} SSTable files of {} tables into Cassandra at {}",
          imported.get(i).files(),
          tables.size(),
          node.endpoint());
    }
    return imported;
  }

  private static boolean tableExists(CqlSession session, Path keyspaceDir, Path tableDir) {
    Optional<KeyspaceMetadata> keyspace =
        session
            .getMetadata()
            .getKeyspace(CqlIdentifier.fromInternal(keyspaceDir.getFileName().toString()));
    return keyspace.isPresent()
        && keyspace
            .get()
            .getTable(CqlIdentifier.fromInternal(tableDir.getFileName().toString()))
            .isPresent();
  }

  /** Copies one table's snapshot: SSTables to keyspace/table/, schema.cql beside; files copied. */
  private static int copySnapshot(Path snapshot, Path keyspaceTarget, String table) {
    Path tableTarget = keyspaceTarget.resolve(table);
    int files = 0;
    try {
      Files.createDirectories(tableTarget);
      for (Path file : children(snapshot)) {
        String name = file.getFileName().toString();
        if (!Files.isRegularFile(file) || name.equals(SNAPSHOT_MANIFEST)) {
          continue;
        }
        if (name.equals(SCHEMA)) {
          Files.copy(file, keyspaceTarget.resolve(table + "." + SCHEMA));
        } else {
          Files.copy(file, tableTarget.resolve(name), StandardCopyOption.COPY_ATTRIBUTES);
          if (name.endsWith("-Data.db")) {
            files++;
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy the snapshot " + snapshot + ": " + e, e);
    }
    return files;
  }

  /** The SSTables (Data.db files) of a backed-up table's folder. */
  private static int count(Path tableDir) {
    return (int)
        children(tableDir).stream()
            .filter(p -> p.getFileName().toString().endsWith("-Data.db"))
            .count();
  }

  /** A table's directory is named {@code <table>-<id>}. */
  private static String tableName(Path tableDir) {
    String name = tableDir.getFileName().toString();
    int dash = name.lastIndexOf('-');
    return dash > 0 ? name.substring(0, dash) : name;
  }

  /** The entries of a directory, sorted; none when it does not exist. */
  static List<Path> children(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      List<Path> list = new ArrayList<>();
      entries.forEach(list::add);
      list.sort(null);
      return list;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir + ": " + e, e);
    }
  }

  /** Every regular file under {@code dir}, sorted. */
  public static List<Path> files(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dir + ": " + e, e);
    }
  }
}
