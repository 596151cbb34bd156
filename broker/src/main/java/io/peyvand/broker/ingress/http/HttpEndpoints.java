package io.peyvand.broker.ingress.http;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.peyvand.broker.ingress.PeerAuthentication;
import io.peyvand.broker.observability.ClusterStatus;
import io.peyvand.broker.observability.Metrics;
import io.peyvand.broker.observability.Readiness;
import io.peyvand.broker.observability.SecurityEvents;
import io.peyvand.broker.service.Peer;
import io.peyvand.broker.service.Regulation;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Flow;

/**
 * The HTTP port's routes: {@code GET /health/ready} (200 when ready, 503 with the reasons
 * otherwise, JSON), {@code GET /health/alive} (200 while the process runs), {@code GET /metrics}
 * (Prometheus text), {@code GET /cluster} (the cluster as this node sees it, and the shards it
 * hosts, JSON: {@link ClusterStatus}) and {@code /v1/ws}, the WebSocket sessions (503 until the
 * node has started; a request that is not a WebSocket upgrade is rejected with 400). With TLS,
 * health, metrics and the cluster view need no client certificate (probes have none; they tell
 * nothing about any platform's traffic); {@code /v1/ws} is refused with 403 without a valid one,
 * and its session then acts for the certificate's platform only. {@code /regulator} is the
 * regulator's page (a regulator's certificate only).
 */
public final class HttpEndpoints extends AllDirectives {
  private static final ContentType PROMETHEUS =
      ContentTypes.parse("text/plain; version=0.0.4; charset=UTF-8");

  private final Readiness readiness;
  private final Metrics metrics;
  private final ClusterStatus cluster;
  private final PeerAuthentication authentication;
  private final CompletionStage<Started> started;
  private final SecurityEvents security;

  /**
   * What the port serves only once the node can hold sessions: the handler of a WebSocket
   * connection from a peer, and the regulator's reads.
   */
  public record Started(
      BiFunction<Peer, Optional<InetAddress>, Flow<Message, Message, NotUsed>> webSocket,
      Regulation regulation) {}

  /**
   * Routes answering from {@code readiness} and {@code metrics}; WebSocket sessions and the
   * regulator's report are served once {@code started} completes.
   */
  public HttpEndpoints(
      Readiness readiness,
      Metrics metrics,
      ClusterStatus cluster,
      PeerAuthentication authentication,
      CompletionStage<Started> started,
      SecurityEvents security) {
    this.readiness = readiness;
    this.metrics = metrics;
    this.cluster = cluster;
    this.authentication = authentication;
    this.started = started;
    this.security = security;
  }

  public Route routes() {
    return concat(
        path(segment("health").slash("ready"), () -> get(this::ready)),
        path(
            segment("health").slash("alive"), () -> get(() -> complete(StatusCodes.OK, "alive\n"))),
        path("metrics", () -> get(this::metrics)),
        path(
            "cluster",
            () ->
                get(
                    () ->
                        complete(
                            HttpResponse.create()
                                .withEntity(
                                    HttpEntities.create(
                                        ContentTypes.APPLICATION_JSON, cluster.toJson()))))),
        path(segment("v1").slash("ws"), this::webSocket),
        pathPrefix("regulator", this::regulator));
  }

  /**
   * {@code /regulator}: the regulator's page, its charting library, and the signed report it draws
   * ({@code report.json?from=YYYY-MM-DD&to=YYYY-MM-DD}); a regulator's certificate only (403
   * otherwise, a security event).
   */
  private Route regulator() {
    return extractRequest(
        request -> {
          Peer peer = authentication.peer(request);
          Optional<Error> refused = peer.mayRegulate();
          if (refused.isPresent()) {
            security.refused(peer.who(), "regulator page", refused.get());
            return complete(
                StatusCodes.FORBIDDEN,
                refused.get().getCode() + ": " + refused.get().getMessage() + "\n");
          }
          return get(
              () ->
                  concat(
                      pathEndOrSingleSlash(
                          () -> resource("regulator/index.html", ContentTypes.TEXT_HTML_UTF8)),
                      path(
                          "chart.umd.min.js",
                          () ->
                              resource(
                                  "regulator/chart.umd.min.js",
                                  ContentTypes.parse("application/javascript; charset=UTF-8"))),
                      path(
                          "report.json",
                          () ->
                              parameter(
                                  "from", from -> parameter("to", to -> report(peer, from, to))))));
        });
  }

  private Route report(Peer peer, String from, String to) {
    Started now = started.toCompletableFuture().getNow(null);
    if (now == null) {
      return complete(StatusCodes.SERVICE_UNAVAILABLE, "the broker is starting\n");
    }
    return completeWithFuture(
        now.regulation()
            .report(peer.who(), from, to)
            .thenApply(
                result ->
                    result.isError()
                        ? HttpResponse.create()
                            .withStatus(
                                result.error().getCode() == ErrorCode.INVALID_ARGUMENT
                                    ? StatusCodes.BAD_REQUEST
                                    : StatusCodes.SERVICE_UNAVAILABLE)
                            .withEntity(
                                result.error().getCode() + ": " + result.error().getMessage())
                        : HttpResponse.create()
                            .withEntity(
                                HttpEntities.create(
                                    ContentTypes.APPLICATION_JSON, result.value().getJson()))));
  }

  private Route resource(String name, ContentType type) {
    try (InputStream in = HttpEndpoints.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        return complete(StatusCodes.NOT_FOUND, name + " is missing from the broker's jar\n");
      }
      return complete(
          HttpResponse.create().withEntity(HttpEntities.create(type, in.readAllBytes())));
    } catch (IOException e) {
      return complete(StatusCodes.INTERNAL_SERVER_ERROR, "cannot read " + name + "\n");
    }
  }

  private Route webSocket() {
    Started now = started.toCompletableFuture().getNow(null);
    if (now == null) {
      return complete(
          StatusCodes.SERVICE_UNAVAILABLE,
          "the broker is starting: WebSocket"
              + " sessions open once it has started (see /health/ready)\n");
    }
    return extractRequest(
        request -> {
          Peer peer = authentication.peer(request);
          if (peer instanceof Peer.Refused refused) {
            return complete(StatusCodes.FORBIDDEN, "NOT_PERMITTED: " + refused.reason() + "\n");
          }
          return handleWebSocketMessages(
              now.webSocket().apply(peer, PeerAuthentication.address(request)));
        });
  }

  private Route ready() {
    return fromReport(
        report ->
            HttpResponse.create()
                .withStatus(report.ready() ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE)
                .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, report.toJson())));
  }

  private Route metrics() {
    return fromReport(
        report ->
            HttpResponse.create()
                .withEntity(
                    HttpEntities.create(
                        PROMETHEUS,
                        metrics.render(report.ready()).getBytes(StandardCharsets.UTF_8))));
  }

  /** Answers from a readiness check made for this request. */
  private Route fromReport(Function<Readiness.Report, HttpResponse> answer) {
    return completeWithFuture(readiness.check().thenApply(answer));
  }
}
