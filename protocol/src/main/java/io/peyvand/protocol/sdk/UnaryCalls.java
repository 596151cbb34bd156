package io.peyvand.protocol.sdk;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.peyvand.protocol.Addresses;
import io.peyvand.protocol.ErrorCodes;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.UserAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;
import org.apache.pekko.grpc.GrpcSingleResponse;

/**
 * How {@link PeyvandClient} makes the unary calls of one gRPC service (Groups, Directory,
 * KeyPackageDirectory), {@code S} being its generated client: a request the caller's checks refused
 * fails at once with a local {@link CallRefusedException} and is not sent; the others go to the
 * broker node the session is on (or the one the session tries next), and the broker's refusals come
 * back as {@link CallRefusedException} with the protocol's error code and retry hint.
 *
 * <p>A call that fails with gRPC status UNAVAILABLE (the node cannot be reached or went away
 * mid-call, or said it cannot serve now) is sent again to the next node, per the submit-retry
 * policy: at most max-attempts sends, its backoff between them. Only calls that are safe to repeat
 * may come through here. Any other failure (a refusal, DEADLINE_EXCEEDED) is final: the caller
 * decides.
 *
 * <p>Calls must go through {@code invokeWithMetadata}: in pekko-grpc 1.1.1 only that path applies
 * the settings' deadline (the call-timeout); plain {@code invoke} waits without one, which
 * PeyvandClientGroupsTest would catch.
 */
final class UnaryCalls<S> {
  /** The trailer in which the broker's gRPC edge carries a refusal's retry_after_ms. */
  static final Metadata.Key<String> RETRY_AFTER_MS =
      Metadata.Key.of("peyvand-retry-after-ms", Metadata.ASCII_STRING_MARSHALLER);

  private final String platformId;
  private final int brokers;
  private final IntSupplier firstBroker;
  private final IntFunction<S> clients;
  private final RetryPolicy retry;
  private final BiConsumer<Duration, Runnable> scheduler;

  /**
   * Calls go first to the node {@code firstBroker} names (an index below {@code brokers}), with the
   * client {@code clients} gives for a node; {@code scheduler} runs a retry later.
   */
  UnaryCalls(
      String platformId,
      int brokers,
      IntSupplier firstBroker,
      IntFunction<S> clients,
      RetryPolicy retry,
      BiConsumer<Duration, Runnable> scheduler) {
    this.platformId = platformId;
    this.brokers = brokers;
    this.firstBroker = firstBroker;
    this.clients = clients;
    this.retry = retry;
    this.scheduler = scheduler;
  }

  /** The platform this client acts for. */
  String platformId() {
    return platformId;
  }

  /**
   * Fails with a local CallRefusedException if {@code problem} is present (nothing is sent), else
   * sends with {@code send}, retrying UNAVAILABLE on the next node.
   */
  <T> CompletionStage<T> call(
      Optional<Error> problem, Function<S, CompletionStage<GrpcSingleResponse<T>>> send) {
    if (problem.isPresent()) {
      return CompletableFuture.failedFuture(new CallRefusedException(problem.get(), true, null));
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    send(1, firstBroker.getAsInt(), send, result);
    return result;
  }

  /** Sends the {@code attempt}-th time (from 1), to the node at {@code broker}. */
  private <T> void send(
      int attempt,
      int broker,
      Function<S, CompletionStage<GrpcSingleResponse<T>>> send,
      CompletableFuture<T> result) {
    CompletionStage<GrpcSingleResponse<T>> answer;
    try {
      answer = send.apply(clients.apply(broker));
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
      return;
    }
    answer.whenComplete(
        (response, failure) -> {
          if (failure == null) {
            result.complete(response.getValue());
            return;
          }
          if (attempt < retry.maxAttempts() && unavailable(failure)) {
            try {
              scheduler.accept(
                  retry.backoff().delay(attempt),
                  () -> send(attempt + 1, (broker + 1) % brokers, send, result));
              return;
            } catch (RuntimeException shuttingDown) {
              // the client's actor system is terminating: the failure stands
            }
          }
          result.completeExceptionally(refusal(failure));
        });
  }

  private static Throwable unwrap(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause()
        : failure;
  }

  private static boolean unavailable(Throwable failure) {
    return unwrap(failure) instanceof StatusRuntimeException status
        && status.getStatus().getCode() == Status.Code.UNAVAILABLE;
  }

  /**
   * The acting user of a call checked: a valid address (else INVALID_ADDRESS) of this client's
   * platform (else NOT_PERMITTED), the error naming {@code field}.
   */
  Optional<Error> acting(UserAddress user, String field) {
    return Addresses.validate(user, field).or(() -> ownUser(user, field));
  }

  /**
   * Empty if {@code user} is of this client's platform, else NOT_PERMITTED naming {@code field}:
   * the broker lets a platform act only for its own users.
   */
  Optional<Error> ownUser(UserAddress user, String field) {
    if (user.getPlatformId().equals(platformId)) {
      return Optional.empty();
    }
    return Optional.of(
        ErrorCodes.error(
            ErrorCode.NOT_PERMITTED,
            field
                + ".platform_id is \""
                + user.getPlatformId()
                + "\" but this client acts for \""
                + platformId
                + "\": a platform"
                + " acts for its own users only"));
  }

  /**
   * The broker's refusal as a CallRefusedException when the status description starts with an error
   * code ({@code "CODE: message"}, as the broker's gRPC edge writes it), with retry_after_ms from
   * the trailer {@code peyvand-retry-after-ms} when there is one; anything else (no answer, a
   * deadline, a broker that does not serve the service) as it came.
   */
  static Throwable refusal(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof StatusRuntimeException status) {
      String description = status.getStatus().getDescription();
      if (description != null) {
        int colon = description.indexOf(": ");
        if (colon > 0) {
          try {
            ErrorCode code = ErrorCode.valueOf(description.substring(0, colon));
            if (code != ErrorCode.ERROR_CODE_UNSPECIFIED && code != ErrorCode.UNRECOGNIZED) {
              return new CallRefusedException(
                  Error.newBuilder()
                      .setCode(code)
                      .setMessage(description.substring(colon + 2))
                      .setRetryAfterMs(retryAfterMs(cause))
                      .build(),
                  false,
                  cause);
            }
          } catch (IllegalArgumentException notACode) {
            // a description of gRPC's own, e.g. "deadline exceeded after ..."
          }
        }
      }
    }
    return cause;
  }

  /** The trailer's retry_after_ms; 0 when there is none or it is not a non-negative number. */
  private static long retryAfterMs(Throwable failure) {
    Metadata trailers = Status.trailersFromThrowable(failure);
    String text = trailers == null ? null : trailers.get(RETRY_AFTER_MS);
    if (text == null) {
      return 0;
    }
    try {
      return Math.max(0, Long.parseLong(text.strip()));
    } catch (NumberFormatException notANumber) {
      return 0;
    }
  }
}
