package io.peyvand.broker;

import com.typesafe.config.ConfigFactory;
import io.grpc.StatusRuntimeException;
import io.peyvand.broker.service.statistics.SignedReports;
import io.peyvand.protocol.sdk.BrokerEndpoint;
import io.peyvand.protocol.sdk.SdkActorSystem;
import io.peyvand.protocol.tls.KeyMaterial;
import io.peyvand.protocol.v1.GetReportRequest;
import io.peyvand.protocol.v1.RegulatorClient;
import io.peyvand.protocol.v1.SignedReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.ActorSystem;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./peyvand regulator}: the regulator's signed statistics. {@code report} fetches them from
 * the Regulator service with a regulator's certificate and writes the signed JSON file (or a CSV of
 * its figures); {@code verify} checks a report file offline against the interconnect's CA.
 */
@Command(
    name = "regulator",
    mixinStandardHelpOptions = true,
    description = "The regulator's signed statistics: report, and verify a report offline.",
    subcommands = {RegulatorCommand.Report.class, RegulatorCommand.Verify.class},
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:done (verify: the report verifies)",
      "1:refused by the broker, or the report does not verify",
      "2:the broker could not be reached"
    })
public final class RegulatorCommand {
  @Option(
      names = "--pki-dir",
      paramLabel = "DIR",
      defaultValue = "data/pki",
      scope = CommandLine.ScopeType.INHERIT,
      description =
          "Where ./peyvand pki keeps the certificates: regulators/<name>.p12 and ca.crt"
              + " (default ${DEFAULT-VALUE}).")
  Path pkiDir;

  @Option(
      names = "--ca",
      paramLabel = "FILE",
      scope = CommandLine.ScopeType.INHERIT,
      description = "The CA certificate the signer's must be issued by (default <pki-dir>/ca.crt).")
  Path ca;

  /** The CA certificate, if one is named or the PKI directory has one. */
  Optional<X509Certificate> ca() {
    Path file = ca != null ? ca : pkiDir.resolve("ca.crt");
    if (ca == null && !Files.isRegularFile(file)) {
      return Optional.empty();
    }
    List<X509Certificate> anchors = KeyMaterial.trustAnchors(file, new char[0]);
    return anchors.isEmpty() ? Optional.empty() : Optional.of(anchors.get(0));
  }

  @Command(
      name = "report",
      mixinStandardHelpOptions = true,
      description =
          "Fetch the signed statistics of UTC days (a regulator's certificate) and write them as"
              + " the signed JSON file, or as CSV.")
  static final class Report implements Callable<Integer> {
    @CommandLine.ParentCommand RegulatorCommand parent;

    @Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--broker",
        paramLabel = "HOST:PORT",
        defaultValue = "127.0.0.1:7400",
        description = "The broker's gRPC address (default ${DEFAULT-VALUE}).")
    String broker;

    @Option(
        names = "--regulator",
        paramLabel = "NAME",
        defaultValue = "dev-regulator",
        description =
            "Whose certificate (<pki-dir>/regulators/NAME.p12; default ${DEFAULT-VALUE}).")
    String regulator;

    @Option(
        names = "--key-store-password",
        paramLabel = "PASSWORD",
        defaultValue = "${env:PEYVAND_PKI_PASSWORD:-peyvand-dev}",
        description =
            "Password of the regulator's .p12 (default: $PEYVAND_PKI_PASSWORD, else peyvand-dev).")
    String password;

    @Option(
        names = "--plaintext",
        description = "Connect without TLS (only a broker with TLS off accepts it).")
    boolean plaintext;

    @Option(
        names = "--from",
        paramLabel = "YYYY-MM-DD",
        description = "First UTC day (default today).")
    String from;

    @Option(
        names = "--to",
        paramLabel = "YYYY-MM-DD",
        description = "Last UTC day (default --from).")
    String to;

    @CommandLine.ArgGroup(exclusive = true)
    Format format = new Format();

    static final class Format {
      @Option(names = "--json", description = "The signed JSON file (the default).")
      boolean json;

      @Option(names = "--csv", description = "The figures as CSV: day,platform,figure,value.")
      boolean csv;
    }

    @Option(names = "--out", paramLabel = "FILE", description = "Write there instead of stdout.")
    Path out;

    @Override
    public Integer call() throws Exception {
      String first = from != null ? from : LocalDate.now(ZoneOffset.UTC).toString();
      String last = to != null ? to : first;
      BrokerEndpoint endpoint;
      try {
        endpoint = BrokerEndpoint.parse(broker);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
      PrintWriter stdout = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Path keyStore = parent.pkiDir.resolve("regulators").resolve(regulator + ".p12");
      Optional<SSLContext> tls =
          plaintext || !Files.isRegularFile(keyStore)
              ? Optional.empty()
              : Optional.of(
                  KeyMaterial.clientContext(
                      keyStore, password.toCharArray(), parent.pkiDir.resolve("ca.crt")));
      ActorSystem system = SdkActorSystem.create("peyvand-regulator", ConfigFactory.load());
      try {
        RegulatorClient client =
            RegulatorClient.create(
                endpoint.grpcSettings(system, tls).withDeadline(Duration.ofSeconds(60)), system);
        SignedReport report =
            client
                .getReport(GetReportRequest.newBuilder().setFrom(first).setTo(last).build())
                .toCompletableFuture()
                .get(70, TimeUnit.SECONDS);
        String text = format.csv ? csv(report.getJson()) : report.getJson();
        if (out != null) {
          Files.writeString(out, text, StandardCharsets.UTF_8);
          stdout.println("wrote " + out);
        } else {
          stdout.print(text);
        }
        return 0;
      } catch (ExecutionException e) {
        if (e.getCause() instanceof StatusRuntimeException status
            && status.getStatus().getCode() != io.grpc.Status.Code.UNAVAILABLE) {
          stdout.println(
              "refused "
                  + status.getStatus().getCode()
                  + ": "
                  + status.getStatus().getDescription());
          return 1;
        }
        err.println("cannot reach the broker at " + endpoint + ": " + e.getCause());
        return 2;
      } catch (TimeoutException e) {
        err.println("no answer from the broker at " + endpoint + " in time");
        return 2;
      } finally {
        stdout.flush();
        err.flush();
        system.terminate();
      }
    }
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description =
          "Check a signed report file offline: its signature over the report, and that the"
              + " signer's certificate was issued by the CA.")
  static final class Verify implements Callable<Integer> {
    @CommandLine.ParentCommand RegulatorCommand parent;

    @Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "REPORT_JSON")
    Path file;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "cannot read " + file + ": " + e.getMessage());
      }
      Optional<X509Certificate> ca = parent.ca();
      List<String> problems = SignedReports.problems(text, ca);
      problems.forEach(p -> out.println("does not verify: " + p));
      if (!problems.isEmpty()) {
        out.println("NOT VERIFIED");
        out.flush();
        return 1;
      }
      Map<String, Object> report = SignedReports.report(text);
      out.println(
          "verified: the report of "
              + report.get("from")
              + " to "
              + report.get("to")
              + " is signed by the broker"
              + (ca.isPresent() ? " under the CA " + ca.get().getSubjectX500Principal() : "")
              + (ca.isEmpty() ? " (no CA given: only the signature was checked)" : ""));
      out.flush();
      return 0;
    }
  }

  /** The figures of a report file as CSV: day,platform,figure,value (and traffic rows). */
  @SuppressWarnings("unchecked")
  static String csv(String file) {
    Map<String, Object> report = SignedReports.report(file);
    List<String> lines = new ArrayList<>();
    lines.add("day,platform,figure,value");
    for (Object d : (List<Object>) report.get("days")) {
      Map<String, Object> day = (Map<String, Object>) d;
      String date = String.valueOf(day.get("day"));
      ((Map<String, Object>) day.get("platforms"))
          .forEach((platform, f) -> flatten(lines, date, platform, "", f));
      ((Map<String, Object>) day.get("traffic"))
          .forEach(
              (from, row) ->
                  ((Map<String, Object>) row)
                      .forEach(
                          (to, n) ->
                              lines.add(date + "," + from + ",messages_to." + to + "," + n)));
    }
    return String.join("\n", lines) + "\n";
  }

  @SuppressWarnings("unchecked")
  private static void flatten(
      List<String> lines, String day, String platform, String prefix, Object value) {
    if (value instanceof Map<?, ?> map) {
      ((Map<String, Object>) map)
          .forEach(
              (k, v) -> flatten(lines, day, platform, prefix.isEmpty() ? k : prefix + "." + k, v));
    } else {
      lines.add(day + "," + platform + "," + prefix + "," + value);
    }
  }
}
