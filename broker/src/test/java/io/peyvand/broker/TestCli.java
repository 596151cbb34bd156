package io.peyvand.broker;

import io.peyvand.protocol.sdk.cli.Cli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The command-line adapter ({@code ./peyvand admin}, {@code audit}, ...) run in-process against a
 * test broker: its exit status and what it printed, stripped.
 */
public record TestCli(int status, String out, String err) {

  /**
   * Runs {@code command subcommand <common...> <rest...>}: e.g. {@code admin revoke --broker ...
   * --pki-dir ... 4a1f}, where {@code args} is the subcommand followed by its own arguments.
   */
  public static TestCli run(String command, List<String> common, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(List.of(command, args[0]));
    all.addAll(common);
    all.addAll(List.of(args).subList(1, args.length));
    int status =
        Cli.commandLine()
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(all.toArray(String[]::new));
    return new TestCli(status, out.toString().strip(), err.toString().strip());
  }

  /**
   * Runs {@code command} against {@code node} with the key store of {@code name} in {@code tls}'s
   * directory, as the {@code role} ({@code admin}, {@code regulator}) it was issued for: {@code
   * args} as in {@link #run}.
   */
  public static TestCli runAs(
      String command, TestBroker node, TestPki tls, String role, String name, String... args) {
    return run(
        command,
        List.of(
            "--broker",
            "127.0.0.1:" + node.grpcPort(),
            "--pki-dir",
            tls.layout().directory().toString(),
            "--" + role,
            name,
            "--key-store-password",
            new String(tls.password())),
        args);
  }
}
