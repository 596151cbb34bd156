package io.peyvand.protocol.sdk;

import com.typesafe.config.Config;
import java.util.Objects;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.grpc.GrpcClientSettings;

/**
 * Where the broker listens for adapters. The connection is plaintext for now (the broker serves no
 * TLS yet); {@link #grpcSettings} is the one place that decides it, and
 * {@link PeyvandClientBuilder#grpcSettings} lets an adapter add TLS (or anything else pekko-grpc
 * offers) without changing the SDK.
 */
public record BrokerEndpoint(String host, int port) {
  public BrokerEndpoint {
    Objects.requireNonNull(host, "host");
    if (host.isBlank() || port < 1 || port > 65535) {
      throw new IllegalArgumentException("not a broker address: " + host + ":" + port);
    }
  }

  /** Parses {@code host:port} (an IPv6 host in brackets: {@code [::1]:7400}). */
  public static BrokerEndpoint parse(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0 || colon == hostPort.length() - 1) {
      throw new IllegalArgumentException("expected HOST:PORT, got '" + hostPort + "'");
    }
    String host = hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      return new BrokerEndpoint(host, Integer.parseInt(hostPort.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected HOST:PORT, got '" + hostPort + "'");
    }
  }

  /** The {@code peyvand.sdk.broker} block of a configuration. */
  public static BrokerEndpoint fromConfig(Config config) {
    return new BrokerEndpoint(config.getString("peyvand.sdk.broker.host"),
        config.getInt("peyvand.sdk.broker.port"));
  }

  /**
   * pekko-grpc settings for this endpoint. Plaintext: TLS goes here once the broker serves it
   * ({@code withTls(true)} with {@code withSslContext} or {@code withTrustManager}).
   */
  public GrpcClientSettings grpcSettings(ClassicActorSystemProvider system) {
    return GrpcClientSettings.connectToServiceAt(host, port, system).withTls(false);
  }

  @Override
  public String toString() {
    return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
  }
}
