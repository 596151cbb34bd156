package io.peyvand.loadtests;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.time.Duration;

/**
 * Probes a running broker's readiness endpoint under an open arrival model: what a fleet of load
 * balancers and orchestrators does to every node. Fails the run if more than 0.1% of probes fail or
 * the 99th percentile exceeds the bound.
 *
 * <p>System properties: peyvand.http (default https://127.0.0.1:7401, as ./peyvand dev serves it
 * over TLS; health needs no client certificate and Gatling does not check the dev CA's server
 * certificate; http://... for a broker with TLS off), rate (probes/s, 50), duration (seconds at
 * plateau, 30), p99-ms (bound, 250).
 */
public class ReadinessProbe extends Simulation {
  private final String baseUrl = System.getProperty("peyvand.http", "https://127.0.0.1:7401");
  private final double rate = Double.parseDouble(System.getProperty("rate", "50"));
  private final long seconds = Long.parseLong(System.getProperty("duration", "30"));
  private final int p99Millis = Integer.parseInt(System.getProperty("p99-ms", "250"));

  private final HttpProtocolBuilder protocol = http.baseUrl(baseUrl);

  private final ScenarioBuilder probe =
      scenario("readiness probe")
          .exec(http("GET /health/ready").get("/health/ready").check(status().is(200)));

  {
    setUp(
            probe.injectOpen(
                rampUsersPerSec(1).to(rate).during(Duration.ofSeconds(10)),
                constantUsersPerSec(rate).during(Duration.ofSeconds(seconds))))
        .protocols(protocol)
        .assertions(
            global().failedRequests().percent().lt(0.1),
            global().responseTime().percentile(99.0).lt(p99Millis));
  }
}
