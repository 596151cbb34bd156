package io.peyvand.broker.ingress.http;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.peyvand.broker.observability.Metrics;
import io.peyvand.broker.observability.Readiness;
import java.nio.charset.StandardCharsets;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The HTTP port's routes: {@code GET /health/ready} (200 when ready, 503 with the reasons
 * otherwise, JSON), {@code GET /health/alive} (200 while the process runs) and {@code GET /metrics}
 * (Prometheus text).
 */
public final class HttpEndpoints extends AllDirectives {
  private static final ContentType PROMETHEUS = 
      ContentTypes.parse("text/plain; version=0.0.4; charset=UTF-8");

  private final Readiness readiness;
  private final Metrics metrics;

  public HttpEndpoints(Readiness readiness, Metrics metrics) {
    this.readiness = readiness;
    this.metrics = metrics;
  }

  public Route routes() {
    return concat(
        path(segment("health").slash("ready"), () -> get(this::ready)),
        path(segment("health").slash("alive"), () -> get(() -> complete(StatusCodes.OK, "alive\n"))),
        path("metrics", () -> get(this::metrics)));
  }

  private Route ready() {
    return completeWithFuture(readiness.check().thenApply(report -> HttpResponse.create()
        .withStatus(report.ready() ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE)
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, report.toJson()))));
  }

  private Route metrics() {
    return completeWithFuture(readiness.check().thenApply(report -> HttpResponse.create()
        .withEntity(HttpEntities.create(PROMETHEUS, 
            metrics.render(report.ready()).getBytes(StandardCharsets.UTF_8)))));
  }
}
