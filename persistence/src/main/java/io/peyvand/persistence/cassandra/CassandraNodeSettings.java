package io.peyvand.persistence.cassandra;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where and how an embedded Cassandra node runs: read once from {@code peyvand.cassandra.embedded}
 * (defaults and their meaning are in this module's reference.conf).
 */
public record CassandraNodeSettings(
    Path dataDirectory,
    String address,
    int cqlPort,
    int storagePort,
    int jmxPort,
    String heap,
    String clusterName,
    String commitlogSync,
    Duration startupTimeout,
    Duration stopTimeout,
    String seeds,
    ClientEncryption clientEncryption) {

  /**
   * TLS on the node's CQL port ({@code client_encryption_options} of cassandra.yaml): the node
   * presents the first key of {@code keyStore} (PKCS#12); {@code optional} also admits plaintext
   * clients on the same port.
   */
  public record ClientEncryption(
      boolean enabled, String keyStore, String keyStorePassword, boolean optional) {
    /** Plaintext CQL. */
    public static final ClientEncryption OFF = new ClientEncryption(false, "", "", false);

    public ClientEncryption {
      if (enabled && keyStore.isBlank()) {
        throw new IllegalArgumentException(
            "peyvand.cassandra.embedded.client-encryption.enabled needs a key-store");
      }
    }

    static ClientEncryption fromConfig(Config c) {
      if (!c.hasPath("client-encryption")) {
        return OFF;
      }
      Config e = c.getConfig("client-encryption");
      return new ClientEncryption(
          e.getBoolean("enabled"),
          e.getString("key-store"),
          e.getString("key-store-password"),
          e.getBoolean("optional"));
    }
  }

  public CassandraNodeSettings {
    if (clientEncryption == null) {
      clientEncryption = ClientEncryption.OFF;
    }
    if (cqlPort <= 0 || storagePort <= 0 || jmxPort <= 0) {
      throw new IllegalArgumentException(
          "embedded Cassandra ports must be positive: cql="
              + cqlPort
              + " storage="
              + storagePort
              + " jmx="
              + jmxPort);
    }
    if (!commitlogSync.equals("periodic")
        && !commitlogSync.equals("batch")
        && !commitlogSync.equals("group")) {
      throw new IllegalArgumentException(
          "peyvand.cassandra.embedded.commitlog-sync must be periodic, batch or group, not '"
              + commitlogSync
              + "'");
    }
  }

  /**
   * The seed addresses written into cassandra.yaml, each with the storage port: {@code seeds}, or
   * this node's own address when empty.
   */
  public String seedList() {
    String list = seeds.isBlank() ? address : seeds;
    StringBuilder out = new StringBuilder();
    for (String seed : list.split(",")) {
      if (!seed.isBlank()) {
        out.append(out.length() == 0 ? "" : ",")
            .append(seed.strip())
            .append(':')
            .append(storagePort);
      }
    }
    return out.toString();
  }

  /** Reads the block {@code peyvand.cassandra.embedded} of a resolved configuration. */
  public static CassandraNodeSettings fromConfig(Config config) {
    Config c = config.getConfig("peyvand.cassandra.embedded");
    return new CassandraNodeSettings(
        Path.of(c.getString("data-directory")),
        c.getString("address"),
        c.getInt("cql-port"),
        c.getInt("storage-port"),
        c.getInt("jmx-port"),
        c.getString("heap"),
        c.getString("cluster-name"),
        c.getString("commitlog-sync"),
        c.getDuration("startup-timeout"),
        c.getDuration("stop-timeout"),
        c.getString("seeds"),
        ClientEncryption.fromConfig(c));
  }

  public CassandraNodeSettings withPorts(int cql, int storage, int jmx) {
    return with(dataDirectory, cql, storage, jmx);
  }

  public CassandraNodeSettings withDataDirectory(Path directory) {
    return with(directory, cqlPort, storagePort, jmxPort);
  }

  private CassandraNodeSettings with(Path directory, int cql, int storage, int jmx) {
    return new CassandraNodeSettings(
        directory,
        address,
        cql,
        storage,
        jmx,
        heap,
        clusterName,
        commitlogSync,
        startupTimeout,
        stopTimeout,
        seeds,
        clientEncryption);
  }

  /** host:port of the CQL native transport, as the driver's contact point. */
  public String cqlContactPoint() {
    return address + ":" + cqlPort;
  }
}
