package io.peyvand.loadtests.bench.harness;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.net.ssl.SSLContext;

/**
 * A broker node's {@code GET /metrics} (Prometheus text format), as the benchmark reads it from
 * outside: HTTPS trusting the development CA when the sessions use TLS, HTTP otherwise.
 */
public final class MetricsPage {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final URI uri;
  private final HttpClient http;

  public MetricsPage(String hostPort, Optional<SSLContext> tls) {
    this.uri = URI.create((tls.isPresent() ? "https://" : "http://") + hostPort + "/metrics");
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(TIMEOUT);
    tls.ifPresent(builder::sslContext);
    this.http = builder.build();
  }

  URI uri() {
    return uri;
  }

  /** The page's text; an IOException when it cannot be read or is not answered 200. */
  String text() throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("GET " + uri + " answered " + response.statusCode());
    }
    return response.body();
  }

  /** Every series of the page by its name with labels ({@code a_total{x="y"}}) to its value. */
  Map<String, Double> series() throws IOException, InterruptedException {
    return parse(text());
  }

  /** Every series of a page in the Prometheus text format; comments and bad lines skipped. */
  static Map<String, Double> parse(String text) {
    Map<String, Double> series = new TreeMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int end = line.indexOf('}') >= 0 ? line.indexOf('}') + 1 : line.indexOf(' ');
      if (end <= 0 || end >= line.length()) {
        continue;
      }
      String[] rest = line.substring(end).trim().split("\\s+");
      try {
        series.put(line.substring(0, end).trim(), Double.parseDouble(rest[0]));
      } catch (NumberFormatException notAValue) {
        // not a sample line
      }
    }
    return series;
  }
}
