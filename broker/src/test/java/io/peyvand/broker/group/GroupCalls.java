package io.peyvand.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.pekko.grpc.GrpcServiceException;

/** What the groups' integration tests wait for: a refused call's status, a condition to hold. */
final class GroupCalls {
  private GroupCalls() {}

  /**
   * Asserts that {@code call} fails within 30 s with {@code code}; the status it failed with, for
   * further checks.
   */
  static Status assertStatus(Status.Code code, CompletionStage<?> call)
      throws InterruptedException {
    try {
      call.toCompletableFuture().get(30, TimeUnit.SECONDS);
      throw new AssertionError("expected " + code);
    } catch (ExecutionException e) {
      Status status =
          e.getCause() instanceof GrpcServiceException g
              ? g.getStatus()
              : Status.fromThrowable(e.getCause());
      assertEquals(code, status.getCode(), String.valueOf(status));
      return status;
    } catch (TimeoutException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Waits until {@code done} holds, checking every 50 ms; fails after {@code wait} saying {@code
   * what} it waited for and the {@code progress} so far.
   */
  static void await(Duration wait, String what, Supplier<String> progress, BooleanSupplier done)
      throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what + progress.get());
      }
      Thread.sleep(50);
    }
  }
}
