package io.peyvand.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.peyvand.broker.platform.Platform;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import io.peyvand.protocol.grpc.health.v1.HealthCheckRequest;
import io.peyvand.protocol.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.peyvand.protocol.grpc.health.v1.HealthClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A whole broker node against the real Cassandra, asked over real HTTPS and gRPC sockets with TLS
 * (probes and scrapers present no certificate; gRPC health is asked with a platform's).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrokerIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();

  @RegisterExtension
  final TestBroker node =
      TestBroker.perClass(
          cassandra,
          """
            peyvand.platforms.bootstrap = [
              { id = "bale", display-name = "Bale" }
              { id = "eitaa", display-name = "Eitaa" }
            ]
            """);

  @Test
  void readyAnswers200WithEveryCheckPassed() throws Exception {
    HttpResponse<String> response = get("/health/ready");
    assertEquals(200, response.statusCode(), response.body());
    assertTrue(response.headers().firstValue("Content-Type").orElse("").contains("json"));
    assertTrue(response.body().startsWith("{\"status\":\"ready\""), response.body());
    assertTrue(response.body().contains("\"cassandra\":{\"ok\":true"), response.body());
    assertTrue(response.body().contains("\"cluster\":{\"ok\":true"), response.body());
  }

  @Test
  void aliveAndMetricsAnswer() throws Exception {
    assertEquals(200, get("/health/alive").statusCode());
    HttpResponse<String> metrics = get("/metrics");
    assertEquals(200, metrics.statusCode());
    assertTrue(metrics.body().contains("\npeyvand_ready 1.0\n"), metrics.body());
    assertTrue(metrics.body().contains("\npeyvand_cluster_members_up 1.0\n"), metrics.body());
    assertTrue(
        metrics.body().contains("\npeyvand_cluster_members_unreachable 0.0\n"), metrics.body());
    assertEquals(404, get("/no-such-thing").statusCode());
  }

  @Test
  void metricsShowTheShardsAndEntitiesThisNodeHosts() throws Exception {
    // The bootstrap platforms were registered at start: their entities run on this, the only,
    // node. The figures are polled every 5 s.
    java.util.regex.Pattern platforms =
        java.util.regex.Pattern.compile(
            "\npeyvand_sharding_entities\\{entity=\"platform\"\\} ([0-9.]+)\n");
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
    String body = "";
    while (System.nanoTime() < deadline) {
      body = get("/metrics").body();
      java.util.regex.Matcher m = platforms.matcher(body);
      if (m.find() && Double.parseDouble(m.group(1)) > 0) {
        assertTrue(body.contains("\npeyvand_sharding_shards{entity=\"mailbox\"} "), body);
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no platform entity reported within 30 s:\n" + body);
  }

  @Test
  void grpcHealthSaysServingAndRefusesUnknownServices() throws Exception {
    HealthClient client = HealthClient.create(node.grpc("bale"), node.system());
    try {
      assertEquals(
          ServingStatus.SERVING,
          client
              .check(HealthCheckRequest.getDefaultInstance())
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS)
              .getStatus());
      assertEquals(
          ServingStatus.SERVING,
          client
              .check(HealthCheckRequest.newBuilder().setService("grpc.health.v1.Health").build())
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS)
              .getStatus());
      assertEquals(
          Status.Code.NOT_FOUND,
          TestBroker.failure(
                  client.check(
                      HealthCheckRequest.newBuilder().setService("no.such.Service").build()))
              .getStatus()
              .getCode());
    } finally {
      client.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void bootstrapPlatformsAreRegistered() throws Exception {
    Platform.Lookup lookup =
        AskPattern.<Platform.Command, Platform.Lookup>ask(
                ClusterSharding.get(node.system()).entityRefFor(Platform.ENTITY_KEY, "bale"),
                Platform.Get::new,
                Duration.ofSeconds(10),
                node.system().scheduler())
            .toCompletableFuture()
            .get(15, TimeUnit.SECONDS);
    assertEquals(Optional.of("Bale"), lookup.info().map(Platform.Info::displayName));
  }

  private HttpResponse<String> get(String path) throws Exception {
    return node.get(path);
  }
}
