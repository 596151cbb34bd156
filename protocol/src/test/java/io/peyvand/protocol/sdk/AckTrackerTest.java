package io.peyvand.protocol.sdk;

import static io.peyvand.protocol.sdk.AckTracker.Decision.HANDLE;
import static io.peyvand.protocol.sdk.AckTracker.Decision.SKIP;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.peyvand.protocol.v1.GroupAddress;
import io.peyvand.protocol.v1.UserAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AckTrackerTest {
  private static final UserAddress BOB = UserAddresses.parse("bale:bob");
  private static final UserAddress CAROL = UserAddresses.parse("bale:carol");

  /** A group with the text form of the user bale:bob. */
  private static final GroupAddress BOB_GROUP =
      GroupAddress.newBuilder().setPlatformId("bale").setGroupId("bob").build();

  private final AckTracker auto = new AckTracker(true, true, 1000);

  @Test
  void aGroupIsAStreamOfItsOwnAcknowledgedWithGroupAcknowledgements() {
    assertEquals(HANDLE, auto.onDelivery(BOB, 1, 0));
    assertEquals(HANDLE, auto.onDelivery(BOB_GROUP, 1, 0));
    assertEquals(HANDLE, auto.onDelivery(BOB_GROUP, 2, 0));
    auto.onHandled(BOB_GROUP, 2);
    auto.onHandled(BOB_GROUP, 1);
    assertEquals(Map.of(), auto.drainAcknowledgements(), "bob's mailbox item 1 is in hand");
    assertEquals(Map.of(BOB_GROUP, 2L), auto.drainGroupAcknowledgements());
    assertEquals(SKIP, auto.onDelivery(BOB_GROUP, 2, 0), "handled: not again");
    assertEquals(
        Map.of(BOB_GROUP, 2L),
        auto.drainGroupAcknowledgements(),
        "a repeat at or below the point is acknowledged again");
    auto.onHandled(BOB, 1);
    assertEquals(Map.of(BOB, 1L), auto.drainAcknowledgements());
    assertEquals(Map.of(), auto.drainGroupAcknowledgements());
  }

  @Test
  void aRecipientsStatusStreamIsAStreamOfItsOwnAcknowledgedWithStatusAcknowledgements() {
    assertEquals(HANDLE, auto.onDelivery(BOB, 1, 0));
    assertEquals(HANDLE, auto.onStatusDelivery(BOB, 1, 0));
    assertEquals(HANDLE, auto.onStatusDelivery(BOB, 2, 0));
    auto.onStatusHandled(BOB, 2);
    assertEquals(Map.of(), auto.drainStatusAcknowledgements(), "status 1 is in hand");
    auto.onStatusHandled(BOB, 1);
    assertEquals(Map.of(), auto.drainAcknowledgements(), "bob's mailbox item 1 is in hand");
    assertEquals(Map.of(BOB, 2L), auto.drainStatusAcknowledgements());
    assertEquals(SKIP, auto.onStatusDelivery(BOB, 1, 0), "handled: not again");
    assertEquals(
        Map.of(BOB, 2L),
        auto.drainStatusAcknowledgements(),
        "a repeat at or below the point is acknowledged again");
    // The broker's cursor moves the point over statuses another session acknowledged.
    assertEquals(HANDLE, auto.onStatusDelivery(CAROL, 7, 6));
    auto.onStatusHandled(CAROL, 7);
    assertEquals(Map.of(CAROL, 7L), auto.drainStatusAcknowledgements());
    auto.onHandled(BOB, 1);
    assertEquals(Map.of(BOB, 1L), auto.drainAcknowledgements());
  }

  @Test
  void aGroupFirstSeenMidwayStartsFromTheBrokersCursorAndAFailedItemHoldsItBack() {
    auto.onDelivery(BOB_GROUP, 10, 9);
    auto.onDelivery(BOB_GROUP, 11, 9);
    auto.onFailed(BOB_GROUP, 10);
    auto.onHandled(BOB_GROUP, 11);
    assertEquals(Map.of(), auto.drainGroupAcknowledgements(), "10 failed");
    assertEquals(HANDLE, auto.onDelivery(BOB_GROUP, 10, 9), "a failed item is handled again");
    auto.onHandled(BOB_GROUP, 10);
    assertEquals(Map.of(BOB_GROUP, 11L), auto.drainGroupAcknowledgements());
  }

  @Test
  void handledDeliveriesAreAcknowledgedCumulativelyOncePerMailboxAndBatch() {
    for (long s = 1; s <= 3; s++) {
      assertEquals(HANDLE, auto.onDelivery(BOB, s));
      auto.onHandled(BOB, s);
    }
    assertEquals(HANDLE, auto.onDelivery(CAROL, 7, 6));
    auto.onHandled(CAROL, 7);
    assertEquals(Map.of(BOB, 3L, CAROL, 7L), auto.drainAcknowledgements());
    assertEquals(Map.of(), auto.drainAcknowledgements(), "each acknowledgement is sent once");
  }

  @Test
  void outOfOrderCompletionAcknowledgesOnlyTheContiguousPrefix() {
    for (long s = 1; s <= 4; s++) {
      auto.onDelivery(BOB, s);
    }
    auto.onHandled(BOB, 3);
    auto.onHandled(BOB, 2);
    assertEquals(Map.of(), auto.drainAcknowledgements(), "1 is still in hand");
    auto.onHandled(BOB, 1);
    assertEquals(Map.of(BOB, 3L), auto.drainAcknowledgements(), "4 is still in hand");
    auto.onHandled(BOB, 4);
    assertEquals(Map.of(BOB, 4L), auto.drainAcknowledgements());
  }

  @Test
  void anItemNotSeenHoldsBackTheAcknowledgementButOneTheBrokerGaveUpDoesNot() {
    auto.onDelivery(BOB, 10, 9);
    auto.onDelivery(BOB, 12, 9);
    auto.onHandled(BOB, 12);
    auto.onHandled(BOB, 10);
    assertEquals(Map.of(BOB, 10L), auto.drainAcknowledgements(), "11 has not arrived");
    auto.onDelivery(BOB, 13, 11); // 11 expired: the broker's cursor passed it
    assertEquals(Map.of(BOB, 12L), auto.drainAcknowledgements());
    auto.onHandled(BOB, 13);
    assertEquals(Map.of(BOB, 13L), auto.drainAcknowledgements());
  }

  @Test
  void aMailboxFirstSeenMidwayStartsFromTheBrokersCursor() {
    auto.onDelivery(BOB, 40, 39);
    auto.onHandled(BOB, 40);
    assertEquals(Map.of(BOB, 40L), auto.drainAcknowledgements());
  }

  @Test
  void aDeliveryInHandOrHandledIsNotHandledAgain() {
    assertEquals(HANDLE, auto.onDelivery(BOB, 1));
    assertEquals(HANDLE, auto.onDelivery(BOB, 2));
    assertEquals(SKIP, auto.onDelivery(BOB, 1), "in hand");
    auto.onHandled(BOB, 2);
    assertEquals(SKIP, auto.onDelivery(BOB, 2), "handled, not yet acknowledgeable");
    assertEquals(Map.of(), auto.drainAcknowledgements());
  }

  @Test
  void redeliveryOfAnAcknowledgedSequenceIsAcknowledgedAgainWithoutHandling() {
    auto.onDelivery(BOB, 1);
    auto.onHandled(BOB, 1);
    auto.onDelivery(BOB, 2);
    auto.onHandled(BOB, 2);
    assertEquals(Map.of(BOB, 2L), auto.drainAcknowledgements());
    assertEquals(SKIP, auto.onDelivery(BOB, 1), "the acknowledgement was lost, not the item");
    assertEquals(Map.of(BOB, 2L), auto.drainAcknowledgements());
  }

  @Test
  void aFailedDeliveryIsNotAcknowledgedAndIsHandledAgainWhenRedelivered() {
    auto.onDelivery(BOB, 1);
    auto.onDelivery(BOB, 2);
    auto.onFailed(BOB, 1);
    auto.onHandled(BOB, 2);
    assertEquals(Map.of(), auto.drainAcknowledgements(), "nothing past the failed item");
    assertEquals(HANDLE, auto.onDelivery(BOB, 1), "redelivered: handled again");
    assertEquals(SKIP, auto.onDelivery(BOB, 2), "redelivered, but handled already");
    auto.onHandled(BOB, 1);
    assertEquals(Map.of(BOB, 2L), auto.drainAcknowledgements());
  }

  @Test
  void anAcknowledgementThatCouldNotBeWrittenGoesWithTheNextBatch() {
    auto.onDelivery(BOB, 1);
    auto.onHandled(BOB, 1);
    Map<UserAddress, Long> batch = auto.drainAcknowledgements();
    auto.retryAcknowledgement(BOB, batch.get(BOB));
    assertEquals(Map.of(BOB, 1L), auto.drainAcknowledgements());
  }

  @Test
  void withoutDeduplicationEveryDeliveryIsHandled() {
    AckTracker tracker = new AckTracker(true, false, 1000);
    tracker.onDelivery(BOB, 1);
    tracker.onHandled(BOB, 1);
    assertEquals(HANDLE, tracker.onDelivery(BOB, 1));
    assertEquals(HANDLE, tracker.onDelivery(BOB, 2));
    assertEquals(HANDLE, tracker.onDelivery(BOB, 2));
  }

  @Test
  void withManualAcknowledgementOnlyTheAdaptersAcknowledgementsAreSent() {
    AckTracker manual = new AckTracker(false, true, 1000);
    manual.onDelivery(BOB, 1);
    manual.onHandled(BOB, 1);
    assertEquals(Map.of(), manual.drainAcknowledgements());
    assertEquals(SKIP, manual.onDelivery(BOB, 1), "handled, though not acknowledged");
    manual.acknowledge(BOB, 1);
    assertEquals(Map.of(BOB, 1L), manual.drainAcknowledgements());
    assertEquals(1, manual.acknowledgedUpTo(BOB));
  }

  @Test
  void idleMailboxesBeyondTheLimitAreForgottenButBusyOnesAreKept() {
    AckTracker small = new AckTracker(true, true, 2);
    small.onDelivery(BOB, 1); // in hand: kept
    for (int i = 0; i < 5; i++) {
      UserAddress user = UserAddresses.parse("bale:user" + i);
      small.onDelivery(user, 1);
      small.onHandled(user, 1);
    }
    assertEquals(2, small.trackedMailboxes());
    small.onHandled(BOB, 1);
    assertEquals(1, small.acknowledgedUpTo(BOB));
  }
}
