package io.peyvand.protocol.sdk;

import java.util.Objects;

/**
 * How a submit is retried, always with the same message_id: at most {@code maxAttempts} sends (the
 * first included) and {@code backoff} between them. A retryable refusal (UNAVAILABLE, RATE_LIMITED)
 * and a session lost before the answer each use an attempt; the broker's retry_after_ms, when
 * larger, replaces the backoff.
 */
public record RetryPolicy(int maxAttempts, Backoff backoff) {
  public RetryPolicy {
    Objects.requireNonNull(backoff, "backoff");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
    }
  }
}
