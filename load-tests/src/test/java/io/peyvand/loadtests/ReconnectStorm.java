package io.peyvand.loadtests;

import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.http.HttpDsl.ws;

import io.gatling.javaapi.core.Simulation;
import io.peyvand.loadtests.bench.ledger.Tally;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every platform session drops and reconnects while the load goes on: the traffic of {@link
 * DirectMessages}, and at {@code storm-at} seconds from the start (default: a third into the
 * plateau) each session closes its WebSocket, stays away a random 0 to {@code reconnect-delay-ms}
 * (default 2000) and opens a new session with Hello. Meanwhile messages to the absent platforms are
 * stored, and each session's own due messages wait and then go back to back.
 *
 * <p>Catch-up is the time from the first drop until every message submitted before the last
 * session's return was delivered (the outage and the recovery), printed with the
 * submit-to-delivered of the messages submitted during the storm; the run fails when catch-up
 * exceeds {@code catch-up-max} seconds (default 30), as well as on the assertions of {@link
 * DirectMessages} (the submits of the storm count in submit-to-accepted).
 */
public class ReconnectStorm extends Simulation {
  private final LoadSettings settings = LoadSettings.fromSystemProperties();
  private final LoadRun run = new LoadRun(settings);
  private final Interconnect interconnect = new Interconnect(run);
  private final double stormAt =
      LoadSettings.number(
          "storm-at", settings.schedule().rampSeconds() + settings.schedule().plateauSeconds() / 3);
  private final int reconnectDelayMillis = LoadSettings.integer("reconnect-delay-ms", 2000);
  private final double catchUpMaxSeconds = LoadSettings.number("catch-up-max", 30);

  /** Ledger times of the first drop and the last return, and the messages issued by then. */
  private final AtomicLong firstDrop = new AtomicLong(Long.MAX_VALUE);

  private final AtomicLong lastReturn = new AtomicLong(-1);
  private final AtomicInteger issuedAtFirstDrop = new AtomicInteger(Integer.MAX_VALUE);
  private final AtomicInteger issuedAtLastReturn = new AtomicInteger(-1);
  private final AtomicInteger returned = new AtomicInteger();

  {
    var storm =
        doIf(session -> !Interconnect.state(session).stormDone && run.elapsedSeconds() >= stormAt)
            .then(
                exec(session -> {
                      Interconnect.state(session).stormDone = true;
                      firstDrop.accumulateAndGet(run.ledger.now(), Math::min);
                      issuedAtFirstDrop.accumulateAndGet(run.issued(), Math::min);
                      return session;
                    })
                    .exec(interconnect.takeDeliveries())
                    .exec(ws("drop").close())
                    .pause(
                        session ->
                            Duration.ofMillis(
                                Interconnect.state(session)
                                    .random
                                    .nextInt(reconnectDelayMillis + 1)))
                    .exec(interconnect.connect())
                    .exitHereIfFailed()
                    .exec(
                        session -> {
                          lastReturn.accumulateAndGet(run.ledger.now(), Math::max);
                          issuedAtLastReturn.accumulateAndGet(run.issued(), Math::max);
                          returned.incrementAndGet();
                          return session;
                        }));
    setUp(interconnect.platformSessions(storm, this::failures))
        .assertions(interconnect.assertions());
  }

  /**
   * Seconds from the first drop until every message submitted before the last return was delivered:
   * the outage and the recovery together.
   */
  private double catchUpSeconds() {
    Tally before = run.ledger.tally(0, Math.max(0, issuedAtLastReturn.get()));
    return before.delivered() < before.accepted()
        ? Double.POSITIVE_INFINITY
        : Math.max(0, before.lastDelivered() - firstDrop.get()) / 1e9;
  }

  private List<String> failures() {
    List<String> failures = new ArrayList<>(run.failures());
    if (returned.get() < settings.sessions()) {
      failures.add(
          "only "
              + returned.get()
              + " of "
              + settings.sessions()
              + " sessions dropped and came back (storm-at "
              + stormAt
              + " s)");
    } else if (catchUpSeconds() > catchUpMaxSeconds) {
      failures.add(
          String.format(
              "catch-up took %.1f s, more than catch-up-max %.0f s",
              catchUpSeconds(), catchUpMaxSeconds));
    }
    return failures;
  }

  @Override
  public void after() {
    List<String> failures = failures();
    run.print("ReconnectStorm", failures);
    if (returned.get() > 0) {
      Tally during =
          run.ledger.tally(
              Math.min(issuedAtFirstDrop.get(), run.issued()),
              Math.max(issuedAtFirstDrop.get(), issuedAtLastReturn.get()));
      System.out.printf(
          "  storm: %d sessions dropped at %.1f s and were all back %.1f s later;"
              + " caught up %.1f s after the first drop%n",
          returned.get(),
          (firstDrop.get() - run.startedAt()) / 1e9,
          (lastReturn.get() - firstDrop.get()) / 1e9,
          catchUpSeconds());
      System.out.printf(
          "  messages submitted during the storm: %d, submit-to-delivered %s%n",
          during.messages(), LoadRun.millis(during.submitToDelivered()));
    }
  }
}
