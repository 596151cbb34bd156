package io.peyvand.broker.tls;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code peyvand.cluster.tls}, read once: the files of Artery's mutual TLS between broker nodes,
 * used when {@code pekko.remote.artery.transport = tls-tcp} (every key is explained in the broker's
 * reference.conf). A key left empty takes the same key of {@code peyvand.tls}, so that a node
 * presents its broker certificate to the other nodes and trusts the interconnect's CA on both
 * links. With tls-tcp, the key store and the trust store must be named (here or there): the node
 * refuses to start otherwise; whether the files can be used is checked when Artery starts ({@link
 * ClusterTlsEngineProvider}).
 *
 * @param enabled whether Artery runs over TLS (transport tls-tcp)
 * @param files this node's key store (its broker certificate), the trust store (the CA whose broker
 *     certificates may be members), the revocation list and its reload interval, as for the
 *     listeners
 * @param peerUnit the OU a member's certificate subject must name ("": any serverAuth certificate
 *     of the CA)
 */
public record ClusterTlsSettings(boolean enabled, TlsSettings files, String peerUnit) {

  /** Artery's transport that runs over TLS. */
  public static final String TLS_TRANSPORT = "tls-tcp";

  /** From {@code peyvand.cluster.tls}, {@code peyvand.tls} and Artery's transport. */
  public static ClusterTlsSettings fromConfig(Config config) {
    boolean enabled = config.getString("pekko.remote.artery.transport").equals(TLS_TRANSPORT);
    Config own = config.getConfig("peyvand.cluster.tls");
    Config listeners = config.getConfig("peyvand.tls");
    String keyStore = either(own, listeners, "key-store");
    String trustStore = either(own, listeners, "trust-store");
    String crl = either(own, listeners, "crl-file");
    if (enabled) {
      requireNamed(keyStore, "key-store");
      requireNamed(trustStore, "trust-store");
    }
    return new ClusterTlsSettings(
        enabled,
        new TlsSettings(
            enabled,
            Path.of(keyStore),
            either(own, listeners, "key-store-password"),
            Path.of(trustStore),
            crl.isBlank() ? Optional.empty() : Optional.of(Path.of(crl)),
            listeners.getDuration("crl-reload-interval")),
        own.getString("peer-organizational-unit"));
  }

  private static String either(Config own, Config listeners, String key) {
    String value = own.getString(key);
    return value.isBlank() ? listeners.getString(key) : value;
  }

  private static void requireNamed(String value, String key) {
    if (value.isBlank()) {
      throw new IllegalArgumentException(
          "pekko.remote.artery.transport = tls-tcp needs peyvand.cluster.tls."
              + key
              + " (or peyvand.tls."
              + key
              + ") to name a file: the broker certificate the node presents to the other nodes"
              + " and the CA it trusts them by (cluster-config/CLUSTER.md, Encrypted links)");
    }
  }
}
