package io.peyvand.protocol.sdk;

import io.peyvand.protocol.v1.Delivery;
import io.peyvand.protocol.v1.GroupDelivery;
import io.peyvand.protocol.v1.StatusDelivery;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What an adapter does with each delivery: store the message (or status) on its platform. The
 * returned stage completes when that is done; then the delivery is acknowledged (with automatic
 * acknowledgement). If the stage fails, or {@code handle} throws, the delivery is not acknowledged
 * and the broker delivers it again later, flagged redelivery.
 *
 * <p>{@code handle} is called on a stream thread of the SDK, in sequence order per mailbox, and
 * several deliveries may be in hand at once (up to {@code max-concurrent-deliveries}): it must not
 * block. Do slow work on an executor of your own and return its stage. Do not wait inside a handler
 * for the result of a {@link PeyvandClient#submit} on the same client.
 *
 * <p>Groups and channels (phase 2) arrive through {@link #handleGroup}, with the same rules per
 * group: in the group's order, acknowledged (GroupAcknowledge) once the stage completed, not
 * acknowledged and sent again, flagged redelivery, when it fails. An adapter written before groups
 * compiles unchanged; until it overrides {@code handleGroup}, group deliveries fail and stay
 * unacknowledged rather than being acknowledged and lost.
 *
 * <p>Statuses by recipient (the platform declared {@code Capabilities.statuses_by_recipient})
 * arrive through {@link #handleStatus}, with the same rules per recipient's status stream.
 */
@FunctionalInterface
public interface DeliveryHandler {

  /** Takes one delivery; the stage completes once the platform has it. */
  CompletionStage<Void> handle(Delivery delivery);

  /**
   * Takes one item of a group's or channel's log for this platform's members: a post, a change of
   * membership, or (channels) reaction counts. The stage completes once the platform has it; each
   * (group, sequence) is handed over once per client unless it failed, repeats are flagged {@code
   * redelivery}. The default refuses it: the item stays unacknowledged and the broker sends it
   * again after its redelivery timeout, so nothing is lost while the adapter does not know groups,
   * but nothing of that group moves either. Override it before the platform's users join groups.
   */
  default CompletionStage<Void> handleGroup(GroupDelivery delivery) {
    return refuseGroup(delivery);
  }

  /**
   * Takes one status of a message a user of this platform sent, pushed by the recipient's mailbox
   * (only to a platform that declared {@code Capabilities.statuses_by_recipient}). The stage
   * completes once the platform has it; each (recipient, sequence) is handed over once per client
   * unless it failed, repeats are flagged {@code redelivery}. The default refuses it, as {@link
   * #handleGroup} does: override it before declaring the capability.
   */
  default CompletionStage<Void> handleStatus(StatusDelivery delivery) {
    return refuseStatus(delivery);
  }

  /**
   * {@code handler} for mailboxes and groups, {@code statuses} for the statuses by recipient, e.g.
   * {@code DeliveryHandler.withStatuses(handler, this::onStatus)}.
   */
  static DeliveryHandler withStatuses(
      DeliveryHandler handler, Function<StatusDelivery, CompletionStage<Void>> statuses) {
    return compose(handler::handle, handler::handleGroup, statuses);
  }

  /**
   * A handler for quick synchronous work (printing, handing to an in-memory queue): the delivery is
   * handled when {@code consumer} returns and failed when it throws.
   */
  static DeliveryHandler of(Consumer<Delivery> consumer) {
    return delivery -> run(() -> consumer.accept(delivery));
  }

  /**
   * {@link #of(Consumer)} for mailboxes and groups: each delivery is handled when its consumer
   * returns and failed when it throws.
   */
  static DeliveryHandler of(Consumer<Delivery> deliveries, Consumer<GroupDelivery> groups) {
    return compose(
        delivery -> run(() -> deliveries.accept(delivery)),
        delivery -> run(() -> groups.accept(delivery)),
        DeliveryHandler::refuseStatus);
  }

  /**
   * A handler of mailboxes ({@code deliveries}) and groups ({@code groups}), e.g. {@code
   * DeliveryHandler.withGroups(this::onDelivery, this::onGroupDelivery)}.
   */
  static DeliveryHandler withGroups(
      DeliveryHandler deliveries, Function<GroupDelivery, CompletionStage<Void>> groups) {
    return compose(deliveries::handle, groups, DeliveryHandler::refuseStatus);
  }

  /** One function per kind of delivery, as one handler. */
  private static DeliveryHandler compose(
      Function<Delivery, CompletionStage<Void>> deliveries,
      Function<GroupDelivery, CompletionStage<Void>> groups,
      Function<StatusDelivery, CompletionStage<Void>> statuses) {
    return new DeliveryHandler() {
      @Override
      public CompletionStage<Void> handle(Delivery delivery) {
        return deliveries.apply(delivery);
      }

      @Override
      public CompletionStage<Void> handleGroup(GroupDelivery delivery) {
        return groups.apply(delivery);
      }

      @Override
      public CompletionStage<Void> handleStatus(StatusDelivery delivery) {
        return statuses.apply(delivery);
      }
    };
  }

  /** What {@link #handleGroup} does unless overridden. */
  private static CompletionStage<Void> refuseGroup(GroupDelivery delivery) {
    return CompletableFuture.failedFuture(
        new UnsupportedOperationException(
            "this adapter's"
                + " DeliveryHandler does not handle group deliveries: override handleGroup"));
  }

  /** What {@link #handleStatus} does unless overridden. */
  private static CompletionStage<Void> refuseStatus(StatusDelivery delivery) {
    return CompletableFuture.failedFuture(
        new UnsupportedOperationException(
            "this adapter's"
                + " DeliveryHandler does not handle status deliveries: override handleStatus, or do not"
                + " declare statuses_by_recipient"));
  }

  private static CompletionStage<Void> run(Runnable work) {
    try {
      work.run();
      return CompletableFuture.completedFuture(null);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
