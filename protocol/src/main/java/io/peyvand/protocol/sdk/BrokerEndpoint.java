package io.peyvand.protocol.sdk;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.grpc.GrpcClientSettings;

/**
 * Where the broker listens for adapters. {@link #grpcSettings} is the one place that decides
 * between mutual TLS (a context with the platform's certificate, see {@link
 * PeyvandClientBuilder#tls}) and plaintext (a development broker with TLS off); {@link
 * PeyvandClientBuilder#grpcSettings} adjusts anything else pekko-grpc offers. A cluster of broker
 * nodes is a list of endpoints ({@link #parseList}, {@link #listFromConfig}): any node accepts any
 * adapter, and the client moves to the next one when its node goes away.
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

  /**
   * Parses a comma-separated list of {@code host:port} (spaces around the commas allowed), in the
   * order given; at least one, no endpoint twice.
   */
  public static List<BrokerEndpoint> parseList(String hostPorts) {
    List<BrokerEndpoint> endpoints = new ArrayList<>();
    for (String part : hostPorts.split(",", -1)) {
      if (part.isBlank()) {
        throw new IllegalArgumentException(
            "expected HOST:PORT[,HOST:PORT...], got '" + hostPorts + "'");
      }
      endpoints.add(parse(part.strip()));
    }
    return distinct(endpoints);
  }

  /**
   * The brokers of a configuration: {@code peyvand.sdk.brokers} (a list of {@code "host:port"})
   * when it is not empty, else the one of {@code peyvand.sdk.broker}.
   */
  public static List<BrokerEndpoint> listFromConfig(Config config) {
    List<String> listed = config.getStringList("peyvand.sdk.brokers");
    if (listed.isEmpty()) {
      return List.of(fromConfig(config));
    }
    return distinct(listed.stream().map(hostPort -> parse(hostPort.strip())).toList());
  }

  /** The endpoints as {@link #parseList} reads them: {@code host:port,host:port}. */
  public static String format(List<BrokerEndpoint> endpoints) {
    return String.join(",", endpoints.stream().map(BrokerEndpoint::toString).toList());
  }

  /** {@code endpoints} unchanged, as an immutable list; refused when empty or with a repeat. */
  static List<BrokerEndpoint> distinct(List<BrokerEndpoint> endpoints) {
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("at least one broker endpoint is needed");
    }
    if (endpoints.stream().distinct().count() != endpoints.size()) {
      throw new IllegalArgumentException("a broker endpoint is listed twice: " + endpoints);
    }
    return List.copyOf(endpoints);
  }

  /** The {@code peyvand.sdk.broker} block of a configuration. */
  public static BrokerEndpoint fromConfig(Config config) {
    return new BrokerEndpoint(
        config.getString("peyvand.sdk.broker.host"), config.getInt("peyvand.sdk.broker.port"));
  }

  /** pekko-grpc settings for this endpoint in plaintext (a development broker with TLS off). */
  public GrpcClientSettings grpcSettings(ClassicActorSystemProvider system) {
    return grpcSettings(system, Optional.empty());
  }

  /**
   * pekko-grpc settings for this endpoint: TLS with {@code tls} (which presents the platform's
   * client certificate and trusts the interconnect's CA), plaintext without. With TLS the broker's
   * certificate must name {@link #host} (a DNS name or an IP address).
   */
  public GrpcClientSettings grpcSettings(
      ClassicActorSystemProvider system, Optional<SSLContext> tls) {
    GrpcClientSettings settings = GrpcClientSettings.connectToServiceAt(host, port, system);
    return tls.map(context -> settings.withTls(true).withSslContext(context))
        .orElseGet(() -> settings.withTls(false));
  }

  @Override
  public String toString() {
    return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
  }
}
