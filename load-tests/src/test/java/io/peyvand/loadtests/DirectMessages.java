package io.peyvand.loadtests;

import static io.gatling.javaapi.core.CoreDsl.exec;

import io.gatling.javaapi.core.Simulation;

/**
 * One-to-one messages across platforms under an open arrival model: the four dev platforms'
 * sessions (two each by default) submit messages from their users to users of the other platforms,
 * in proportion to the platforms' monthly users, at a rate that ramps and then plateaus ({@link
 * LoadSettings} lists the options), and receive and acknowledge every delivery.
 *
 * <p>Gatling measures submit-to-accepted (request {@code submit-to-accepted}) and asserts that
 * fewer than {@code max-errors-pct}% of requests failed and that its 99th percentile is under
 * {@code p99-ms}. The run's ledger measures submit-to-delivered across sessions ({@link LoadRun})
 * and fails the run when an accepted message is not delivered, a repeat is not flagged, or the 99th
 * percentile of submit-to-delivered is over {@code delivered-p99-ms}: the request {@value
 * Interconnect#VERDICT}, made once every session is done, carries that verdict.
 */
public class DirectMessages extends Simulation {
  private final LoadSettings settings = LoadSettings.fromSystemProperties();
  private final LoadRun run = new LoadRun(settings);
  private final Interconnect interconnect = new Interconnect(run);

  {
    setUp(interconnect.platformSessions(exec(session -> session), run::failures))
        .assertions(interconnect.assertions());
  }

  @Override
  public void after() {
    run.print("DirectMessages", run.failures());
  }
}
