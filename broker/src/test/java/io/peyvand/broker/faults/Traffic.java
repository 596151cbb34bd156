package io.peyvand.broker.faults;

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
  private final Map<String, List<ClusterAdapter>> adapters;
  private final List<String> platforms;
  private final int usersPerPlatform;
  private final double rate;
  private final String tag;
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
      Map<String, List<ClusterAdapter>> adapters,
      int usersPerPlatform,
      double rate,
      String tag) {
    this.ledger = ledger;
    this.adapters = adapters;
    this.platforms = List.copyOf(adapters.keySet());
    this.usersPerPlatform = usersPerPlatform;
    this.rate = rate;
    this.tag = tag;
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

  long created() {
    return created.get();
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
    long n = created.incrementAndGet();
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
    String id = tag + "-" + n;
    Envelope envelope =
        Envelope.newBuilder()
            .setMessageId(id)
            .setSender(sender)
            .setRecipient(recipient)
            .setClientTimestampMs(System.currentTimeMillis())
            .setText(Text.newBuilder().setBody("fault harness message " + n))
            .build();
    Ledger.Entry entry = ledger.created(id, to + ":" + recipient.getUserId());
    submit(entry, envelope, 1);
  }

  private void submit(Ledger.Entry entry, Envelope envelope, int attempt) {
    List<ClusterAdapter> ofPlatform = adapters.get(envelope.getSender().getPlatformId());
    ClusterAdapter adapter =
        ofPlatform.get(Math.floorMod(turn.getAndIncrement(), ofPlatform.size()));
    ledger.attempted(entry);
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
                  ledger.notAnswered();
                }
                retryLater(entry, envelope, attempt);
              } else if (outcome instanceof SubmitOutcome.Accepted accepted) {
                ledger.accepted(entry, accepted.duplicate());
              } else if (outcome instanceof SubmitOutcome.Refused refused) {
                ledger.refused(entry, refused.error().getCode().name(), !refused.retryable());
                if (refused.retryable()) {
                  retryLater(entry, envelope, attempt);
                }
              }
            });
  }

  private void retryLater(Ledger.Entry entry, Envelope envelope, int attempt) {
    if (!retrying) {
      return;
    }
    long wait = Math.min(MAX_RETRY, FIRST_RETRY_MS << Math.min(attempt - 1, 10));
    try {
      timer.schedule(() -> submit(entry, envelope, attempt + 1), wait, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      // the run is over
    }
  }

  /** Waits until every message is answered finally, at most {@code timeout}. */
  boolean awaitAnswered(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (ledger.unanswered().isEmpty()) {
        return true;
      }
      Thread.sleep(250);
    }
    return ledger.unanswered().isEmpty();
  }

  @Override
  public void close() {
    sending = false;
    retrying = false;
    timer.shutdownNow();
  }
}
