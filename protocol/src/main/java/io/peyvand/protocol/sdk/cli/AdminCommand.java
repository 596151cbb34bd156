package io.peyvand.protocol.sdk.cli;

import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import io.peyvand.protocol.v1.AdminClient;
import io.peyvand.protocol.v1.GetPlatformRequest;
import io.peyvand.protocol.v1.ListRevocationsRequest;
import io.peyvand.protocol.v1.PlatformQuota;
import io.peyvand.protocol.v1.RegisterPlatformRequest;
import io.peyvand.protocol.v1.RevokeCertificateRequest;
import io.peyvand.protocol.v1.SetPlatformQuotaRequest;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code admin}: the operator's calls of the Admin service (peyvand.v1.Admin), made with an
 * administrator's certificate ({@code <pki-dir>/admins/<name>.p12}, default dev-admin as {@code
 * ./peyvand dev} issues it). Each prints the broker's answer in protobuf text format.
 */
@Command(
    name = "admin",
    mixinStandardHelpOptions = true,
    description = "Operator calls: register platforms, set quotas, revoke certificates.",
    subcommands = {
      AdminCommand.Register.class,
      AdminCommand.Show.class,
      AdminCommand.SetQuota.class,
      AdminCommand.Revoke.class,
      AdminCommand.Revocations.class
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {"0:done", "1:refused by the broker", "2:the broker could not be reached"})
final class AdminCommand {

  /** What every admin subcommand shares: where the broker is and who calls. */
  abstract static class Call extends CertifiedCall {
    @Option(
        names = "--admin",
        paramLabel = "NAME",
        defaultValue = "dev-admin",
        description =
            "The administrator whose certificate (<pki-dir>/admins/NAME.p12) is used"
                + " (default ${DEFAULT-VALUE}).")
    String admin;

    /** The call to make with the Admin client. */
    abstract CompletionStage<? extends Message> call(AdminClient client);

    @Override
    TlsOption.Connection connection() {
      return connect.tls.forAdmin(admin);
    }

    @Override
    int run(Target target, PrintWriter out) throws Exception {
      Message answer =
          BrokerOption.firstReachable(
              target.endpoints(),
              endpoint ->
                  call(
                      AdminClient.create(
                          target.settings(endpoint, Duration.ofSeconds(10)), target.system())),
              TimeUnit.SECONDS.toMillis(11));
      out.print(TextFormat.printer().printToString(answer));
      return 0;
    }
  }

  @Command(
      name = "register-platform",
      mixinStandardHelpOptions = true,
      description =
          "Admit a platform (or rename it); then issue its certificate with"
              + " ./peyvand pki issue-platform <id>.")
  static final class Register extends Call {
    @Parameters(index = "0", paramLabel = "PLATFORM_ID", description = "e.g. gap")
    String platformId;

    @Parameters(index = "1", paramLabel = "DISPLAY_NAME", description = "e.g. \"Gap Messenger\"")
    String displayName;

    @Option(
        names = "--default-opted-in",
        description = "Its users who never chose receive cross-platform messages.")
    boolean defaultOptedIn;

    @Override
    CompletionStage<? extends Message> call(AdminClient client) {
      return client.registerPlatform(
          RegisterPlatformRequest.newBuilder()
              .setPlatformId(platformId)
              .setDisplayName(displayName)
              .setDefaultOptedIn(defaultOptedIn)
              .build());
    }
  }

  @Command(
      name = "platform",
      mixinStandardHelpOptions = true,
      description = "Show a platform's registration and the limits in force.")
  static final class Show extends Call {
    @Parameters(paramLabel = "PLATFORM_ID")
    String platformId;

    @Override
    CompletionStage<? extends Message> call(AdminClient client) {
      return client.getPlatform(GetPlatformRequest.newBuilder().setPlatformId(platformId).build());
    }
  }

  @Command(
      name = "set-quota",
      mixinStandardHelpOptions = true,
      description = "Set a platform's limits; an option left out (or 0) is the broker's default.")
  static final class SetQuota extends Call {
    @Parameters(paramLabel = "PLATFORM_ID")
    String platformId;

    @Option(
        names = "--submits-per-second",
        paramLabel = "N",
        description = "Submissions per second by the whole platform, across the cluster.")
    int submitsPerSecond;

    @Option(
        names = "--submit-burst",
        paramLabel = "N",
        description = "Submissions at once above the rate, across the cluster.")
    int submitBurst;

    @Option(
        names = "--user-submits-per-second",
        paramLabel = "N",
        description = "Submissions per second by one sending user, on each node.")
    int userSubmitsPerSecond;

    @Option(names = "--user-submit-burst", paramLabel = "N")
    int userSubmitBurst;

    @Option(
        names = "--sessions-per-node",
        paramLabel = "N",
        description = "Concurrent sessions of the platform on each node.")
    int sessionsPerNode;

    @Option(
        names = "--directory-new-numbers-per-day",
        paramLabel = "N",
        description =
            "Distinct new numbers the platform's users may look up in the directory in a UTC"
                + " day, across the cluster (raise it for a launch day's first syncs).")
    int directoryNewNumbersPerDay;

    @Override
    CompletionStage<? extends Message> call(AdminClient client) {
      return client.setPlatformQuota(
          SetPlatformQuotaRequest.newBuilder()
              .setPlatformId(platformId)
              .setQuota(
                  PlatformQuota.newBuilder()
                      .setSubmitsPerSecond(submitsPerSecond)
                      .setSubmitBurst(submitBurst)
                      .setUserSubmitsPerSecond(userSubmitsPerSecond)
                      .setUserSubmitBurst(userSubmitBurst)
                      .setSessionsPerNode(sessionsPerNode)
                      .setDirectoryNewNumbersPerDay(directoryNewNumbersPerDay))
              .build());
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description =
          "Revoke a client certificate across the cluster: new handshakes with it fail"
              + " and its live sessions are closed.")
  static final class Revoke extends Call {
    @Parameters(
        paramLabel = "SERIAL",
        description = "The serial number in hexadecimal, as" + " ./peyvand pki prints it.")
    String serial;

    @Option(
        names = "--reason",
        paramLabel = "TEXT",
        defaultValue = "",
        description = "Why (kept in the audit log and the list).")
    String reason;

    @Override
    CompletionStage<? extends Message> call(AdminClient client) {
      return client.revokeCertificate(
          RevokeCertificateRequest.newBuilder().setSerial(serial).setReason(reason).build());
    }
  }

  @Command(
      name = "revocations",
      mixinStandardHelpOptions = true,
      description = "List revoked certificates (Admin service and the CA's revocation list).")
  static final class Revocations extends Call {
    @Override
    CompletionStage<? extends Message> call(AdminClient client) {
      return client.listRevocations(ListRevocationsRequest.getDefaultInstance());
    }
  }
}
