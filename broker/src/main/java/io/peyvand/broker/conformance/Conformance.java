package io.peyvand.broker.conformance;

import io.peyvand.protocol.FrameValidator;
import io.peyvand.protocol.sdk.DeliveryHandler;
import io.peyvand.protocol.sdk.PeyvandClient;
import io.peyvand.protocol.sdk.PeyvandClientBuilder;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One conformance run against a started sandbox: the kit's platform connects (through the SDK, as
 * any platform), the adapter is started when the kit runs it, the scenarios run in order, each
 * prints its line, and the report is written.
 */
final class Conformance {
  /** The broker's version, as {@code ./peyvand --version} prints it. */
  static final String BROKER_VERSION = "0.1.0";

  /** How the kit reaches the sandbox and the adapter. */
  record Run(
      String platform,
      Optional<KitTls> tls,
      Optional<String> adapterCommand,
      KitSettings settings,
      Path reportDirectory,
      String sandboxDescription) {}

  /** The kit platform's key store and the CA, with mutual TLS. */
  record KitTls(Path keyStore, char[] password, Path trustStore) {}

  private Conformance() {}

  static Report run(Sandbox sandbox, Run run, PrintStream out) throws Exception {
    if (run.platform().equals(Kit.KIT_PLATFORM)) {
      throw new IllegalArgumentException("the platform under test cannot be the kit's own");
    }
    sandbox.edge().reset();
    PeyvandClientBuilder builder =
        PeyvandClient.builder()
            .broker("127.0.0.1", sandbox.broker().grpcAddress().getPort())
            .platformId(Kit.KIT_PLATFORM)
            .sessionName("conformance-kit")
            .actorSystem(sandbox.system())
            .deliveryHandler(DeliveryHandler.of(delivery -> {}, group -> {}));
    if (run.tls().isPresent()) {
      KitTls tls = run.tls().get();
      builder.tls(tls.keyStore(), tls.password(), tls.trustStore());
    } else {
      builder.plaintext();
    }
    String runId = Long.toString(System.currentTimeMillis(), 36);
    Optional<AdapterProcess> adapter =
        run.adapterCommand().map(c -> new AdapterProcess(c, run.reportDirectory()));
    try (PeyvandClient client = builder.build()) {
      client.connect().toCompletableFuture().get(60, TimeUnit.SECONDS);
      if (adapter.isPresent()) {
        Path log = adapter.get().start();
        out.printf("Started the adapter (pid %d, log %s)%n", adapter.get().pid(), log);
      } else {
        out.printf(
            "Waiting up to %d s for an adapter of %s to connect...%n",
            run.settings().connectTimeout().toSeconds(), run.platform());
      }
      out.flush();
      Kit kit = new Kit(run, runId, sandbox.edge(), client, adapter);
      List<ScenarioResult> results =
          Scenarios.run(
              kit,
              result -> {
                out.println(result.line());
                out.flush();
              });
      Report report =
          new Report(
              run.platform(),
              BROKER_VERSION,
              FrameValidator.PROTOCOL_VERSION,
              Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
              run.sandboxDescription(),
              results);
      List<Path> files = report.write(run.reportDirectory());
      out.printf(
          "%s: %d of %d scenarios passed. Report: %s%n",
          report.passed() ? "CONFORMANT" : "NOT CONFORMANT",
          results.stream().filter(r -> r.verdict() == ScenarioResult.Verdict.PASS).count(),
          results.size(),
          files);
      out.flush();
      return report;
    } finally {
      if (adapter.isPresent()) {
        adapter.get().close();
      }
    }
  }
}
