package io.peyvand.protocol.sdk.cli;

import com.typesafe.config.ConfigFactory;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.peyvand.protocol.sdk.BrokerEndpoint;
import io.peyvand.protocol.sdk.SdkActorSystem;
import io.peyvand.protocol.sdk.SubmitOutcome;
import io.peyvand.protocol.sdk.SubmitOutcome.Accepted;
import io.peyvand.protocol.sdk.SubmitOutcome.Refused;
import io.peyvand.protocol.sdk.UserAddresses;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.InterconnectClient;
import io.peyvand.protocol.v1.SubmitRequest;
import io.peyvand.protocol.v1.SubmitResult;
import io.peyvand.protocol.v1.Text;
import io.peyvand.protocol.v1.UserAddress;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.ActorSystem;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code send}: submits one text message with the unary Submit call (no session, so it takes no
 * deliveries away from a running adapter) and prints the broker's answer on one line.
 */
@Command(
    name = "send",
    mixinStandardHelpOptions = true,
    description = "Submit a text message and print the broker's answer on one line.")
final class SendCommand implements Callable<Integer> {
  static final int REFUSED = 1;
  static final int UNREACHABLE = 2;

  @Mixin SubmitOptions submitting = new SubmitOptions();

  @Option(
      names = "--from",
      required = true,
      paramLabel = "PLATFORM:USER",
      description = "The sender, e.g. eitaa:alice; its platform is the one submitting.")
  String from;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "PLATFORM:USER",
      description = "The recipient, e.g. bale:bob.")
  String to;

  @Option(
      names = "--message-id",
      paramLabel = "ID",
      description =
          "The sender's id of the message; the same id again is answered duplicate"
              + " (default: cli- and a random UUID).")
  String messageId;

  @Parameters(paramLabel = "TEXT", arity = "1..*", description = "The message text.")
  List<String> text;

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    UserAddress sender = address(from, "--from");
    Envelope envelope =
        Envelope.newBuilder()
            .setMessageId(messageId != null ? messageId : "cli-" + UUID.randomUUID())
            .setSender(sender)
            .setRecipient(address(to, "--to"))
            .setClientTimestampMs(System.currentTimeMillis())
            .setText(Text.newBuilder().setBody(String.join(" ", text)))
            .build();
    return submit(spec, submitting, envelope);
  }

  /**
   * Submits {@code envelope} with the unary Submit call as its sender's platform, prints the answer
   * on one line and returns the exit status: 0 accepted or duplicate, 1 refused, 2 the broker could
   * not be reached. Shared with {@code group post} and {@code channel post}. With several nodes it
   * goes to the first that can be reached; sending the same envelope (the same message_id) to the
   * next after UNAVAILABLE cannot make it count twice.
   */
  static int submit(CommandLine.Model.CommandSpec spec, SubmitOptions options, Envelope envelope)
      throws Exception {
    int timeoutSeconds = options.timeoutSeconds;
    List<BrokerEndpoint> endpoints = options.connect.endpoints(spec);
    TlsOption.Connection connection =
        options.connect.forPlatform(spec, envelope.getSender().getPlatformId());
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ActorSystem system = SdkActorSystem.create("peyvand-send", ConfigFactory.load());
    try {
      Duration timeout = Duration.ofSeconds(timeoutSeconds);
      SubmitRequest request =
          SubmitRequest.newBuilder()
              .setPlatformId(envelope.getSender().getPlatformId())
              .setEnvelope(envelope)
              .build();
      SubmitResult result =
          BrokerOption.firstReachable(
              endpoints,
              endpoint ->
                  InterconnectClient.create(
                          endpoint.grpcSettings(system, connection.tls()).withDeadline(timeout),
                          system)
                      .submit(request),
              TimeUnit.SECONDS.toMillis(timeoutSeconds + 1L));
      SubmitOutcome outcome = SubmitOutcome.of(result, envelope.getMessageId());
      out.println(line(outcome));
      out.flush();
      return outcome instanceof Accepted ? 0 : REFUSED;
    } catch (ExecutionException | TimeoutException e) {
      Optional<String> refusal = refusal(e);
      if (refusal.isPresent()) {
        out.println(refusal.get());
        out.flush();
        return REFUSED;
      }
      err.println(
          BrokerOption.unreachable(
              endpoints, reason(e, "Interconnect") + "; " + connection.triedOver()));
      err.flush();
      return UNREACHABLE;
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
  }

  /** One line: {@code accepted message_id=m-1 sequence=12}, or {@code refused CODE: message}. */
  static String line(SubmitOutcome outcome) {
    if (outcome instanceof Accepted accepted) {
      return (accepted.duplicate() ? "duplicate" : "accepted")
          + " message_id="
          + accepted.messageId()
          + " sequence="
          + accepted.sequence();
    }
    Refused refused = (Refused) outcome;
    return "refused " + refused.error().getCode() + ": " + refused.error().getMessage();
  }

  /**
   * The line for a call the broker refused as a whole (PERMISSION_DENIED: the certificate is not
   * the sender's platform's), in the form of a refused submission.
   */
  private static Optional<String> refusal(Exception e) {
    if (e.getCause() instanceof StatusRuntimeException status
        && status.getStatus().getCode() == Status.Code.PERMISSION_DENIED) {
      return Optional.of("refused " + status.getStatus().getDescription());
    }
    return Optional.empty();
  }

  /** Why the broker could not be reached, for a call of peyvand.v1.{@code service}. */
  static String reason(Throwable e, String service) {
    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    if (cause instanceof StatusRuntimeException status) {
      if (status.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        return "it does not serve peyvand.v1." + service + ": UNIMPLEMENTED";
      }
      return status.getStatus().getCode()
          + (status.getStatus().getDescription() != null
              ? ": " + status.getStatus().getDescription()
              : "");
    }
    if (cause instanceof TimeoutException) {
      return "no answer in time";
    }
    return cause.toString();
  }

  private UserAddress address(String text, String option) {
    return address(spec, text, option);
  }

  /** A user's address from an option, or a usage error naming the option. */
  static UserAddress address(CommandLine.Model.CommandSpec spec, String text, String option) {
    try {
      return UserAddresses.parse(text);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), option + ": " + e.getMessage());
    }
  }
}
