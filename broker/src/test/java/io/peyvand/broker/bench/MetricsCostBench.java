package io.peyvand.broker.bench;

import io.peyvand.broker.observability.MessageMetrics;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What the message metrics add to one message's path, measured alone: everything {@link
 * MessageMetrics} is asked for one 1:1 message from submit to acknowledgement (the ingress's clock
 * readings, accepted counter and submit histogram; the mailbox's persist histograms for the message
 * and its acknowledgement; the push counter; the acknowledged counter), on {@code --threads}
 * threads at once over {@code --platforms} platforms, so that the adders are contended as on a busy
 * node. Printed as nanoseconds per message, to compare with the 1.8-3 ms of broker CPU a message
 * costs in the direct benchmark (BENCHMARKS.md). Times are figures of this run only, never
 * asserted. Rerun:
 *
 * <pre>
 * mvn -B -o -q -pl broker -am package -DskipTests
 * java -cp "broker/target/test-classes:broker/target/classes:$(cat broker/target/test.classpath)" \
 *   io.peyvand.broker.bench.MetricsCostBench --threads 2 --messages 20000000
 * </pre>
 */
@Command(
    name = "metrics-cost",
    mixinStandardHelpOptions = true,
    description = "Nanoseconds the message metrics add per message.")
public final class MetricsCostBench implements Callable<Integer> {

  @Option(names = "--threads", description = "Threads counting at once (default ${DEFAULT-VALUE}).")
  int threads = 2;

  @Option(names = "--messages", description = "Messages per thread (default ${DEFAULT-VALUE}).")
  long messages = 20_000_000;

  @Option(names = "--platforms", description = "Platforms (default ${DEFAULT-VALUE}).")
  int platforms = 4;

  @Option(
      names = "--rounds",
      description = "Measured rounds after one warm-up (default ${DEFAULT-VALUE}).")
  int rounds = 3;

  private final PrintStream out;

  MetricsCostBench(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new MetricsCostBench(System.out)).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    out.printf(
        "metrics cost: %d thread(s) x %,d messages, %d platforms, %d cores%n",
        threads, messages, platforms, Runtime.getRuntime().availableProcessors());
    for (int round = 0; round <= rounds; round++) {
      long nanos = round(new MessageMetrics());
      double perMessage = (double) nanos / messages;
      out.printf(
          "%s: %.1f ns per message per thread (%,.0f messages/s over all threads)%n",
          round == 0 ? "warm-up" : "round " + round,
          perMessage,
          messages * threads / (nanos / 1e9));
    }
    out.println(
        "rerun: java -cp \"broker/target/test-classes:broker/target/classes:$(cat"
            + " broker/target/test.classpath)\" io.peyvand.broker.bench.MetricsCostBench --threads "
            + threads
            + " --messages "
            + messages);
    return 0;
  }

  /** Wall time of all threads counting their messages. */
  private long round(MessageMetrics metrics) throws InterruptedException {
    String[] ids = new String[platforms];
    for (int p = 0; p < platforms; p++) {
      ids[p] = "platform-" + p;
    }
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int offset = t;
      Thread worker =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  return;
                }
                for (long i = 0; i < messages; i++) {
                  String sender = ids[(int) ((i + offset) % platforms)];
                  long received = System.nanoTime();
                  // the recipient's mailbox: persist, push, acknowledgement persisted
                  long command = System.nanoTime();
                  metrics.persisted(MessageMetrics.Entity.MAILBOX, command);
                  metrics.platform(sender).pushed(MessageMetrics.Kind.DIRECT, false);
                  long ack = System.nanoTime();
                  metrics.persisted(MessageMetrics.Entity.MAILBOX, ack);
                  metrics.platform(sender).acknowledged(MessageMetrics.Kind.DIRECT, 1);
                  // the ingress: answered accepted
                  metrics.platform(sender).accepted(MessageMetrics.Kind.DIRECT);
                  metrics.answered(
                      MessageMetrics.Kind.DIRECT, MessageMetrics.Result.ACCEPTED, received);
                }
              });
      workers.add(worker);
      worker.start();
    }
    long began = System.nanoTime();
    start.countDown();
    for (Thread worker : workers) {
      worker.join();
    }
    return System.nanoTime() - began;
  }
}
