package io.peyvand.protocol.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Key stores and trust anchors read from files with the JDK alone. A key store is PKCS#12 (what
 * {@code ./peyvand pki} writes: the private key with its certificate chain). A trust store is
 * either PKCS#12 ({@code .p12}, {@code .pfx}) or one or more X.509 certificates in PEM or DER (e.g.
 * {@code ca.crt}). Failures are {@link IllegalArgumentException}s naming the file and why.
 */
public final class KeyMaterial {
  /** The only protocol version the broker speaks, and so the one clients offer. */
  public static final String TLS_VERSION = "TLSv1.3";

  private KeyMaterial() {}

  /** A PKCS#12 key store. */
  public static KeyStore keyStore(Path file, char[] password) {
    requireFile(file, "key store");
    try {
      return KeyStore.getInstance(file.toFile(), password);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "cannot read the key store "
              + file
              + " (PKCS#12 with"
              + " the given password expected): "
              + e.getMessage(),
          e);
    }
  }

  /** The certificates a trust store trusts. */
  public static List<X509Certificate> trustAnchors(Path file, char[] password) {
    requireFile(file, "trust store");
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    try {
      List<X509Certificate> anchors = new ArrayList<>();
      if (name.endsWith(".p12") || name.endsWith(".pfx")) {
        KeyStore store = KeyStore.getInstance(file.toFile(), password);
        for (String alias : Collections.list(store.aliases())) {
          if (store.getCertificate(alias) instanceof X509Certificate certificate) {
            anchors.add(certificate);
          }
        }
      } else {
        try (InputStream in = Files.newInputStream(file)) {
          for (Certificate certificate :
              CertificateFactory.getInstance("X.509").generateCertificates(in)) {
            anchors.add((X509Certificate) certificate);
          }
        }
      }
      if (anchors.isEmpty()) {
        throw new IllegalArgumentException("the trust store " + file + " holds no certificate");
      }
      return List.copyOf(anchors);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "cannot read the trust store "
              + file
              + " (PEM or DER"
              + " certificates, or PKCS#12 .p12): "
              + e.getMessage(),
          e);
    }
  }

  /** The anchors as an in-memory key store, for a TrustManagerFactory. */
  public static KeyStore trustStore(List<X509Certificate> anchors) {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < anchors.size(); i++) {
        store.setCertificateEntry("anchor-" + i, anchors.get(i));
      }
      return store;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot build an in-memory trust store", e);
    }
  }

  /**
   * A TLS 1.3 client context presenting the key store's certificate and trusting the trust store's
   * certificates (the server's name is checked against its certificate by the caller, as gRPC
   * does).
   */
  public static SSLContext clientContext(Path keyStore, char[] password, Path trustStore) {
    try {
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(keyStore(keyStore, password), password);
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trustStore(trustAnchors(trustStore, password)));
      SSLContext context = SSLContext.getInstance(TLS_VERSION);
      context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "cannot use the key store "
              + keyStore
              + " with the trust store "
              + trustStore
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static void requireFile(Path file, String what) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("the " + what + " " + file + " does not exist");
    }
  }
}
