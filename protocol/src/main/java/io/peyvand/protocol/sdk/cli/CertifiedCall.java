package io.peyvand.protocol.sdk.cli;

import com.typesafe.config.ConfigFactory;
import io.grpc.StatusRuntimeException;
import io.peyvand.protocol.sdk.BrokerEndpoint;
import io.peyvand.protocol.sdk.SdkActorSystem;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.grpc.GrpcClientSettings;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * What the subcommands of {@code admin} and {@code audit} share: the broker and TLS options, a
 * person's certificate (an administrator's or a regulator's), an actor system for the gRPC client,
 * and one exit status for every outcome: the subcommand's own (0 done), 1 refused by the broker
 * (printed as {@code refused CODE: description}), 2 the broker could not be reached.
 */
abstract class CertifiedCall implements Callable<Integer> {
  static final int REFUSED = 1;
  static final int UNREACHABLE = 2;

  @Mixin ConnectOptions connect = new ConnectOptions();

  @Spec CommandLine.Model.CommandSpec spec;

  /** How to connect: the certificate of the person the command acts as. */
  abstract TlsOption.Connection connection();

  /**
   * Where the calls go: the broker's nodes, over the connection, from the actor system the gRPC
   * clients run on.
   */
  record Target(
      ActorSystem system, List<BrokerEndpoint> endpoints, TlsOption.Connection connection) {
    /** The gRPC client settings for {@code endpoint}, every call with {@code deadline}. */
    GrpcClientSettings settings(BrokerEndpoint endpoint, Duration deadline) {
      return endpoint.grpcSettings(system, connection.tls()).withDeadline(deadline);
    }
  }

  /** Does the work against {@code target}; returns the exit status. */
  abstract int run(Target target, PrintWriter out) throws Exception;

  @Override
  public Integer call() throws Exception {
    List<BrokerEndpoint> endpoints;
    TlsOption.Connection connection;
    try {
      endpoints = connect.broker.endpoints();
      connection = connection();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ActorSystem system =
        SdkActorSystem.create("peyvand-" + spec.parent().name(), ConfigFactory.load());
    try {
      return run(new Target(system, endpoints, connection), out);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StatusRuntimeException status
          && status.getStatus().getCode() != io.grpc.Status.Code.UNAVAILABLE) {
        out.println(BrokerOption.refusedLine(status));
        return REFUSED;
      }
      err.println(
          BrokerOption.unreachable(
              endpoints, String.valueOf(e.getCause()) + "; " + connection.triedOver()));
      return UNREACHABLE;
    } catch (TimeoutException e) {
      err.println(BrokerOption.noAnswerInTime(endpoints, connection));
      return UNREACHABLE;
    } finally {
      out.flush();
      err.flush();
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
  }
}
