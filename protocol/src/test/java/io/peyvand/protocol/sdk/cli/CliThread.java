package io.peyvand.protocol.sdk.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A command of {@link Cli} running in-process on a thread of its own, for the commands that run
 * until they are stopped or their call ends ({@code listen}, {@code call}): what it printed so far,
 * and its exit status once it ended (-1 until then).
 */
class CliThread {
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();
  final AtomicInteger status = new AtomicInteger(-1);
  final Thread thread;

  /** Starts {@code command args...} on a thread named {@code name}. */
  CliThread(String name, String command, String... args) {
    String[] all = new String[args.length + 1];
    all[0] = command;
    System.arraycopy(args, 0, all, 1, args.length);
    thread =
        new Thread(
            () ->
                status.set(
                    Cli.commandLine()
                        .setOut(new PrintWriter(out))
                        .setErr(new PrintWriter(err))
                        .execute(all)),
            name);
    thread.start();
  }

  /** What it printed so far, line by line. */
  List<String> lines() {
    return out.toString().lines().toList();
  }

  /** {@code first} then {@code rest}, as one argument list. */
  static String[] concat(String[] first, String... rest) {
    String[] all = new String[first.length + rest.length];
    System.arraycopy(first, 0, all, 0, first.length);
    System.arraycopy(rest, 0, all, first.length, rest.length);
    return all;
  }
}
