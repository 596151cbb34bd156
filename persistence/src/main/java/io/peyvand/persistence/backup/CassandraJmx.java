package io.peyvand.persistence.backup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * What {@code nodetool snapshot}, {@code clearsnapshot} and {@code import} do, over one Cassandra
 * node's JMX port, without Cassandra's classes on the classpath: the operations are invoked by name
 * and signature on the node's own MBeans (Cassandra 5.0's {@code StorageServiceMBean} and {@code
 * ColumnFamilyStoreMBean}). The node must run on this host: snapshots are files in its data
 * directories, which the caller reads and writes.
 */
public final class CassandraJmx implements AutoCloseable {
  private static final String STORAGE_SERVICE = "org.apache.cassandra.db:type=StorageService";

  private final String endpoint;
  private final JMXConnector connector;
  private final MBeanServerConnection server;

  private CassandraJmx(String endpoint, JMXConnector connector) throws IOException {
    this.endpoint = endpoint;
    this.connector = connector;
    this.server = connector.getMBeanServerConnection();
  }

  /**
   * Connects to the JMX port of a node (Cassandra's {@code cassandra.jmx.local.port}, the project's
   * {@code peyvand.cassandra.embedded.jmx-port}).
   *
   * @param endpoint HOST:PORT
   */
  public static CassandraJmx connect(String endpoint) {
    int colon = endpoint.lastIndexOf(':');
    if (colon <= 0 || colon == endpoint.length() - 1) {
      throw new IllegalArgumentException(
          "Cassandra JMX endpoint '" + endpoint + "' must be HOST:PORT, e.g. 127.0.0.1:7199");
    }
    try {
      JMXServiceURL url =
          new JMXServiceURL(
              "service:jmx:rmi:///jndi/rmi://"
                  + endpoint.substring(0, colon)
                  + ":"
                  + Integer.parseInt(endpoint.substring(colon + 1))
                  + "/jmxrmi");
      return new CassandraJmx(endpoint, JMXConnectorFactory.connect(url, Map.of()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Cassandra JMX endpoint '" + endpoint + "' must end in a port number", e);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot reach Cassandra's JMX at "
              + endpoint
              + " (is the node running on this host, with that jmx port?): "
              + e.getMessage(),
          e);
    }
  }

  /** HOST:PORT as given. */
  public String endpoint() {
    return endpoint;
  }

  /** The node's host id (stable over restarts, new on a node started with empty data). */
  public String hostId() {
    return (String) attribute(STORAGE_SERVICE, "LocalHostId");
  }

  /** The node's Cassandra version, e.g. 5.0.4. */
  public String releaseVersion() {
    return (String) attribute(STORAGE_SERVICE, "ReleaseVersion");
  }

  /** The node's data directories (cassandra.yaml's data_file_directories). */
  public List<Path> dataDirectories() {
    String[] locations = (String[]) attribute(STORAGE_SERVICE, "AllDataFileLocations");
    return Arrays.stream(locations).map(Path::of).toList();
  }

  /**
   * Flushes the keyspaces' memtables and hard-links every live SSTable into {@code
   * <table-directory>/snapshots/<tag>}, with the table's {@code schema.cql} (nodetool snapshot).
   */
  public void takeSnapshot(String tag, List<String> keyspaces) {
    invoke(
        STORAGE_SERVICE,
        "takeSnapshot",
        new Object[] {tag, Map.of(), keyspaces.toArray(String[]::new)},
        new String[] {String.class.getName(), Map.class.getName(), String[].class.getName()});
  }

  /** Deletes the snapshot {@code tag} of the keyspaces (nodetool clearsnapshot -t). */
  public void clearSnapshot(String tag, List<String> keyspaces) {
    invoke(
        STORAGE_SERVICE,
        "clearSnapshot",
        new Object[] {tag, keyspaces.toArray(String[]::new)},
        new String[] {String.class.getName(), String[].class.getName()});
  }

  /**
   * Loads the SSTables of {@code directory} into a live table, copying them (the directory is left
   * as it was), without checking that their tokens belong to this node (nodetool import --copy-data
   * --no-verify-tokens): a restore into a ring whose every node holds every row.
   *
   * @return the directories whose import failed (empty when all went in)
   */
  @SuppressWarnings("unchecked")
  public List<String> importSSTables(String keyspace, String table, Path directory) {
    ObjectName tableBean =
        name("org.apache.cassandra.db:type=Tables,keyspace=%s,table=%s", keyspace, table);
    Object failed =
        invoke(
            tableBean,
            "importNewSSTables",
            new Object[] {
              Set.of(directory.toAbsolutePath().toString()),
              false, // resetLevel
              false, // clearRepaired
              true, // verifySSTables
              false, // verifyTokens
              true, // invalidateCaches
              false, // extendedVerify
              true // copyData
            },
            new String[] {
              Set.class.getName(),
              "boolean",
              "boolean",
              "boolean",
              "boolean",
              "boolean",
              "boolean",
              "boolean"
            });
    return (List<String>) failed;
  }

  @Override
  public void close() {
    try {
      connector.close();
    } catch (IOException ignored) {
      // the node may be gone; nothing to release on our side
    }
  }

  private Object attribute(String bean, String attribute) {
    try {
      return server.getAttribute(name(bean), attribute);
    } catch (JMException | IOException e) {
      throw failure(attribute, e);
    }
  }

  private Object invoke(String bean, String operation, Object[] args, String[] signature) {
    return invoke(name(bean), operation, args, signature);
  }

  private Object invoke(ObjectName bean, String operation, Object[] args, String[] signature) {
    try {
      return server.invoke(bean, operation, args, signature);
    } catch (JMException | IOException e) {
      throw failure(operation, e);
    }
  }

  private IllegalStateException failure(String what, Exception e) {
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    return new IllegalStateException(
        "Cassandra at " + endpoint + " failed " + what + ": " + cause.getMessage(), e);
  }

  private static ObjectName name(String format, Object... args) {
    try {
      return new ObjectName(String.format(format, args));
    } catch (JMException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
