package io.peyvand.protocol.sdk.cli;

import com.typesafe.config.ConfigFactory;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.peyvand.protocol.sdk.BrokerEndpoint;
import io.peyvand.protocol.sdk.PeyvandClient;
import io.peyvand.protocol.sdk.SessionRefusedException;
import java.io.PrintWriter;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * {@code --broker HOST:PORT[,HOST:PORT...]}, shared by the commands: one broker, or several nodes
 * of a broker cluster, any of which serves any command. {@code listen} and the group commands give
 * them all to the SDK (the session moves to the next node when its node goes away; a group call
 * that finds a node unavailable is sent to the next); {@code send} and {@code admin} make their one
 * call to the first node that can be reached ({@link #firstReachable}).
 */
final class BrokerOption {
  @Option(
      names = "--broker",
      paramLabel = "HOST:PORT[,HOST:PORT...]",
      description =
          "The broker's gRPC address for adapters, or the nodes of a broker cluster"
              + " separated by commas, tried in that order when one cannot be reached (default"
              + " 127.0.0.1:7400, from peyvand.sdk.brokers or peyvand.sdk.broker).")
  String broker;

  /** The nodes named, in order (at least one). */
  List<BrokerEndpoint> endpoints() {
    return broker != null
        ? BrokerEndpoint.parseList(broker)
        : BrokerEndpoint.listFromConfig(ConfigFactory.load());
  }

  /** What to print when the broker cannot be reached. */
  static String unreachable(List<BrokerEndpoint> endpoints, String why) {
    return "cannot reach the Peyvand broker at "
        + BrokerEndpoint.format(endpoints)
        + " ("
        + why
        + "). Start one with ./peyvand dev, or name another with --broker HOST:PORT.";
  }

  /** What to print when no node answered in time over {@code connection}. */
  static String noAnswerInTime(List<BrokerEndpoint> endpoints, TlsOption.Connection connection) {
    return unreachable(endpoints, "no answer in time; " + connection.triedOver());
  }

  /**
   * Opens {@code client}'s session, waiting at most {@code waitSeconds}: empty once it is open,
   * else the exit status after saying why on {@code err}: 1 the broker refused the session, 2 it
   * could not be reached, or not in time. For {@code listen} and {@code call}.
   */
  static OptionalInt openSession(
      PeyvandClient client,
      int waitSeconds,
      List<BrokerEndpoint> endpoints,
      TlsOption.Connection connection,
      PrintWriter err)
      throws InterruptedException {
    try {
      client.connect().toCompletableFuture().get(waitSeconds, TimeUnit.SECONDS);
      return OptionalInt.empty();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SessionRefusedException refused) {
        err.println(refused.getMessage());
        return OptionalInt.of(1);
      }
      err.println(unreachable(endpoints, e.getCause() + "; " + connection.triedOver()));
      return OptionalInt.of(2);
    } catch (TimeoutException e) {
      err.println(
          unreachable(
              endpoints, "no session within " + waitSeconds + " s; " + connection.triedOver()));
      return OptionalInt.of(2);
    }
  }

  /** The line saying the broker refused the call as a whole with {@code status}. */
  static String refusedLine(StatusRuntimeException status) {
    return "refused " + status.getStatus().getCode() + ": " + status.getStatus().getDescription();
  }

  /**
   * Makes {@code call} to each node in turn, waiting at most {@code timeoutMs} for each, until one
   * answers: a node that cannot be reached (gRPC UNAVAILABLE) is left for the next, and the last
   * node's failure is thrown (as {@link ExecutionException}). Any other outcome, a refusal or a
   * timeout included, is the answer: the call is not made twice. Only for calls that are safe to
   * repeat after UNAVAILABLE (a submit carries its message_id; the admin calls set state).
   */
  static <T> T firstReachable(
      List<BrokerEndpoint> endpoints,
      Function<BrokerEndpoint, CompletionStage<T>> call,
      long timeoutMs)
      throws ExecutionException, TimeoutException, InterruptedException {
    for (int i = 0; ; i++) {
      try {
        return call.apply(endpoints.get(i))
            .toCompletableFuture()
            .get(timeoutMs, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (i == endpoints.size() - 1
            || !(e.getCause() instanceof StatusRuntimeException status
                && status.getStatus().getCode() == Status.Code.UNAVAILABLE)) {
          throw e;
        }
      }
    }
  }
}
