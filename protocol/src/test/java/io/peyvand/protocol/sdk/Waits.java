package io.peyvand.protocol.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.protocol.v1.ErrorCode;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waiting in the SDK's tests: for a stage, a connection or a condition, ten seconds at most. */
public final class Waits {
  private static final long SECONDS = 10;

  private Waits() {}

  public static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(SECONDS, TimeUnit.SECONDS);
  }

  /** Why {@code stage} failed; an assertion error if it did not fail in time. */
  public static Throwable failureOf(CompletionStage<?> stage) {
    return assertThrows(ExecutionException.class, () -> await(stage)).getCause();
  }

  /** The refusal {@code stage} failed with; an assertion error if it failed otherwise. */
  public static CallRefusedException refusalOf(CompletionStage<?> stage) {
    return assertInstanceOf(CallRefusedException.class, failureOf(stage));
  }

  /** The refusal {@code stage} failed with, which the client made itself, before sending. */
  public static CallRefusedException refusalBeforeSending(CompletionStage<?> stage) {
    CallRefusedException refusal = refusalOf(stage);
    assertTrue(refusal.local());
    return refusal;
  }

  /**
   * Asserts that {@code stage} failed with a refusal the client made itself, before sending, with
   * {@code code} and a message containing {@code fragment}.
   */
  public static void assertRefusedBeforeSending(
      CompletionStage<?> stage, ErrorCode code, String fragment) {
    CallRefusedException refusal = refusalBeforeSending(stage);
    assertEquals(code, refusal.code());
    assertTrue(refusal.error().getMessage().contains(fragment), refusal.error().getMessage());
  }

  /** Builds the client and waits for its first session. */
  public static PeyvandClient connected(PeyvandClientBuilder builder) throws Exception {
    PeyvandClient client = builder.build();
    await(client.connect());
    return client;
  }

  public static void eventually(String what, BooleanSupplier condition) throws Exception {
    eventually(() -> what, condition);
  }

  /**
   * Polls the condition every 10 ms; fails with {@code what} (asked only then) if it never holds.
   */
  public static void eventually(Supplier<String> what, BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + SECONDS + " s: " + what.get());
      }
      Thread.sleep(10);
    }
  }
}
