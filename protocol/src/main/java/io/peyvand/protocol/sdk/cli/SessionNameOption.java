package io.peyvand.protocol.sdk.cli;

import picocli.CommandLine.Option;

/**
 * {@code --session-name}, shared by the commands that open a session ({@code listen} and {@code
 * call}): its name in the broker's logs, by default peyvand-cli- and the command's name.
 */
final class SessionNameOption {
  @Option(
      names = "--session-name",
      paramLabel = "NAME",
      defaultValue = "peyvand-cli-${COMMAND-NAME}",
      description = "This session's name in the broker's logs (default ${DEFAULT-VALUE}).")
  String sessionName;
}
