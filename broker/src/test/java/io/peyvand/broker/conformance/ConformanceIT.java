package io.peyvand.broker.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.peyvand.broker.TestConfig;
import io.peyvand.broker.TestPki;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conformance kit against two adapters run as processes on one sandbox broker (the real broker,
 * with the kit's edge recorder, on the test class's keyspace): the SDK's ExampleAdapter in
 * conformance mode passes every scenario; BrokenAdapter, with four deliberate faults, fails exactly
 * the four scenarios that check them and passes the others. Timings are shortened by option (the
 * adapters ping after 1 s of quiet), as a platform may do for a quick local run. Over mutual TLS,
 * as a platform runs the kit: the sandbox, the kit's own platform and the adapters each with a
 * certificate of the tests' CA.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConformanceIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();

  private static final KitSettings QUICK =
      new KitSettings(
          Duration.ofSeconds(90),
          Duration.ofSeconds(10),
          Duration.ofSeconds(5),
          Duration.ofSeconds(20),
          Duration.ofMillis(1500),
          4,
          List.of());

  private final TestPki tls = TestPki.shared();
  private Sandbox sandbox;

  @BeforeAll
  void startSandbox() throws Exception {
    sandbox =
        Sandbox.start(
            cassandra
                .config()
                .withFallback(ConfigFactory.parseString(tls.brokerTlsConfig("30s")))
                .withFallback(Sandbox.settings("bale"))
                .withFallback(TestConfig.node())
                .resolve(),
            "bale");
  }

  @AfterAll
  void stopSandbox() {
    if (sandbox != null) {
      sandbox.close();
    }
  }

  @Test
  void theSdksExampleAdapterPassesEveryScenario(@TempDir Path dir) throws Exception {
    Report report = run("io.peyvand.protocol.sdk.ExampleAdapter", "", dir, List.of());

    Map<String, ScenarioResult.Verdict> verdicts = verdicts(report);
    assertEquals(Scenarios.ALL.size(), verdicts.size(), report.markdown());
    verdicts.forEach(
        (id, verdict) ->
            assertEquals(ScenarioResult.Verdict.PASS, verdict, id + "\n" + report.markdown()));
    assertTrue(report.passed());
    String json = Files.readString(dir.resolve("conformance-report.json"));
    assertTrue(json.contains("\"platform\" : \"bale\""), json);
    assertTrue(json.contains("\"passed\" : true"), json);
    assertTrue(
        Files.readString(dir.resolve("conformance-report.md")).contains("all scenarios passed"));
  }

  @Test
  void aBrokenAdapterFailsExactlyTheScenariosOfItsFaults(@TempDir Path dir) throws Exception {
    Report report = run(BrokenAdapter.class.getName(), "A", dir, List.of());

    Set<String> faulty =
        Set.of(
            "acknowledges-after-storing",
            "resubmits-with-same-id",
            "keep-alive",
            "unrenderable-group-item");
    Map<String, ScenarioResult.Verdict> verdicts = verdicts(report);
    assertEquals(Scenarios.ALL.size(), verdicts.size(), report.markdown());
    verdicts.forEach(
        (id, verdict) ->
            assertEquals(
                faulty.contains(id) ? ScenarioResult.Verdict.FAIL : ScenarioResult.Verdict.PASS,
                verdict,
                id + "\n" + report.markdown()));
    assertFalse(report.passed());
    assertTrue(
        Files.readString(dir.resolve("conformance-report.json")).contains("\"passed\" : false"));
  }

  /**
   * The other four scenarios, which BrokenAdapter's faults A pass, each fail against its faults B
   * (only these four run, to keep the test short).
   */
  @Test
  void theOtherScenariosFailAgainstTheirFaults(@TempDir Path dir) throws Exception {
    List<String> scenarios =
        List.of(
            "acknowledges-only-received",
            "obeys-retry-after",
            "redelivery-not-shown-twice",
            "reconnects-with-backoff");
    Report report = run(BrokenAdapter.class.getName(), "B", dir, scenarios);

    Map<String, ScenarioResult.Verdict> verdicts = verdicts(report);
    assertEquals(scenarios, List.copyOf(verdicts.keySet()), report.markdown());
    verdicts.forEach(
        (id, verdict) ->
            assertEquals(ScenarioResult.Verdict.FAIL, verdict, id + "\n" + report.markdown()));
  }

  /**
   * One kit run of {@code scenarios} (empty: all) against {@code mainClass} started as the adapter
   * (its journal in dir, then {@code faults}).
   */
  private Report run(String mainClass, String faults, Path dir, List<String> scenarios)
      throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String command =
        String.join(
            " ",
            java,
            "-Xmx256m",
            "-XX:TieredStopAtLevel=1",
            "-Dpeyvand.sdk.keep-alive-interval=1s",
            "-Dpeyvand.sdk.tls.enabled=on",
            "-Dpeyvand.sdk.tls.key-store=" + keyStore("bale"),
            "-Dpeyvand.sdk.tls.key-store-password=" + new String(tls.password()),
            "-Dpeyvand.sdk.tls.trust-store=" + tls.layout().caCertificate(),
            "-cp",
            System.getProperty("java.class.path"),
            mainClass,
            "127.0.0.1:" + sandbox.broker().grpcAddress().getPort(),
            dir.resolve("adapter.journal").toString(),
            faults);
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
    try {
      return Conformance.run(
          sandbox,
          new Conformance.Run(
              "bale",
              Optional.of(
                  new Conformance.KitTls(
                      keyStore(Kit.KIT_PLATFORM), tls.password(), tls.layout().caCertificate())),
              Optional.of(command),
              new KitSettings(
                  QUICK.connectTimeout(),
                  QUICK.answerWithin(),
                  QUICK.pingWithin(),
                  QUICK.deadSessionWithin(),
                  QUICK.busyRetryAfter(),
                  QUICK.refusedHellos(),
                  scenarios),
              dir,
              "test"),
          out);
    } finally {
      System.out.print(printed.toString(StandardCharsets.UTF_8));
    }
  }

  /** The platform's key store, issued by the tests' CA the first time it is asked for. */
  private Path keyStore(String platform) {
    tls.platform(platform);
    return tls.layout().platformKeyStore(platform);
  }

  private static Map<String, ScenarioResult.Verdict> verdicts(Report report) {
    Map<String, ScenarioResult.Verdict> verdicts = new LinkedHashMap<>();
    report.scenarios().forEach(s -> verdicts.put(s.id(), s.verdict()));
    return verdicts;
  }
}
