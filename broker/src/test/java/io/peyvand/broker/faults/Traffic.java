package io.peyvand.broker.faults;

import io.peyvand.loadtests.bench.harness.MessageIds;
import io.peyvand.loadtests.bench.ledger.Ledger;
import io.peyvand.protocol.sdk.BackpressureException;
import io.peyvand.protocol.sdk.SubmitOutcome;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.Text;
import io.peyvand.protocol.v1.UserAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Steady cross-platform traffic: {@code rate} new messages per second in all, each from a user of
 * one platform to a user of ANOTHER platform, each with a unique message id, submitted through one
 * of the sender platform's adapters (in turn). A message that was not answered, or was refused with
 * a retryable code (UNAVAILABLE, RATE_LIMITED), is submitted again later with the SAME id, as a
 * platform would (SDK.md: the broker then answers duplicate if it had accepted it); the SDK's own
 * retries inside one submit come first. Final refusals are recorded and never retried.
 */
final class Traffic implements AutoCloseable {
  /** First wait before a message is submitted again; doubled per try up to {@link #MAX_RETRY}. */
  private static final long FIRST_RETRY_MS = 500;

  private static final long MAX_RETRY = 4000;

  private final Ledger ledger;
  private final MessageIds ids;
  private final Map<Integer, UserAddress> recipients = new ConcurrentHashMap<>();
  private final Map<String, List<ClusterAdapter>> adapters;
  private final List<String> platforms;
  private final int usersPerPlatform;
  private final double rate;
  private final ScheduledExecutorService timer =
      Executors.newScheduledThreadPool(
          1,
          r -> {
            Thread t = new Thread(r, "traffic");
            t.setDaemon(true);
            return t;
          });
  private final Random random = new Random(7);
  private final AtomicLong created = new AtomicLong();
  private final AtomicInteger turn = new AtomicInteger();
  private volatile boolean sending;
  private volatile boolean retrying = true;
  private long begunNanos;

  Traffic(
      Ledger ledger,
      MessageIds ids,
      Map<String, List<ClusterAdapter>> adapters,
      int usersPerPlatform,
      double rate) {
    this.ledger = ledger;
    this.ids = ids;
    this.adapters = adapters;
    this.platforms = List.copyOf(adapters.keySet());
    this.usersPerPlatform = usersPerPlatform;
    this.rate = rate;
  }

  /** Starts sending new messages, every 20 ms as many as the rate owes by then. */
  void start() {
    begunNanos = System.nanoTime();
    sending = true;
    timer.scheduleAtFixedRate(this::tick, 0, 20, TimeUnit.MILLISECONDS);
  }

  /** No new messages from now on; retries go on until {@link #close}. */
  void stopSending() {
    sending = false;
  }

  /** Messages created so far: the ledger's indexes 0 .. created-1. */
  int created() {
    return (int) Math.min(created.get(), ledger.size());
  }

  /** The recipient of message {@code index}. */
  UserAddress recipient(int index) {
    return recipients.get(index);
  }

  private void tick() {
    if (!sending) {
      return;
    }
    double elapsed = (System.nanoTime() - begunNanos) / 1e9;
    long owed = (long) (elapsed * rate) - created.get();
    for (long i = 0; i < owed; i++) {
      sendNew();
    }
  }

  private void sendNew() {
    long next = created.getAndIncrement();
    if (next >= ledger.size()) {
      return; // the ledger is full (sized for the timeline's hour): no more new messages
    }
    int n = (int) next;
    String from = platforms.get(random.nextInt(platforms.size()));
    String to;
    do {
      to = platforms.get(random.nextInt(platforms.size()));
    } while (to.equals(from));
    UserAddress sender =
        UserAddress.newBuilder()
            .setPlatformId(from)
            .setUserId("u" + random.nextInt(usersPerPlatform))
            .build();
    UserAddress recipient =
        UserAddress.newBuilder()
            .setPlatformId(to)
            .setUserId("u" + random.nextInt(usersPerPlatform))
            .build();
    recipients.put(n, recipient);
    Envelope envelope =
        Envelope.newBuilder()
            .setMessageId(ids.messageId(n))
            .setSender(sender)
            .setRecipient(recipient)
            .setClientTimestampMs(System.currentTimeMillis())
            .setText(Text.newBuilder().setBody("fault harness message " + n))
            .build();
    submit(n, envelope, 1);
  }

  private void submit(int index, Envelope envelope, int attempt) {
    List<ClusterAdapter> ofPlatform = adapters.get(envelope.getSender().getPlatformId());
    ClusterAdapter adapter =
        ofPlatform.get(Math.floorMod(turn.getAndIncrement(), ofPlatform.size()));
    ledger.submitted(index, ledger.now());
    adapter
        .submit(envelope)
        .whenComplete(
            (outcome, error) -> {
              if (error != null) {
                Throwable cause =
                    error instanceof CompletionException && error.getCause() != null
                        ? error.getCause()
                        : error;
                if (!(cause instanceof BackpressureException)) {
                  ledger.notAnswered(index);
                }
                retryLater(index, envelope, attempt);
              } else if (outcome instanceof SubmitOutcome.Refused refused && refused.retryable()) {
                ledger.retried(index, refused, ledger.now());
                retryLater(index, envelope, attempt);
              } else {
                ledger.answered(index, outcome, ledger.now());
              }
            });
  }

  private void retryLater(int index, Envelope envelope, int attempt) {
    if (!retrying) {
      return;
    }
    long wait = Math.min(MAX_RETRY, FIRST_RETRY_MS << Math.min(attempt - 1, 10));
    try {
      timer.schedule(() -> submit(index, envelope, attempt + 1), wait, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      // the run is over
    }
  }

  /** Waits until every message is answered finally, at most {@code timeout}. */
  boolean awaitAnswered(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (ledger.answered(0, created())) {
        return true;
      }
      Thread.sleep(250);
    }
    return ledger.answered(0, created());
  }

  @Override
  public void close() {
    sending = false;
    retrying = false;
    timer.shutdownNow();
  }
}
