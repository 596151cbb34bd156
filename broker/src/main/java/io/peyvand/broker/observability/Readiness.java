package io.peyvand.broker.observability;

import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.peyvand.persistence.journal.JournalMetrics;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/**
 * Whether this node can serve: its start-up has finished, it is an Up member of the cluster,
 * Cassandra answers a query now, and the journal is not failing (its latest write did not fail
 * within {@code peyvand.readiness.journal-failure-window} without one succeeding since: after
 * Cassandra returns, entities cannot persist until the journal's circuit breaker lets writes
 * through again). Asked by {@code GET /health/ready} and the gRPC health service; each check
 * reports what is wrong in words an operator can act on.
 */
public final class Readiness {

  /** One check: passed or not, and what was found. */
  public record Check(boolean ok, String detail) {}

  /** All checks; ready only when every one passed. */
  public record Report(Map<String, Check> checks) {
    public boolean ready() {
      return checks.values().stream().allMatch(Check::ok);
    }

    /** A small JSON document: {"status":"ready|not-ready","checks":{name:{ok,detail}}}. */
    public String toJson() {
      ObjectNode json = JSON.createObjectNode().put("status", ready() ? "ready" : "not-ready");
      ObjectNode byName = json.putObject("checks");
      checks.forEach(
          (name, check) ->
              byName.putObject(name).put("ok", check.ok()).put("detail", check.detail()));
      return json.toString();
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ActorSystem<?> system;
  private final CassandraSession cassandra;
  private final Duration cassandraTimeout;
  private final Duration journalFailureWindow;
  private final JournalMetrics journal;
  private volatile String startup = "starting";
  private volatile boolean started;
  private volatile boolean stopping;

  public Readiness(ActorSystem<?> system, CassandraSession cassandra, Duration cassandraTimeout) {
    this.system = system;
    this.cassandra = cassandra;
    this.cassandraTimeout = cassandraTimeout;
    this.journalFailureWindow =
        system.settings().config().getDuration("peyvand.readiness.journal-failure-window");
    this.journal = JournalMetrics.get(Adapter.toClassic(system));
  }

  /** Start-up is at this step (shown while not ready). */
  public void startupStep(String step) {
    this.startup = step;
  }

  public void started() {
    this.startup = "complete";
    this.started = true;
  }

  /** The node is shutting down: report not ready so that balancers stop sending it work. */
  public void stopping() {
    this.stopping = true;
  }

  public CompletionStage<Report> check() {
    Map<String, Check> checks = new LinkedHashMap<>();
    checks.put(
        "startup",
        stopping
            ? new Check(false, "shutting down")
            : new Check(started, started ? "complete" : "in progress: " + startup));
    MemberStatus status = Cluster.get(system).selfMember().status();
    boolean up = status.equals(MemberStatus.up());
    checks.put(
        "cluster",
        new Check(
            up,
            "this node is "
                + status.toString().toLowerCase()
                + (up ? "" : " (not yet Up in the cluster)")
                + ", members up: "
                + membersUp()));
    return cassandraCheck()
        .thenApply(
            cassandraCheck -> {
              checks.put("cassandra", cassandraCheck);
              checks.put(
                  "journal",
                  journal
                      .failingFor(journalFailureWindow)
                      .map(failing -> new Check(false, failing))
                      .orElse(
                          new Check(
                              true,
                              "no write failed within the last "
                                  + journalFailureWindow.toSeconds()
                                  + " s without one succeeding since")));
              return new Report(checks);
            });
  }

  private long membersUp() {
    long count = 0;
    for (org.apache.pekko.cluster.Member m : Cluster.get(system).state().getMembers()) {
      if (m.status().equals(MemberStatus.up())) {
        count++;
      }
    }
    return count;
  }

  private CompletionStage<Check> cassandraCheck() {
    long begun = System.nanoTime();
    CompletableFuture<Optional<Row>> query =
        cassandra.selectOne("SELECT release_version FROM system.local").toCompletableFuture();
    return query
        .orTimeout(cassandraTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle(
            (row, error) -> {
              if (error != null) {
                Throwable cause = error.getCause() != null ? error.getCause() : error;
                String what =
                    cause instanceof java.util.concurrent.TimeoutException
                        ? "no answer within " + cassandraTimeout.toMillis() + " ms"
                        : cause.toString();
                return new Check(false, "Cassandra does not answer: " + what);
              }
              long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begun);
              return new Check(
                  true,
                  "Cassandra "
                      + row.map(r -> r.getString(0)).orElse("?")
                      + " answered in "
                      + millis
                      + " ms");
            });
  }
}
