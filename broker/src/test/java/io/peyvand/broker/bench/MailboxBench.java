package io.peyvand.broker.bench;

import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/**
 * The benchmark scenarios that need the broker's insides, run by {@code ./peyvand bench recovery},
 * {@code ./peyvand bench memory} and {@code ./peyvand bench directory}. They live in the broker's
 * test sources, not in load-tests: load-tests sees the broker only through the protocol, as a
 * platform does, while these drive the real {@code UserMailbox} through Cluster Sharding in a
 * broker node started in this JVM ({@link BenchNode}), read its heap, and restart it to recover.
 * They reuse the test kit's Cassandra (with {@code --start-cassandra}) and load-tests' CPU
 * accounting, and never ship in the broker's jar.
 *
 * <p>Only the result goes to stdout; progress and the libraries' logs go to stderr.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    version = "Peyvand bench 0.1.0",
    description =
        "Benchmarks of a broker node's insides: recovery time and heap per mailbox, directory"
            + " lookups, call setups, key log appends.",
    subcommands = {
      RecoveryCommand.class,
      MemoryCommand.class,
      DirectoryCommand.class,
      CallsCommand.class,
      KeyLogCommand.class,
      HelpCommand.class
    })
public final class MailboxBench {

  public static void main(String[] args) {
    PrintStream results = System.out;
    System.setOut(System.err);
    CommandLine commandLine =
        new CommandLine(new MailboxBench()).setOut(new PrintWriter(results, true));
    int code = commandLine.execute(args);
    System.exit(code);
  }
}
