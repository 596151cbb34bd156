package io.peyvand.protocol.sdk;

import io.peyvand.protocol.v1.Delivery;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * What an adapter does with each delivery: store the message (or status) on its platform. The
 * returned stage completes when that is done; then the delivery is acknowledged (with automatic
 * acknowledgement). If the stage fails, or {@code handle} throws, the delivery is not acknowledged
 * and the broker delivers it again later, flagged redelivery.
 *
 * <p>{@code handle} is called on a stream thread of the SDK, in sequence order per mailbox, and
 * several deliveries may be in hand at once (up to {@code max-concurrent-deliveries}): it must not
 * block. Do slow work on an executor of your own and return its stage. Do not wait inside a
 * handler for the result of a {@link PeyvandClient#submit} on the same client.
 */
@FunctionalInterface
public interface DeliveryHandler {

  /** Takes one delivery; the stage completes once the platform has it. */
  CompletionStage<Void> handle(Delivery delivery);

  /**
   * A handler for quick synchronous work (printing, handing to an in-memory queue): the delivery is
   * handled when {@code consumer} returns and failed when it throws.
   */
  static DeliveryHandler of(Consumer<Delivery> consumer) {
    return delivery -> {
      try {
        consumer.accept(delivery);
        return CompletableFuture.completedFuture(null);
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    };
  }
}
