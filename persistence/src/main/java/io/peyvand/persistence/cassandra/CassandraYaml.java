package io.peyvand.persistence.cassandra;

import java.nio.file.Path;

/**
 * The cassandra.yaml of an embedded node: small and quick to start; a single local node, or one
 * node of a local ring (nodes on 127.0.0.1, 127.0.0.2, ... with the same ports and seeds).
 */
final class CassandraYaml {
  private CassandraYaml() {}

  /**
   * TLS 1.3 or 1.2 on the CQL port with the node's PKCS#12 key store; no client certificate asked
   * (the driver authenticates the node, not the other way round).
   */
  static String clientEncryption(CassandraNodeSettings.ClientEncryption e) {
    if (!e.enabled()) {
      return "client_encryption_options:\n  enabled: false\n";
    }
    return """
        client_encryption_options:
          enabled: true
          optional: %s
          keystore: '%s'
          keystore_password: '%s'
          store_type: PKCS12
          require_client_auth: false
          protocol: TLS
          accepted_protocols: [TLSv1.3, TLSv1.2]
        """
        .formatted(
            e.optional(),
            Path.of(e.keyStore()).toAbsolutePath().normalize(),
            e.keyStorePassword().replace("'", "''"));
  }

  static String render(CassandraNodeSettings s, Path home) {
    String commitlog =
        switch (s.commitlogSync()) {
          case "batch" -> "commitlog_sync: batch\n";
          case "group" -> "commitlog_sync: group\ncommitlog_sync_group_window: 15ms\n";
          default -> "commitlog_sync: periodic\ncommitlog_sync_period: 10000ms\n";
        };
    return """
        # Written by Peyvand's CassandraNode at every start; edit peyvand.cassandra.embedded instead.
        cluster_name: '%s'
        num_tokens: 16
        allocate_tokens_for_local_replication_factor: 1
        partitioner: org.apache.cassandra.dht.Murmur3Partitioner
        data_file_directories:
          - %s
        commitlog_directory: %s
        saved_caches_directory: %s
        hints_directory: %s
        cdc_raw_directory: %s
        %sseed_provider:
          - class_name: org.apache.cassandra.locator.SimpleSeedProvider
            parameters:
              - seeds: "%s"
        listen_address: %s
        rpc_address: %s
        storage_port: %d
        native_transport_port: %d
        start_native_transport: true
        endpoint_snitch: SimpleSnitch
        # Tests drop a keyspace per class: no snapshot of what they drop.
        auto_snapshot: false
        concurrent_compactors: 1
        %s"""
        .formatted(
            s.clusterName(),
            home.resolve("data/data"),
            home.resolve("data/commitlog"),
            home.resolve("data/saved_caches"),
            home.resolve("data/hints"),
            home.resolve("data/cdc_raw"),
            commitlog,
            s.seedList(),
            s.address(),
            s.address(),
            s.storagePort(),
            s.cqlPort(),
            clientEncryption(s.clientEncryption()));
  }
}
