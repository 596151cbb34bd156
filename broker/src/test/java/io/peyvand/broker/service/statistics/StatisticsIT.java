package io.peyvand.broker.service.statistics;

import static io.peyvand.broker.TestBroker.assertRefused;
import static io.peyvand.broker.TestBroker.failure;
import static io.peyvand.broker.ingress.RawSession.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.grpc.Status;
import io.peyvand.broker.RegulatorCommand;
import io.peyvand.broker.TestBroker;
import io.peyvand.broker.TestPki;
import io.peyvand.broker.ingress.RawSession;
import io.peyvand.broker.pki.PkiLayout;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import io.peyvand.protocol.v1.ClientFrame;
import io.peyvand.protocol.v1.Delivery;
import io.peyvand.protocol.v1.DirectoryClient;
import io.peyvand.protocol.v1.GetReportRequest;
import io.peyvand.protocol.v1.InterconnectClient;
import io.peyvand.protocol.v1.LookupRequest;
import io.peyvand.protocol.v1.PublishRequest;
import io.peyvand.protocol.v1.ReadReceipt;
import io.peyvand.protocol.v1.RegulatorClient;
import io.peyvand.protocol.v1.ServerFrame;
import io.peyvand.protocol.v1.SetConsentRequest;
import io.peyvand.protocol.v1.SubmitResult;
import io.peyvand.protocol.v1.UserAddress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.grpc.GrpcClientSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * The regulator's statistics against the real broker and Cassandra, over mutual TLS: a seeded run
 * of consent changes, messages both ways (one submitted twice, one redelivered after a reconnect),
 * acknowledgements, a read receipt and refusals; the signed report's figures are exactly what was
 * sent, distinct users are estimated within the stated error, the report verifies offline against
 * the CA and fails once a figure is changed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StatisticsIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();
  private static final char[] PASSWORD = "statistics-it".toCharArray();
  private static final Duration WAIT = Duration.ofSeconds(20);

  private TestPki tls;
  private PkiLayout pki;
  private TestBroker node;
  private ActorSystem<Void> system;
  private LocalDate firstDay;

  @BeforeAll
  void start() throws Exception {
    tls = TestPki.create("StatisticsIT", PASSWORD);
    pki = tls.layout();
    tls.ca().issuePlatform("bale", false);
    tls.ca().issuePlatform("eitaa", false);
    tls.ca().issueRegulator("ira", false);
    firstDay = today();
    node =
        TestBroker.start(
            "StatisticsIT",
            cassandra,
            TestBroker.BALE_AND_EITAA + "\npeyvand.statistics.refusals-flush-interval = 200ms\n",
            tls);
    system = node.system();
  }

  @AfterAll
  void stop() {
    node.close();
    tls.close();
  }

  @Test
  @Order(1)
  void theSignedReportCountsExactlyWhatASeededRunSent() throws Exception {
    InterconnectClient bale = client(pki.platformKeyStore("bale"));
    InterconnectClient eitaa = client(pki.platformKeyStore("eitaa"));
    // Consent: bale:u1 opts in; bale:u2 opts in, then out; eitaa:e1 opts out having never chosen.
    consent(bale, "bale:u1", true);
    consent(bale, "bale:u2", true);
    consent(bale, "bale:u2", false);
    consent(bale, "bale:u2", false); // no change: no event, nothing counted
    consent(eitaa, "eitaa:e1", false);
    // The directory: bale:u1 publishes two numbers (one discoverable user); eitaa looks one up.
    DirectoryClient baleDirectory =
        DirectoryClient.create(settings(pki.platformKeyStore("bale")), system);
    DirectoryClient eitaaDirectory =
        DirectoryClient.create(settings(pki.platformKeyStore("eitaa")), system);
    try {
      for (String number : List.of("0912 345 0001", "0912 345 0002")) {
        get(
            baleDirectory.publish(
                PublishRequest.newBuilder()
                    .setUser(RawSession.user("bale:u1"))
                    .setPhoneNumber(number)
                    .build()));
      }
      get(
          eitaaDirectory.lookup(
              LookupRequest.newBuilder()
                  .setAsker(RawSession.user("eitaa:carol"))
                  .addPhoneNumbers("09123450001")
                  .build()));
    } finally {
      baleDirectory.close();
      eitaaDirectory.close();
    }

    try (RawSession eitaaSession = RawSession.hello(system, eitaa, "eitaa")) {
      // Five messages eitaa -> bale:u1 from two users; one of them submitted twice.
      for (int i = 0; i < 5; i++) {
        String from = i < 3 ? "eitaa:alice" : "eitaa:bob";
        assertAccepted(eitaaSession.submitAndAwait(text("e2b-" + i, from, "bale:u1", "hi"), WAIT));
      }
      SubmitResult again =
          eitaaSession.submitAndAwait(text("e2b-0", "eitaa:alice", "bale:u1", "hi"), WAIT);
      assertTrue(again.hasDuplicate(), "the same message id again: a duplicate " + again);

      // Bale receives four and acknowledges them, then goes away before the fifth.
      try (RawSession baleSession =
          RawSession.hello(system, client(pki.platformKeyStore("bale")), "bale")) {
        long upTo = 0;
        for (int i = 0; i < 4; i++) {
          upTo = delivery(baleSession, "bale:u1").getSequence();
        }
        baleSession.ack(RawSession.user("bale:u1"), upTo);
        // The user read the first three.
        baleSession.send(
            ClientFrame.newBuilder()
                .setReadReceipt(
                    ReadReceipt.newBuilder()
                        .setReader(RawSession.user("bale:u1"))
                        .setUpToSequence(upTo - 1))
                .build());
        baleSession.expect(ServerFrame::hasDelivery, WAIT); // the fifth, not acknowledged
      }
      // Reconnected: the fifth is pushed again (flagged) and acknowledged now.
      try (RawSession baleSession =
          RawSession.hello(system, client(pki.platformKeyStore("bale")), "bale")) {
        Delivery fifth = delivery(baleSession, "bale:u1");
        baleSession.ack(fifth.getMailbox(), fifth.getSequence());
        // Two messages bale:u1 -> eitaa:carol, received and acknowledged by eitaa.
        assertAccepted(
            baleSession.submitAndAwait(text("b2e-0", "bale:u1", "eitaa:carol", "hi"), WAIT));
        assertAccepted(
            baleSession.submitAndAwait(text("b2e-1", "bale:u1", "eitaa:carol", "hi"), WAIT));
        long upTo = 0;
        for (int i = 0; i < 2; i++) {
          upTo = delivery(eitaaSession, "eitaa:carol").getSequence();
        }
        eitaaSession.ack(RawSession.user("eitaa:carol"), upTo);
        // Refused twice: bale may not submit as an eitaa user.
        for (int i = 0; i < 2; i++) {
          SubmitResult refused =
              baleSession.submitAndAwait(text("bad-" + i, "eitaa:mallory", "bale:u1", "x"), WAIT);
          assertTrue(refused.hasRefused(), refused.toString());
        }
      }
    }

    // The figures, once the statuses have reached the senders' mailboxes and the refusals the
    // table: polled, since both travel after the answers the test waited for.
    Map<String, Object> bale1 = null;
    Map<String, Object> eitaa1 = null;
    Map<String, Object> traffic = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      Totals totals = totals(report());
      bale1 = totals.platform("bale");
      eitaa1 = totals.platform("eitaa");
      traffic = totals.traffic;
      if (number(bale1, "delivered") == 5
          && number(eitaa1, "delivered") == 2
          && number(bale1, "read") == 3
          && refusals(bale1) == 2) {
        break;
      }
      Thread.sleep(300);
    }
    assertEquals(5, number(eitaa1, "messages_sent"), "the duplicate is not counted: " + eitaa1);
    assertEquals(5, number(bale1, "messages_received"), bale1.toString());
    assertEquals(2, number(bale1, "messages_sent"), bale1.toString());
    assertEquals(2, number(eitaa1, "messages_received"), eitaa1.toString());
    assertEquals(Map.of("bale", 5), traffic.get("eitaa"), "traffic " + traffic);
    assertEquals(Map.of("eitaa", 2), traffic.get("bale"), "traffic " + traffic);
    assertEquals(5, number(bale1, "delivered"), "the redelivered one once: " + bale1);
    assertEquals(2, number(eitaa1, "delivered"), eitaa1.toString());
    assertEquals(3, number(bale1, "read"), bale1.toString());
    assertEquals(0, number(bale1, "failed") + number(bale1, "expired"), bale1.toString());
    assertEquals(2, refusals(bale1), "refusals " + bale1.get("refusals"));
    assertEquals(2, number(bale1, "newly_opted_in"), bale1.toString());
    assertEquals(1, number(bale1, "opted_out"), bale1.toString());
    assertEquals(1, number(bale1, "opted_in_total"), bale1.toString());
    assertEquals(1, number(eitaa1, "opted_out"), eitaa1.toString());
    assertEquals(0, number(eitaa1, "opted_in_total"), eitaa1.toString());
    assertEquals(1, number(bale1, "discoverable_users"), bale1.toString());
    assertEquals(1, number(eitaa1, "directory_lookups"), eitaa1.toString());
    // Distinct users, estimated (HyperLogLog: exact at these sizes, within 1.6% in general).
    assertEquals(2, number(eitaa1, "active_senders"), eitaa1.toString());
    assertEquals(1, number(bale1, "active_senders"), bale1.toString());
    assertEquals(1, number(bale1, "active_recipients"), bale1.toString());
    @SuppressWarnings("unchecked")
    Map<String, Object> delivery = (Map<String, Object>) bale1.get("submit_to_delivered_ms");
    assertEquals(5L, ((Number) delivery.get("count")).longValue(), delivery.toString());
  }

  @Test
  @Order(2)
  void theReportVerifiesOfflineAndFailsOnceAFigureIsChanged() throws Exception {
    Path file = tls.directory().resolve("report.json");
    Run report =
        run(
            "report",
            "--broker",
            "127.0.0.1:" + node.grpcPort(),
            "--pki-dir",
            pki.directory().toString(),
            "--regulator",
            "ira",
            "--key-store-password",
            new String(PASSWORD),
            "--from",
            firstDay.toString(),
            "--to",
            today().toString(),
            "--out",
            file.toString());
    assertEquals(0, report.status(), report.toString());
    Run verified = run("verify", "--pki-dir", pki.directory().toString(), file.toString());
    assertEquals(0, verified.status(), verified.toString());
    assertTrue(verified.out().contains("verified: the report of"), verified.out());

    String text = Files.readString(file, StandardCharsets.UTF_8);
    assertTrue(text.contains("\"complete\" : false"), "today is not closed yet");
    Path changed = tls.directory().resolve("changed.json");
    Files.writeString(changed, text.replaceFirst("\"opted_out\" : (\\d+)", "\"opted_out\" : 999"));
    Run refused = run("verify", "--pki-dir", pki.directory().toString(), changed.toString());
    assertEquals(1, refused.status(), refused.toString());
    assertTrue(refused.out().contains("NOT VERIFIED"), refused.out());

    // A platform's certificate cannot have the report; a malformed day is a clear refusal.
    RegulatorClient asBale = RegulatorClient.create(settings(pki.platformKeyStore("bale")), system);
    RegulatorClient asRegulator =
        RegulatorClient.create(settings(pki.regulatorKeyStore("ira")), system);
    try {
      assertEquals(
          Status.Code.PERMISSION_DENIED,
          failure(
                  asBale.getReport(
                      GetReportRequest.newBuilder()
                          .setFrom(firstDay.toString())
                          .setTo(firstDay.toString())
                          .build()))
              .getStatus()
              .getCode());
      assertRefused(
          asRegulator.getReport(
              GetReportRequest.newBuilder().setFrom("05/12/2026").setTo("x").build()),
          Status.Code.INVALID_ARGUMENT,
          "YYYY-MM-DD");
    } finally {
      asBale.close();
      asRegulator.close();
    }
  }

  @Test
  @Order(3)
  void theRegulatorsPageIsServedWithItsChartsAndReportToARegulatorOnly() throws Exception {
    HttpResponse<String> page = https(pki.regulatorKeyStore("ira"), "/regulator");
    assertEquals(200, page.statusCode(), page.body());
    assertTrue(page.body().contains("<script src=\"/regulator/chart.umd.min.js\">"), page.body());
    HttpResponse<String> library =
        https(pki.regulatorKeyStore("ira"), "/regulator/chart.umd.min.js");
    assertEquals(200, library.statusCode());
    assertTrue(
        library.body().contains("Chart.js v4"), "the charting library, served by the broker");
    HttpResponse<String> report =
        https(
            pki.regulatorKeyStore("ira"),
            "/regulator/report.json?from=" + firstDay + "&to=" + today());
    assertEquals(200, report.statusCode(), report.body());
    assertEquals(
        List.of(),
        SignedReports.problems(report.body(), java.util.Optional.of(tls.ca().certificate())));
    HttpResponse<String> bad =
        https(pki.regulatorKeyStore("ira"), "/regulator/report.json?from=yesterday&to=x");
    assertEquals(400, bad.statusCode(), bad.body());
    for (Path other : List.of(pki.platformKeyStore("bale"))) {
      HttpResponse<String> refused = https(other, "/regulator");
      assertEquals(403, refused.statusCode(), refused.body());
      assertTrue(refused.body().contains("needs a regulator's certificate"), refused.body());
    }
    HttpResponse<String> anonymous =
        HttpClient.newBuilder()
            .sslContext(tls.trustOnly())
            .build()
            .send(
                HttpRequest.newBuilder(URI.create(base() + "/regulator")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(403, anonymous.statusCode(), "no certificate: " + anonymous.body());
  }

  /**
   * Debian's chromium, headless, loads the page through a local forwarding proxy that presents the
   * regulator's certificate (headless Chromium has no way to pick a client certificate without a
   * system policy): the page draws its charts with the broker's Chart.js, and shows the report's
   * traffic of the day; through a proxy without a certificate it is refused. The screenshot it
   * takes is the one in docs/regulator-page.png.
   */
  @Test
  @Order(4)
  void aRealBrowserDrawsTheSeededDayAndIsRefusedWithoutTheCertificate() throws Exception {
    Path chromium =
        List.of(Path.of("/usr/bin/chromium"), Path.of("/usr/bin/chromium-browser")).stream()
            .filter(Files::isExecutable)
            .findFirst()
            .orElseThrow(
                () ->
                    new AssertionError(
                        "this test needs Debian's chromium (apt-get install chromium; .ci/run"
                            + " installs it)"));
    // The day of the seeded run with the most traffic (a run may straddle midnight).
    Map<String, Object> busiest = null;
    long most = -1;
    for (Object d : (List<?>) report().get("days")) {
      @SuppressWarnings("unchecked")
      Map<String, Object> day = (Map<String, Object>) d;
      long n = number(traffic(day, "eitaa"), "bale");
      if (n > most) {
        most = n;
        busiest = day;
      }
    }
    assertTrue(most > 0, "the seeded run's traffic is in the report");
    String day = String.valueOf(busiest.get("day"));
    try (Forwarder regulator = Forwarder.start(base(), tls.context(pki.regulatorKeyStore("ira")));
        Forwarder nobody = Forwarder.start(base(), tls.trustOnly())) {
      String page = regulator.url("/regulator?from=" + day + "&to=" + day);
      String dom = browser(chromium, "--dump-dom", page);
      assertTrue(dom.contains("data-loaded=\"true\""), "the report loaded: " + dom);
      String flat = dom.replaceAll("\\s+", "");
      // The eitaa row of the matrix: a cell per platform of the day, in name order.
      StringBuilder row = new StringBuilder("<th>eitaa</th>");
      @SuppressWarnings("unchecked")
      Map<String, Object> platforms = (Map<String, Object>) busiest.get("platforms");
      Map<String, Object> fromEitaa = traffic(busiest, "eitaa");
      for (String p : new java.util.TreeSet<>(platforms.keySet())) {
        if (!p.startsWith("(")) {
          row.append("<td>").append(number(fromEitaa, p)).append("</td>");
        }
      }
      assertTrue(
          flat.contains(row + "</tr>"),
          "the traffic matrix shows eitaa -> bale " + most + " (" + row + "): " + dom);
      assertTrue(
          flat.matches("(?s).*<canvasid=\"growth\"[^>]*style=\"[^\"]*box-sizing.*"),
          "Chart.js drew the growth chart: " + dom);
      Path screenshot = Path.of("target", "regulator-page.png").toAbsolutePath();
      browser(chromium, "--screenshot=" + screenshot, "--window-size=1100,1400", page);
      assertTrue(Files.size(screenshot) > 10_000, "a screenshot of the page: " + screenshot);
      String refused = browser(chromium, "--dump-dom", nobody.url("/regulator"));
      assertTrue(refused.contains("NOT_PERMITTED"), "without the certificate: " + refused);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> traffic(Map<String, Object> day, String from) {
    Object row = ((Map<String, Object>) day.get("traffic")).get(from);
    return row == null ? Map.of() : (Map<String, Object>) row;
  }

  /** Runs headless chromium with {@code args}; its standard output. */
  private String browser(Path chromium, String... args) throws Exception {
    Path profile = Files.createTempDirectory(tls.directory(), "chromium");
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                chromium.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--user-data-dir=" + profile,
                "--virtual-time-budget=20000"));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command)
            .redirectError(tls.directory().resolve("chromium.log").toFile())
            .start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(90, TimeUnit.SECONDS), "chromium finished");
    assertEquals(
        0,
        process.exitValue(),
        "chromium: " + Files.readString(tls.directory().resolve("chromium.log")));
    return out;
  }

  /**
   * A local HTTP server that forwards each GET to the broker's HTTPS port with {@code tls} (the
   * regulator's certificate, or none), for a browser that cannot present one.
   */
  private record Forwarder(HttpServer server) implements AutoCloseable {
    static Forwarder start(String base, javax.net.ssl.SSLContext tls) throws Exception {
      HttpClient client = HttpClient.newBuilder().sslContext(tls).build();
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext(
          "/",
          exchange -> {
            try {
              HttpResponse<byte[]> answer =
                  client.send(
                      HttpRequest.newBuilder(URI.create(base + exchange.getRequestURI())).build(),
                      HttpResponse.BodyHandlers.ofByteArray());
              answer
                  .headers()
                  .firstValue("content-type")
                  .ifPresent(type -> exchange.getResponseHeaders().add("Content-Type", type));
              exchange.sendResponseHeaders(answer.statusCode(), answer.body().length);
              exchange.getResponseBody().write(answer.body());
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              exchange.sendResponseHeaders(502, -1);
            } finally {
              exchange.close();
            }
          });
      server.start();
      return new Forwarder(server);
    }

    String url(String path) {
      return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  private String base() {
    return "https://127.0.0.1:" + node.httpPort();
  }

  private HttpResponse<String> https(Path keyStore, String path) throws Exception {
    return HttpClient.newBuilder()
        .sslContext(tls.context(keyStore))
        .build()
        .send(
            HttpRequest.newBuilder(URI.create(base() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  // --- helpers

  /** The figures of every day of the run added up (a run may straddle midnight, UTC). */
  private record Totals(Map<String, Map<String, Object>> platforms, Map<String, Object> traffic) {
    Map<String, Object> platform(String id) {
      return platforms.getOrDefault(id, Map.of());
    }
  }

  @SuppressWarnings("unchecked")
  private static Totals totals(Map<String, Object> report) {
    Map<String, Map<String, Object>> platforms = new java.util.TreeMap<>();
    Map<String, Object> traffic = new java.util.TreeMap<>();
    for (Object d : (List<Object>) report.get("days")) {
      Map<String, Object> day = (Map<String, Object>) d;
      ((Map<String, Object>) day.get("platforms"))
          .forEach(
              (id, f) ->
                  platforms.merge(id, (Map<String, Object>) f, (a, b) -> StatisticsIT.add(a, b)));
      ((Map<String, Object>) day.get("traffic"))
          .forEach(
              (from, row) ->
                  traffic.merge(
                      from, row, (a, b) -> add((Map<String, Object>) a, (Map<String, Object>) b)));
    }
    return new Totals(platforms, traffic);
  }

  /** Two days' figures added up; a total in force (opted_in_total) is the later day's. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> add(Map<String, Object> a, Map<String, Object> b) {
    Map<String, Object> sum = new java.util.TreeMap<>(a);
    b.forEach(
        (k, v) -> {
          Object mine = sum.get(k);
          if (k.equals("opted_in_total") || k.equals("discoverable_users") || mine == null) {
            sum.put(k, v);
          } else if (v instanceof Number n && mine instanceof Number m) {
            sum.put(k, m.longValue() + n.longValue());
          } else if (v instanceof Map<?, ?> map && mine instanceof Map<?, ?> other) {
            sum.put(k, add((Map<String, Object>) other, (Map<String, Object>) map));
          }
        });
    return sum;
  }

  private Map<String, Object> report() throws Exception {
    RegulatorClient regulator =
        RegulatorClient.create(settings(pki.regulatorKeyStore("ira")), system);
    try {
      String json =
          get(regulator.getReport(
                  GetReportRequest.newBuilder()
                      .setFrom(firstDay.toString())
                      .setTo(today().toString())
                      .build()))
              .getJson();
      assertEquals(
          List.of(), SignedReports.problems(json, java.util.Optional.of(tls.ca().certificate())));
      return SignedReports.report(json);
    } finally {
      regulator.close();
    }
  }

  private static long number(Map<String, Object> figures, String name) {
    Object value = figures.get(name);
    return value instanceof Number n ? n.longValue() : 0;
  }

  @SuppressWarnings("unchecked")
  private static long refusals(Map<String, Object> figures) {
    Object value = figures.get("refusals");
    return value instanceof Map<?, ?> map
        ? number((Map<String, Object>) map, "SENDER_NOT_ON_PLATFORM")
        : 0;
  }

  /** The next message delivered to {@code user} (statuses and other mailboxes skipped). */
  private static Delivery delivery(RawSession session, String user) {
    UserAddress mailbox = RawSession.user(user);
    return session
        .expect(
            f ->
                f.hasDelivery()
                    && f.getDelivery().getMailbox().equals(mailbox)
                    && f.getDelivery().hasMessage(),
            WAIT)
        .getDelivery();
  }

  private static void assertAccepted(SubmitResult result) {
    assertTrue(result.hasAccepted(), result.toString());
  }

  private void consent(InterconnectClient client, String user, boolean optedIn) throws Exception {
    UserAddress address = RawSession.user(user);
    get(
        client.setConsent(
            SetConsentRequest.newBuilder()
                .setPlatformId(address.getPlatformId())
                .setUser(address)
                .setOptedIn(optedIn)
                .build()));
  }

  private InterconnectClient client(Path keyStore) {
    return InterconnectClient.create(settings(keyStore), system);
  }

  private GrpcClientSettings settings(Path keyStore) {
    return TestPki.grpc(system, node.grpcPort(), tls.context(keyStore));
  }

  private static LocalDate today() {
    return LocalDate.now(ZoneOffset.UTC);
  }

  private record Run(int status, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status =
        new CommandLine(new RegulatorCommand())
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(args);
    return new Run(status, out.toString().strip(), err.toString().strip());
  }

  private static <T> T get(CompletionStage<T> call) throws Exception {
    return call.toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
