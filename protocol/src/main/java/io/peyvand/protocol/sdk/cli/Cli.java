package io.peyvand.protocol.sdk.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command-line adapter behind {@code ./peyvand send}, {@code listen}, {@code call}, {@code
 * group}, {@code channel}, {@code directory}, {@code keys}, {@code admin} and {@code audit}: submit
 * a text message, print (and acknowledge) a platform's deliveries and answer its users' calls,
 * place a call, make and use groups and channels, find contacts by phone number, publish and claim
 * MLS KeyPackages, the operator's calls, and a regulator's checks of the audit log. For trying a
 * broker by hand; a platform's real adapter uses the SDK.
 */
@Command(
    name = "peyvand",
    mixinStandardHelpOptions = true,
    version = "Peyvand 0.1.0",
    description = "Command-line adapter of the Peyvand broker.",
    subcommands = {
      SendCommand.class,
      ListenCommand.class,
      CallCommand.class,
      GroupCommand.class,
      ChannelCommand.class,
      DirectoryCommand.class,
      KeysCommand.class,
      AdminCommand.class,
      AuditCommand.class
    })
public final class Cli {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line, for running the commands in-process (tests, embedding). */
  public static CommandLine commandLine() {
    return new CommandLine(new Cli());
  }
}
