package io.peyvand.loadtests;

import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.bodyBytes;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;
import static io.gatling.javaapi.http.HttpDsl.ws;

import com.google.protobuf.InvalidProtocolBufferException;
import io.gatling.http.action.ws.WsInboundMessage;
import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.peyvand.loadtests.bench.harness.RawHello;
import io.peyvand.protocol.sdk.SubmitOutcome;
import io.peyvand.protocol.v1.Acknowledge;
import io.peyvand.protocol.v1.ClientFrame;
import io.peyvand.protocol.v1.Delivery;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.ServerFrame;
import io.peyvand.protocol.v1.Submit;
import io.peyvand.protocol.v1.SubmitResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Platform sessions over the broker's WebSocket ({@code /v1/ws}) in Gatling's own WebSocket DSL:
 * each virtual user is one session of one platform, known to the broker by that platform's client
 * certificate ({@code perUserKeyManagerFactory}), and speaks the real protocol: binary messages
 * that are serialized {@code ClientFrame}s and {@code ServerFrame}s of module {@code protocol}.
 *
 * <p>A session opens with {@code Hello} and waits for {@code Welcome}, then follows its part of the
 * open arrival schedule ({@link io.peyvand.loadtests.bench.ArrivalSchedule}): when a message is due
 * it writes a {@code Submit} and waits for the {@code SubmitResult} with its correlation id. That
 * wait is the Gatling request {@code submit-to-accepted}; a refusal or no answer within {@code
 * answer-timeout} fails it. Submits of one session are sequential (a Gatling check blocks its
 * virtual user), but due times come from the schedule, not from answers: a session that falls
 * behind sends the overdue messages back to back, so the broker gets the offered load.
 *
 * <p>Everything else the broker sends (deliveries of messages and statuses, session errors) is
 * taken as it comes while a submit waits (by the check's matching condition, since Gatling drops
 * what a waiting check rejects), and otherwise kept in Gatling's buffer of unmatched messages,
 * which the session empties between submits and at least every 50 ms: each delivery goes to the
 * run's ledger (see {@link LoadRun} for submit-to-delivered) and to an SDK {@code AckTracker}, and
 * the session sends the {@code Acknowledge} frames it owes, one per mailbox, never past an item it
 * has not seen. After the schedule the sessions keep acknowledging until every session's schedule
 * is over, every accepted message is delivered and its status is back, or the grace runs out.
 */
final class Interconnect {
  /** The request that carries the ledger's verdict. */
  static final String VERDICT = "ledger: none lost, repeats flagged, delivered p99 in bound";

  /** The most a session waits before looking at its deliveries again. */
  private static final Duration POLL = Duration.ofMillis(50);

  private final LoadRun run;

  Interconnect(LoadRun run) {
    this.run = run;
  }

  /**
   * HTTPS and WebSocket to the broker, each virtual user with its platform's client certificate.
   * Gatling trusts any server certificate, so the dev CA's need not be installed.
   */
  HttpProtocolBuilder protocol() {
    return http.baseUrl(run.settings.httpUrl())
        .wsBaseUrl(run.settings.wsUrl())
        .perUserKeyManagerFactory(run::keysOf)
        // Deliveries wait here between two looks; more than this are dropped (unacknowledged, so
        // the broker sends them again).
        .wsUnmatchedInboundMessageBufferSize(50_000);
  }

  static PlatformSession state(Session session) {
    return (PlatformSession) session.get(PlatformSession.KEY);
  }

  /** Claims the virtual user's platform and opens its session. */
  ChainBuilder open() {
    return exec(session -> session.set(PlatformSession.KEY, run.session(session.userId())))
        .exec(connect())
        .exitHereIfFailed()
        .exec(
            session -> {
              run.start();
              PlatformSession s = state(session);
              s.nextDue = run.settings.schedule().next(0, s.fraction, s.random);
              return session;
            });
  }

  /**
   * HTTPS to the broker without a client certificate: what health probes and metrics scrapers use,
   * and the ledger's verdict.
   */
  HttpProtocolBuilder plainProtocol() {
    return http.baseUrl(run.settings.httpUrl());
  }

  /**
   * The ledger's verdict as a Gatling request, so that it is asserted, reported and fails the run
   * like any other: one {@code GET /health/alive} (the broker survived the load) whose check is
   * that {@link LoadRun#failures} is empty; the failures are the request's error message. Run by
   * one user after every platform session has finished ({@code andThen}).
   */
  ScenarioBuilder verdict(Supplier<List<String>> failures) {
    return scenario("ledger")
        .exec(
            http(VERDICT)
                .get("/health/alive")
                .check(status().is(200))
                .check(bodyString().transform(body -> String.join("; ", failures.get())).is("")));
  }

  /**
   * The platform sessions, all at once, each following the schedule with {@code between} run in
   * every turn; then, once all are done, the verdict of {@code failures}.
   */
  PopulationBuilder platformSessions(ChainBuilder between, Supplier<List<String>> failures) {
    return scenario("platform sessions")
        .exec(open())
        .exec(follow(between))
        .exec(drainAndClose())
        .injectOpen(atOnceUsers(run.settings.sessions()))
        .protocols(protocol())
        .andThen(verdict(failures).injectOpen(atOnceUsers(1)).protocols(plainProtocol()));
  }

  /**
   * Every platform-session simulation's assertions: failed requests under max-errors-pct, the
   * ledger's verdict made once and passed (a run that never reached it fails), at least 80% of the
   * schedule's expected messages submitted, submit-to-accepted p99 under p99-ms.
   */
  List<Assertion> assertions() {
    // Poisson arrivals: 80% of the expected count is far outside their spread for any run of
    // more than a few dozen messages, and a run whose sessions never connected submits none.
    long expected = (long) run.settings.schedule().expected(run.settings.schedule().endSeconds());
    return List.of(
        global().failedRequests().percent().lt(run.settings.maxErrorsPercent()),
        details(VERDICT).successfulRequests().count().is(1L),
        details("submit-to-accepted").allRequests().count().gte((long) (0.8 * expected)),
        details("submit-to-accepted")
            .responseTime()
            .percentile(99.0)
            .lt(run.settings.acceptedP99Millis()));
  }

  /** The WebSocket connection, Hello and Welcome: the request "welcome". */
  ChainBuilder connect() {
    return exec(ws("connect").connect("/v1/ws"))
        .exec(
            ws("hello")
                .sendBytes(
                    session ->
                        RawHello.frame(
                                state(session).platform,
                                "gatling-" + state(session).platform + "-" + session.userId(),
                                false)
                            .toByteArray())
                .await(Duration.ofSeconds(10))
                .on(
                    ws.checkBinaryMessage("welcome")
                        .check(bodyBytes().transform(Interconnect::frameCase).is("WELCOME"))));
  }

  /**
   * The schedule: until the session's arrivals are over, take deliveries, run {@code between} (e.g.
   * a reconnect), submit when due, and wait for the next due time (at most {@link #POLL}).
   */
  ChainBuilder follow(ChainBuilder between) {
    return asLongAs(session -> state(session).nextDue != Double.POSITIVE_INFINITY)
        .on(
            exec(takeDeliveries())
                .exec(between)
                .doIf(session -> state(session).nextDue <= run.elapsedSeconds())
                .then(submit())
                .pause(
                    session -> {
                      double wait = state(session).nextDue - run.elapsedSeconds();
                      return wait <= 0
                          ? Duration.ZERO
                          : Duration.ofNanos((long) Math.min(wait * 1e9, POLL.toNanos()));
                    }));
  }

  /**
   * After the schedule: acknowledge until every session's schedule is over and everything is
   * delivered, or the grace is over.
   */
  ChainBuilder drainAndClose() {
    return exec(session -> {
          run.scheduleOver();
          return session;
        })
        .asLongAs(session -> !run.settled() && !run.graceOver())
        .on(exec(takeDeliveries()).pause(POLL.multipliedBy(2)))
        .exec(takeDeliveries())
        .exec(ws("close").close());
  }

  /** One due message: the request "submit-to-accepted". */
  private ChainBuilder submit() {
    return exec(session -> {
          PlatformSession s = state(session);
          s.nextDue = run.settings.schedule().next(s.nextDue, s.fraction, s.random);
          int index = run.issue();
          if (index < 0) {
            return session.remove("frame");
          }
          long correlation = s.nextCorrelation();
          Envelope envelope =
              run.traffic.envelope(
                  s.platform, run.ids.messageId(index), System.currentTimeMillis(), s.random);
          run.addressed(index, envelope.getRecipient());
          byte[] frame =
              ClientFrame.newBuilder()
                  .setSubmit(
                      Submit.newBuilder().setCorrelationId(correlation).setEnvelope(envelope))
                  .build()
                  .toByteArray();
          return session.set("frame", frame).set("index", index).set("correlation", correlation);
        })
        .doIf(session -> session.contains("frame"))
        .then(
            exec(
                ws("submit")
                    .sendBytes(
                        session -> {
                          run.submitted(session.getInt("index"));
                          return (byte[]) session.get("frame");
                        })
                    .await(run.settings.answerTimeout())
                    .on(
                        ws.checkBinaryMessage("submit-to-accepted")
                            .matching(
                                bodyBytes().transformWithSession(this::answersThisSubmit).is(true))
                            .check(
                                bodyBytes()
                                    .transformWithSession(this::recordAnswer)
                                    .is("ACCEPTED")))));
  }

  /**
   * Whether a message is the result of the submit waiting. Gatling drops the messages a pending
   * check's condition rejects (it buffers only those that arrive while no check waits), so every
   * other frame is taken here, as {@link #takeDeliveries} would.
   */
  private boolean answersThisSubmit(byte[] bytes, Session session) {
    ServerFrame frame = parse(bytes);
    if (frame != null
        && frame.hasSubmitResult()
        && frame.getSubmitResult().getCorrelationId() == session.getLong("correlation")) {
      return true;
    }
    if (frame != null) {
      receive(state(session), frame, run.ledger.now());
    }
    return false;
  }

  /** A frame other than the result awaited: a delivery is recorded and owes an acknowledgement. */
  private void receive(PlatformSession s, ServerFrame frame, long at) {
    switch (frame.getFrameCase()) {
      case DELIVERY -> {
        Delivery d = frame.getDelivery();
        run.ledger.delivered(d, at);
        s.acks.onDelivery(d.getMailbox(), d.getSequence(), d.getAcknowledgedUpTo());
        s.acks.onHandled(d.getMailbox(), d.getSequence());
      }
      case ERROR -> run.sessionError(s.platform, frame.getError());
      case SUBMIT_RESULT -> run.lateResult();
      default -> {}
    }
  }

  /**
   * The outcome of the matched SubmitResult, recorded in the ledger: ACCEPTED, DUPLICATE or REFUSED
   * (the last two fail the request).
   */
  private String recordAnswer(byte[] bytes, Session session) {
    SubmitResult result = parse(bytes).getSubmitResult();
    int index = session.getInt("index");
    long at = run.ledger.now();
    switch (result.getOutcomeCase()) {
      case ACCEPTED, DUPLICATE -> {
        boolean duplicate = result.hasDuplicate();
        var accepted = duplicate ? result.getDuplicate() : result.getAccepted();
        run.ledger.answered(
            index,
            new SubmitOutcome.Accepted(
                result.getMessageId(),
                accepted.getSequence(),
                accepted.getAcceptedAtMs(),
                duplicate),
            at);
        return duplicate ? "DUPLICATE" : "ACCEPTED";
      }
      default -> {
        run.ledger.answered(
            index, new SubmitOutcome.Refused(result.getMessageId(), result.getRefused()), at);
        return "REFUSED " + result.getRefused().getCode();
      }
    }
  }

  /**
   * Takes the buffered messages, records deliveries, and sends the acknowledgements owed. Gatling
   * empties the buffer of unmatched messages whenever the virtual user sends a frame, so this runs
   * right before every send (the acknowledgements here, the submit after it), on the user's event
   * loop, where no message can arrive in between.
   */
  ChainBuilder takeDeliveries() {
    return exec(ws.processUnmatchedMessages(
            (messages, session) -> {
              PlatformSession s = state(session);
              long nowMs = System.currentTimeMillis();
              long nowLedger = run.ledger.now();
              for (WsInboundMessage message : messages) {
                if (!(message instanceof WsInboundMessage.Binary binary)) {
                  continue;
                }
                ServerFrame frame = parse(binary.message());
                if (frame != null) {
                  // When Gatling received it, on the ledger's clock.
                  receive(
                      s, frame, nowLedger - Math.max(0, nowMs - message.timestamp()) * 1_000_000L);
                }
              }
              List<byte[]> acks = new ArrayList<>();
              for (Map.Entry<io.peyvand.protocol.v1.UserAddress, Long> owed :
                  s.acks.drainAcknowledgements().entrySet()) {
                acks.add(
                    ClientFrame.newBuilder()
                        .setAcknowledge(
                            Acknowledge.newBuilder()
                                .setMailbox(owed.getKey())
                                .setUpToSequence(owed.getValue()))
                        .build()
                        .toByteArray());
              }
              return session.set("acks", acks);
            }))
        .foreach("#{acks}", "ack")
        .on(exec(ws("acknowledge").sendBytes(session -> (byte[]) session.get("ack"))));
  }

  private static String frameCase(byte[] bytes) {
    ServerFrame frame = parse(bytes);
    return frame == null ? "UNDECODABLE" : frame.getFrameCase().name();
  }

  private static ServerFrame parse(byte[] bytes) {
    try {
      return ServerFrame.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      return null;
    }
  }
}
