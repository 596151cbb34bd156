package io.peyvand.protocol.sdk.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of the commands that submit one message through the unary Submit and print the answer
 * ({@code send}, {@code group post} and {@code channel post}), shared by them: where the broker is
 * ({@code --broker}) and how to connect ({@link ConnectOptions}), and how long to wait; and their
 * exit statuses, those of {@link SendCommand#submit} (picocli adds a mixin's to its command's
 * usage).
 */
@Command(
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {"0:accepted or duplicate", "1:refused", "2:the broker could not be reached"})
final class SubmitOptions {
  @Mixin ConnectOptions connect = new ConnectOptions();

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "10",
      description = "How long to wait for the answer (default ${DEFAULT-VALUE}).")
  int timeoutSeconds;
}
