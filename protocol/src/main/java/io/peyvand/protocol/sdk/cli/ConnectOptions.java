package io.peyvand.protocol.sdk.cli;

import io.peyvand.protocol.sdk.BrokerEndpoint;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;

/**
 * Where the broker is ({@link BrokerOption}) and how to connect to it ({@link TlsOption}): the
 * options of every command that calls the broker, and their values, or a usage error.
 */
final class ConnectOptions {
  @Mixin BrokerOption broker = new BrokerOption();

  @Mixin TlsOption tls = new TlsOption();

  /** The nodes named, or a usage error naming --broker. */
  List<BrokerEndpoint> endpoints(CommandLine.Model.CommandSpec spec) {
    try {
      return broker.endpoints();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--broker: " + e.getMessage());
    }
  }

  /** How {@code platform} connects (its certificate, or plaintext), or a usage error. */
  TlsOption.Connection forPlatform(CommandLine.Model.CommandSpec spec, String platform) {
    try {
      return tls.forPlatform(platform);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }
}
