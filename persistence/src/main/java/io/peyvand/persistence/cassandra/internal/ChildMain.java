package io.peyvand.persistence.cassandra.internal;

import java.lang.reflect.Method;
import java.util.Optional;

/**
 * Main class of the embedded Cassandra child process: watches the parent JVM and stops Cassandra
 * when the parent ends, however it ends (a SIGKILL included), so that no node outlives its broker
 * or test run; then hands over to Cassandra's own daemon. Uses only the JDK, because the child's
 * classpath is Cassandra's, not ours.
 */
public final class ChildMain {
  /** System property carrying the parent's process id. */
  public static final String PARENT_PID_PROPERTY = "peyvand.parent-pid";

  private ChildMain() {}

  public static void main(String[] args) throws Exception {
    String parent = System.getProperty(PARENT_PID_PROPERTY);
    if (parent != null) {
      Optional<ProcessHandle> handle = ProcessHandle.of(Long.parseLong(parent));
      if (handle.isEmpty() || !handle.get().isAlive()) {
        System.err.println("parent process " + parent + " is gone; not starting Cassandra");
        System.exit(3);
      }
      handle.get().onExit().thenRun(ChildMain::parentEnded);
    }
    Class<?> daemon = Class.forName("org.apache.cassandra.service.CassandraDaemon");
    Method main = daemon.getMethod("main", String[].class);
    main.invoke(null, (Object) args);
  }

  private static void parentEnded() {
    System.err.println("parent process ended; stopping Cassandra");
    Thread killer =
        new Thread(
            () -> {
              try {
                Thread.sleep(20_000);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              Runtime.getRuntime().halt(4);
            },
            "peyvand-orphan-halt");
    killer.setDaemon(true);
    killer.start();
    // exit() runs Cassandra's shutdown hooks (drain, flush); halt() above is the fallback.
    System.exit(0);
  }
}
