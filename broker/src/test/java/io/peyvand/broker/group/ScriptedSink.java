package io.peyvand.broker.group;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.peyvand.broker.model.Address;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;

/** A count sink whose answers the test gives: each report waits until the test settles it. */
final class ScriptedSink implements CountSink {

  record Report(Address channel, BucketCount count, CompletableFuture<Done> answer) {
    void confirm() {
      answer.complete(Done.getInstance());
    }

    void fail() {
      answer.completeExceptionally(new IllegalStateException("channel unavailable (test)"));
    }
  }

  private final BlockingQueue<Report> reports = new LinkedBlockingQueue<>();

  @Override
  public CompletionStage<Done> report(Address channel, BucketCount count) {
    Report report = new Report(channel, count, new CompletableFuture<>());
    reports.add(report);
    return report.answer();
  }

  Report next(Duration within) throws InterruptedException {
    Report report = reports.poll(within.toMillis(), TimeUnit.MILLISECONDS);
    assertNotNull(report, "no report within " + within);
    return report;
  }

  void expectNone(Duration during) throws InterruptedException {
    Report report = reports.poll(during.toMillis(), TimeUnit.MILLISECONDS);
    assertNull(report, "unexpected report");
  }
}
