package io.peyvand.protocol.sdk.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.peyvand.protocol.Addresses;
import io.peyvand.protocol.sdk.BrokerEndpoint;
import io.peyvand.protocol.sdk.CallRefusedException;
import io.peyvand.protocol.sdk.PeyvandClient;
import io.peyvand.protocol.sdk.PeyvandClientBuilder;
import io.peyvand.protocol.v1.GroupAddress;
import io.peyvand.protocol.v1.UserAddress;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What the subcommands that make unary calls of a service ({@code group} and {@code channel}: the
 * Groups service; {@code directory}: the Directory service) share: the broker and TLS options of
 * the other commands, a {@link PeyvandClient} for the calling platform (its calls check each
 * request before sending it and map the broker's refusals back to error codes; no session is
 * opened), and one exit status for every outcome: 0 done, 1 refused by the broker (printed as
 * {@code refused CODE: message}, followed by {@code retry after N ms} when the broker gave a retry
 * hint), 2 a usage error, a request that breaks a rule of the protocol (nothing sent; {@code not
 * sent: CODE: message} on stderr), a broker that does not serve the service, or one that could not
 * be reached.
 */
abstract class UnaryCall implements Callable<Integer> {
  static final int REFUSED = 1;
  static final int NOT_SENT = 2;

  /** The service called, as in peyvand.v1.Groups, and what a broker without it lacks. */
  private final String service;

  private final String feature;

  @Mixin ConnectOptions connect = new ConnectOptions();

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "10",
      description = "How long to wait for each answer (default ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Spec CommandLine.Model.CommandSpec spec;

  /**
   * The exit status when every call was answered: 0, unless {@link #run} set another because an
   * answer said no in part (a KeyPackage refused, a proof that does not verify).
   */
  int exitStatus;

  /**
   * For calls of peyvand.v1.{@code service}; a broker without it is "a version without {@code
   * feature}".
   */
  UnaryCall(String service, String feature) {
    this.service = service;
    this.feature = feature;
  }

  /** The platform the call is made as: whose certificate is used. */
  abstract String platform();

  /** Makes the call(s), printing one line per answer to {@code out}. */
  abstract void run(PeyvandClient client, PrintWriter out) throws Exception;

  @Override
  public Integer call() throws Exception {
    List<BrokerEndpoint> endpoints = connect.endpoints(spec);
    TlsOption.Connection connection = connect.forPlatform(spec, platform());
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    PeyvandClientBuilder builder = PeyvandClient.builder().plaintext();
    connection.tls().ifPresent(builder::tls);
    try (PeyvandClient client =
        builder
            .brokers(endpoints)
            .platformId(platform())
            .sessionName("peyvand-cli-" + service.toLowerCase(Locale.ROOT))
            .callTimeout(Duration.ofSeconds(timeoutSeconds))
            .deliveryHandler(
                delivery ->
                    CompletableFuture.failedFuture(
                        new IllegalStateException("the " + service + " commands open no session")))
            .build()) {
      run(client, out);
      return exitStatus;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof CallRefusedException refused && refused.local()) {
        // The value is wrong, not the command line's shape: the message names the field, and
        // the usage text would only bury it.
        err.println("not sent: " + refused.code() + ": " + refused.error().getMessage());
        return NOT_SENT;
      }
      if (cause instanceof CallRefusedException refused) {
        out.println("refused " + refused.code() + ": " + refused.error().getMessage());
        if (refused.retryAfterMs() > 0) {
          out.println("retry after " + refused.retryAfterMs() + " ms");
        }
        return REFUSED;
      }
      if (cause instanceof StatusRuntimeException status && refusedAsAWhole(status)) {
        out.println(BrokerOption.refusedLine(status));
        return REFUSED;
      }
      if (cause instanceof StatusRuntimeException status
          && status.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        err.println(
            "the broker at "
                + BrokerEndpoint.format(endpoints)
                + " does not serve peyvand.v1."
                + service
                + " (UNIMPLEMENTED): it is a version without "
                + feature);
        return NOT_SENT;
      }
      err.println(
          BrokerOption.unreachable(
              endpoints, SendCommand.reason(cause, service) + "; " + connection.triedOver()));
      return NOT_SENT;
    } catch (TimeoutException e) {
      err.println(BrokerOption.noAnswerInTime(endpoints, connection));
      return NOT_SENT;
    } finally {
      out.flush();
      err.flush();
    }
  }

  /**
   * A status that answers the call (the broker saw it and said no) rather than says the broker was
   * not reached, did not answer in time, or does not serve the service.
   */
  private static boolean refusedAsAWhole(StatusRuntimeException status) {
    return switch (status.getStatus().getCode()) {
      case UNAVAILABLE, DEADLINE_EXCEEDED, UNIMPLEMENTED, CANCELLED, UNKNOWN, INTERNAL -> false;
      default -> true;
    };
  }

  /** The answer, waiting a little longer than the call's own deadline. */
  <T> T await(CompletionStage<T> call) throws Exception {
    return call.toCompletableFuture().get(timeoutSeconds + 5L, TimeUnit.SECONDS);
  }

  /** A group's address from a parameter, or a usage error. */
  GroupAddress group(String text) {
    try {
      return Addresses.parseGroup(text);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** A user's address from an option, or a usage error naming the option. */
  UserAddress user(String text, String option) {
    return SendCommand.address(spec, text, option);
  }
}
