package io.peyvand.broker.tls;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code peyvand.tls}, read once (every key is explained in the broker's reference.conf). When
 * enabled, the key store and the trust store must be named; whether the files can be used is
 * checked when the broker starts ({@link ServerTls#create}), so that a deployable can be validated
 * on a machine that does not hold its keys.
 *
 * @param enabled TLS 1.3 with client certificates on both listeners; off: plaintext (dev only)
 * @param keyStore the broker's own key and certificate chain (PKCS#12)
 * @param keyStorePassword password of keyStore (and of trustStore when that is PKCS#12)
 * @param trustStore the CA certificate(s) that issue platforms' and administrators' certificates
 * @param crlFile the CA's certificate revocation list (PEM or DER), empty for none
 * @param crlReloadInterval how often crlFile is read again
 */
public record TlsSettings(
    boolean enabled,
    Path keyStore,
    String keyStorePassword,
    Path trustStore,
    Optional<Path> crlFile,
    Duration crlReloadInterval) {

  /** TLS off: plaintext listeners, every platform_id taken as given. */
  public static final TlsSettings DISABLED =
      new TlsSettings(
          false, Path.of(""), "", Path.of(""), Optional.empty(), Duration.ofSeconds(30));

  public TlsSettings {
    if (crlReloadInterval.isNegative() || crlReloadInterval.isZero()) {
      throw new IllegalArgumentException(
          "peyvand.tls.crl-reload-interval must be positive, not " + crlReloadInterval);
    }
  }

  /** From the {@code peyvand.tls} block. */
  public static TlsSettings fromConfig(Config tls) {
    boolean enabled = tls.getBoolean("enabled");
    String crl = tls.getString("crl-file");
    TlsSettings settings =
        new TlsSettings(
            enabled,
            Path.of(tls.getString("key-store")),
            tls.getString("key-store-password"),
            Path.of(tls.getString("trust-store")),
            crl.isBlank() ? Optional.empty() : Optional.of(Path.of(crl)),
            tls.getDuration("crl-reload-interval"));
    if (enabled) {
      requireNamed(tls, "key-store");
      requireNamed(tls, "trust-store");
    }
    return settings;
  }

  private static void requireNamed(Config tls, String key) {
    if (tls.getString(key).isBlank()) {
      throw new IllegalArgumentException(
          "peyvand.tls." + key + " must name a file when" + " peyvand.tls.enabled = on");
    }
  }

  @Override
  public String toString() {
    return "TlsSettings[enabled="
        + enabled
        + ", keyStore="
        + keyStore
        + ", keyStorePassword=***"
        + ", trustStore="
        + trustStore
        + ", crlFile="
        + crlFile
        + ", crlReloadInterval="
        + crlReloadInterval
        + "]";
  }
}
