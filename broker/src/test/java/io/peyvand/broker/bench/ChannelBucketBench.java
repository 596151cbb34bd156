package io.peyvand.broker.bench;

import io.peyvand.broker.group.ChannelSubscribers;
import io.peyvand.broker.serialization.ChannelSubscriberSnapshots;
import io.peyvand.broker.serialization.StoredEventSerializer;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What one subscription bucket ({@link ChannelSubscribers}) costs as it grows: heap per user, the
 * stored snapshot per user, and the stored event of one more subscriber at the end (which must not
 * grow with the bucket: subscribing costs the same at ten or ten million). The state is built by
 * its events, as recovery builds it, in batches as a bulk subscription splits them. Times are
 * printed as figures of this run only, never asserted. Rerun:
 *
 * <pre>
 * mvn -B -o -q -pl broker -am package -DskipTests
 * java -Xmx1g -cp "broker/target/test-classes:broker/target/classes:$(cat broker/target/test.classpath)" \
 *   io.peyvand.broker.bench.ChannelBucketBench --users 100000
 * </pre>
 */
@Command(
    name = "channel-bucket",
    mixinStandardHelpOptions = true,
    description = "Heap, snapshot and event size of one channel subscription bucket.")
public final class ChannelBucketBench implements Callable<Integer> {

  @Option(names = "--users", description = "Users in the bucket (default ${DEFAULT-VALUE}).")
  int users = 100_000;

  @Option(
      names = "--batch",
      description =
          "Users per event, as a bulk subscription of 10,000"
              + " over 64 buckets gives (default ${DEFAULT-VALUE}).")
  int batch = 156;

  private final PrintStream out;

  ChannelBucketBench(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] args) {
    PrintStream results = System.out;
    System.setOut(System.err);
    System.exit(new CommandLine(new ChannelBucketBench(results)).execute(args));
  }

  /** A realistic id: platforms' user ids are mostly 8-12 characters. */
  static String user(int n) {
    return "u" + (10_000_000 + n);
  }

  @Override
  public Integer call() throws Exception {
    StoredEventSerializer serializer = new StoredEventSerializer(null);
    ChannelSubscriberSnapshots snapshots = new ChannelSubscriberSnapshots();
    long heapBefore = Heap.usedAfterGc();
    ChannelSubscribers.State state = ChannelSubscribers.State.restore(0, List.of());
    long applyStart = System.nanoTime();
    long eventBytes = 0;
    for (int from = 0; from < users; from += batch) {
      List<String> ids = new ArrayList<>(batch);
      for (int n = from; n < Math.min(users, from + batch); n++) {
        ids.add(user(n));
      }
      ChannelSubscribers.Subscribed event = new ChannelSubscribers.Subscribed(ids);
      eventBytes += serializer.toBinary(event).length;
      state.apply(event);
    }
    long applyNanos = System.nanoTime() - applyStart;
    long heapAfter = Heap.usedAfterGc();

    long snapshotStart = System.nanoTime();
    byte[] snapshot = serializer.toBinary(snapshots.toJournal(state));
    long snapshotNanos = System.nanoTime() - snapshotStart;
    long restoreStart = System.nanoTime();
    ChannelSubscribers.State restored =
        snapshots.fromJournal(serializer.fromBinary(snapshot, "channel-subscribers-snapshot"));
    long restoreNanos = System.nanoTime() - restoreStart;
    if (restored.size() != state.size() || state.size() != users) {
      throw new IllegalStateException("the bucket lost users: " + restored.size());
    }
    int oneMore =
        serializer.toBinary(new ChannelSubscribers.Subscribed(List.of(user(users)))).length;
    int oneFirst = serializer.toBinary(new ChannelSubscribers.Subscribed(List.of(user(0)))).length;

    out.printf(
        "channel bucket: %,d users (ids of %d characters), %,d events of %d users%n",
        users, user(0).length(), state.sequence(), batch);
    out.printf(
        "  heap:              %,d bytes, %.1f bytes/user (max heap %,d MB)%n",
        heapAfter - heapBefore,
        Heap.perItem(heapBefore, heapAfter, users),
        Heap.max() / (1024 * 1024));
    out.printf(
        "  events stored:     %,d bytes, %.1f bytes/user%n",
        eventBytes, (double) eventBytes / users);
    out.printf(
        "  snapshot stored:   %,d bytes, %.1f bytes/user%n",
        snapshot.length, (double) snapshot.length / users);
    out.printf(
        "  one subscriber's event: %d bytes at 0 users, %d bytes at %,d users%n",
        oneFirst, oneMore, users);
    out.printf(
        "  apply events:      %.1f ms (%.0f users/ms), this run only%n",
        applyNanos / 1e6, users / (applyNanos / 1e6));
    out.printf(
        "  snapshot write:    %.1f ms, restore: %.1f ms, this run only%n",
        snapshotNanos / 1e6, restoreNanos / 1e6);
    out.println(
        "rerun: java -Xmx1g -cp \"broker/target/test-classes:broker/target/classes:"
            + "$(cat broker/target/test.classpath)\" io.peyvand.broker.bench.ChannelBucketBench"
            + " --users "
            + users
            + " --batch "
            + batch);
    return 0;
  }
}
