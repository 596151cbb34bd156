package io.peyvand.protocol.sdk.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

/** A command of {@link Cli} run in-process: its exit status and what it printed, stripped. */
record CliRun(int status, String out, String err) {
  List<String> lines() {
    return out.lines().toList();
  }

  /**
   * Runs {@code args[0] args[1] --broker 127.0.0.1:PORT args[2...]}: a command with subcommands
   * (group create, directory lookup, ...) against the broker on {@code port}.
   */
  static CliRun subcommand(int port, String... args) {
    String[] all = new String[args.length + 2];
    all[0] = args[0];
    all[1] = args[1];
    all[2] = "--broker";
    all[3] = "127.0.0.1:" + port;
    System.arraycopy(args, 2, all, 4, args.length - 2);
    return of(all);
  }

  /** Runs the command line {@code args} as it is. */
  static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status =
        Cli.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    return new CliRun(status, out.toString().strip(), err.toString().strip());
  }
}
