package io.peyvand.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

/**
 * A broker whose Cassandra is unreachable stays up, keeps retrying, and says on /health/ready why
 * it is not ready (503), instead of exiting or claiming to be ready; it opens no WebSocket session
 * meanwhile (503 on /v1/ws).
 */
class ReadinessWithoutCassandraIT {

  @Test
  void readyAnswers503WithTheReasonWhileCassandraIsUnreachable() throws Exception {
    int deadCqlPort;
    int httpPort;
    try (ServerSocket a = new ServerSocket(0);
        ServerSocket b = new ServerSocket(0)) {
      deadCqlPort = a.getLocalPort();
      httpPort = b.getLocalPort();
    }
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.empty(),
            "NoCassandra",
            ConfigFactory.parseString(
                    """
            datastax-java-driver.basic.contact-points = ["127.0.0.1:%d"]
            peyvand.http.port = %d
            peyvand.startup.schema-retry-backoff = 500ms
            peyvand.readiness.cassandra-timeout = 1s
            """
                            .formatted(deadCqlPort, httpPort)
                        + TestPki.shared().brokerTlsConfig("30s"))
                .withFallback(TestConfig.node()));
    try {
      Broker.start(system); // never completes while Cassandra is away
      // A platform's certificate: /v1/ws refuses requests without one before anything else.
      HttpClient http =
          HttpClient.newBuilder().sslContext(TestPki.shared().platform("bale")).build();
      HttpResponse<String> response = null;
      Instant deadline = Instant.now().plusSeconds(30);
      while (Instant.now().isBefore(deadline)) {
        try {
          response =
              http.send(
                  HttpRequest.newBuilder(
                          URI.create("https://127.0.0.1:" + httpPort + "/health/ready"))
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          if (response.body().contains("\"cluster\":{\"ok\":true")) {
            break;
          }
        } catch (java.io.IOException notBoundYet) {
          // the HTTP port binds first thing; try again
        }
        Thread.sleep(200);
      }
      assertEquals(503, response.statusCode(), response.body());
      assertTrue(response.body().contains("\"status\":\"not-ready\""), response.body());
      assertTrue(response.body().contains("Cassandra does not answer"), response.body());
      assertTrue(response.body().contains("applying the Cassandra schema"), response.body());

      // Sessions need the entities: until they have started, /v1/ws refuses with 503 too.
      HttpResponse<String> webSocket =
          http.send(
              HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + httpPort + "/v1/ws"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(503, webSocket.statusCode(), webSocket.body());
      assertTrue(webSocket.body().contains("starting"), webSocket.body());
    } finally {
      system.terminate();
      system
          .getWhenTerminated()
          .toCompletableFuture()
          .get(30, java.util.concurrent.TimeUnit.SECONDS);
    }
  }
}
