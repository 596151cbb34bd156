package io.peyvand.loadtests.bench;

import io.peyvand.loadtests.bench.direct.DirectCommand;
import io.peyvand.loadtests.bench.fanout.FanoutCommand;
import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/**
 * The benchmark's entry point: {@code Bench <scenario> [options]}, run by {@code ./peyvand bench}.
 * Each scenario is a subcommand that prints one result (a text line, or a JSON object with {@code
 * --json}) on stdout and exits non-zero when a delivery guarantee was broken.
 *
 * <p>Only the result goes to stdout: everything else the process prints (Pekko's own logger writes
 * to {@code System.out}) is sent to stderr, so that {@code --json} output can be piped.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    version = "Peyvand bench 0.1.0",
    description =
        "Closed-loop benchmarks of a running Peyvand broker, as platforms see it: through"
            + " the adapter SDK (direct) or the session frames (fanout).",
    subcommands = {DirectCommand.class, FanoutCommand.class, HelpCommand.class})
public final class Bench {

  public static void main(String[] args) {
    PrintStream results = System.out;
    System.setOut(System.err);
    CommandLine commandLine = new CommandLine(new Bench()).setOut(new PrintWriter(results, true));
    System.exit(commandLine.execute(args));
  }
}
