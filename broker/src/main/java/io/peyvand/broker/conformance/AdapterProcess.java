package io.peyvand.broker.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The adapter under test as a process the kit starts, kills (SIGKILL, as a crash) and starts again:
 * {@code sh -c "exec <command>"}, so that the process killed is the adapter itself; its output goes
 * to a log file per start.
 */
final class AdapterProcess implements AutoCloseable {
  private final String command;
  private final Path logDirectory;
  private Process process;
  private int starts;

  AdapterProcess(String command, Path logDirectory) {
    this.command = command;
    this.logDirectory = logDirectory;
  }

  synchronized Path start() throws IOException {
    starts++;
    Files.createDirectories(logDirectory);
    Path log = logDirectory.resolve("adapter-" + starts + ".log");
    process =
        new ProcessBuilder(List.of("/bin/sh", "-c", "exec " + command))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    return log;
  }

  /** SIGKILL to the adapter and anything it started; returns at once. */
  synchronized void kill() {
    if (process != null) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  synchronized boolean alive() {
    return process != null && process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  boolean awaitExit(long seconds) throws InterruptedException {
    Process p;
    synchronized (this) {
      p = process;
    }
    return p == null || p.waitFor(seconds, TimeUnit.SECONDS);
  }

  /** Stops the adapter: SIGTERM, then SIGKILL after 10 s. */
  @Override
  public void close() throws InterruptedException {
    Process p;
    synchronized (this) {
      p = process;
    }
    if (p != null && p.isAlive()) {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        kill();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
