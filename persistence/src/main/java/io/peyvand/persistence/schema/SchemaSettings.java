package io.peyvand.persistence.schema;

import com.typesafe.config.Config;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Where the schema goes and how its keyspaces replicate. The keyspace names are the journal
 * plugin's own ({@code pekko.persistence.cassandra.journal.keyspace} and {@code
 * ...snapshot.keyspace}), so the schema always lands where the journal looks; replication is {@code
 * peyvand.cassandra.schema.replication}.
 */
public record SchemaSettings(String keyspace, String snapshotKeyspace, Replication replication) {
  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z][a-zA-Z0-9_]{0,47}");

  public SchemaSettings {
    for (String name : new String[] {keyspace, snapshotKeyspace}) {
      if (!IDENTIFIER.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "invalid Cassandra keyspace name '"
                + name
                + "': use a letter then up to 47 letters, digits or underscores");
      }
    }
  }

  public static SchemaSettings fromConfig(Config config) {
    return new SchemaSettings(
        config.getString("pekko.persistence.cassandra.journal.keyspace"),
        config.getString("pekko.persistence.cassandra.snapshot.keyspace"),
        Replication.fromConfig(config.getConfig("peyvand.cassandra.schema.replication")));
  }

  /** The same settings with both journal and snapshots in one keyspace (as the test kit uses). */
  public static SchemaSettings singleKeyspace(String keyspace, Replication replication) {
    return new SchemaSettings(keyspace, keyspace, replication);
  }

  /**
   * Keyspace replication: SimpleStrategy with a factor, or NetworkTopologyStrategy per data centre.
   */
  public record Replication(String strategy, int factor, Map<String, Integer> datacenters) {
    public Replication {
      datacenters = Map.copyOf(datacenters);
      switch (strategy) {
        case "SimpleStrategy" -> {
          if (factor < 1) {
            throw new IllegalArgumentException(
                "replication factor must be at least 1, not " + factor);
          }
        }
        case "NetworkTopologyStrategy" -> {
          if (datacenters.isEmpty()) {
            throw new IllegalArgumentException(
                "NetworkTopologyStrategy needs"
                    + " peyvand.cassandra.schema.replication.datacenters, e.g. { dc1 = 3 }");
          }
        }
        default ->
            throw new IllegalArgumentException(
                "replication strategy must be SimpleStrategy"
                    + " or NetworkTopologyStrategy, not '"
                    + strategy
                    + "'");
      }
    }

    public static Replication simple(int factor) {
      return new Replication("SimpleStrategy", factor, Map.of());
    }

    static Replication fromConfig(Config c) {
      Map<String, Integer> dcs = new TreeMap<>();
      Config dcConfig = c.getConfig("datacenters");
      for (String dc : dcConfig.root().keySet()) {
        dcs.put(dc, dcConfig.getInt(dc));
      }
      return new Replication(c.getString("strategy"), c.getInt("factor"), dcs);
    }

    /** The CQL map literal for {@code WITH REPLICATION = ...}. */
    public String toCql() {
      if (strategy.equals("SimpleStrategy")) {
        return "{'class': 'SimpleStrategy', 'replication_factor': " + factor + "}";
      }
      return new TreeMap<>(datacenters)
          .entrySet().stream()
              .map(e -> "'" + e.getKey() + "': " + e.getValue())
              .collect(Collectors.joining(", ", "{'class': 'NetworkTopologyStrategy', ", "}"));
    }
  }
}
