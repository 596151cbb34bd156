package io.peyvand.loadtests.bench.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.loadtests.bench.harness.MessageIds;
import io.peyvand.loadtests.bench.ledger.FanoutLedger.FanoutTally;
import io.peyvand.protocol.v1.Accepted;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.GroupAddress;
import io.peyvand.protocol.v1.GroupDelivery;
import io.peyvand.protocol.v1.MembershipChange;
import io.peyvand.protocol.v1.SubmitResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FanoutLedgerTest {
  private static final MessageIds IDS = new MessageIds("run1g10");
  private static final GroupAddress GROUP =
      GroupAddress.newBuilder().setPlatformId("eitaa").setGroupId("fanout-run1g10").build();
  private static final long MS = 1_000_000;

  private final FanoutLedger ledger = new FanoutLedger(IDS, List.of("eitaa", "bale"), 3);

  @Test
  void aPostDeliveredToEveryPlatformCountsOneDeliveryPerPlatformWithItsLatencies() {
    accept(0, 10 * MS, 15 * MS, 7);
    ledger.delivered("eitaa", post(0, 7, false), 30 * MS);
    assertFalse(ledger.settled(0, 1), "bale has not received it yet");
    ledger.delivered("bale", post(0, 7, false), 50 * MS);
    assertTrue(ledger.settled(0, 1));
    FanoutTally t = ledger.tally(0, 1);
    assertEquals(1, t.accepted());
    assertEquals(2, t.deliveries());
    assertEquals(2, t.frames());
    assertEquals(0, t.lost());
    assertEquals(5 * MS, t.submitToAccepted().value(0.5));
    assertEquals(
        List.of(20 * MS, 40 * MS),
        List.of(t.submitToDelivered().value(0.5), t.submitToDelivered().value(1)));
    assertEquals(40 * MS, t.submitToAllDelivered().value(0.5), "until the last platform");
    assertEquals(2 / 0.040, t.deliveriesPerSecond(), 1e-6, "from the first submit");
    assertEquals(1 / 0.005, t.acceptedPerSecond(), 1e-6);
    assertFalse(t.failed());
  }

  @Test
  void anAcceptedPostMissingOnOnePlatformIsLostThere() {
    accept(0, 0, MS, 1);
    ledger.delivered("eitaa", post(0, 1, false), 2 * MS);
    FanoutTally t = ledger.tally(0, 1);
    assertEquals(1, t.lost());
    assertEquals(1, t.deliveries());
    assertEquals(0, t.submitToAllDelivered().count(), "never on all platforms");
    assertTrue(t.failed());
  }

  @Test
  void aRepeatIsFineWhenFlaggedAndCountedWhenNot() {
    accept(0, 0, MS, 1);
    ledger.delivered("eitaa", post(0, 1, false), 2 * MS);
    ledger.delivered("eitaa", post(0, 1, true), 3 * MS);
    ledger.delivered("bale", post(0, 1, false), 2 * MS);
    assertEquals(0, ledger.tally(0, 1).unflaggedDuplicates());
    assertEquals(1, ledger.tally(0, 1).redelivered());
    ledger.delivered("bale", post(0, 1, false), 4 * MS);
    FanoutTally t = ledger.tally(0, 1);
    assertEquals(1, t.unflaggedDuplicates());
    assertEquals(4, t.frames());
    assertEquals(2, t.deliveries(), "first arrivals only");
    assertTrue(t.failed());
  }

  @Test
  void aFirstArrivalBelowAnEarlierSequenceIsOutOfOrderUnlessFlagged() {
    accept(0, 0, MS, 5);
    accept(1, 0, MS, 6);
    accept(2, 0, MS, 7);
    ledger.delivered("eitaa", post(1, 6, false), 2 * MS);
    ledger.delivered("eitaa", post(0, 5, false), 2 * MS);
    ledger.delivered("bale", post(1, 6, false), 2 * MS);
    ledger.delivered("bale", post(0, 5, true), 2 * MS);
    ledger.delivered("bale", post(2, 7, false), 2 * MS);
    ledger.delivered("eitaa", post(2, 7, false), 2 * MS);
    FanoutTally t = ledger.tally(0, 3);
    assertEquals(1, t.outOfOrder(), "eitaa's, not bale's flagged one");
    assertEquals(0, t.lost());
    assertTrue(t.failed());
  }

  @Test
  void refusedAndUnansweredPostsAreNotOwedAndOtherItemsAreCountedApart() {
    ledger.submitted(0, MS);
    ledger.answered(
        0,
        SubmitResult.newBuilder()
            .setRefused(Error.newBuilder().setCode(ErrorCode.RATE_LIMITED))
            .build(),
        2 * MS);
    ledger.submitted(1, MS);
    ledger.unanswered(1, 3 * MS);
    accept(2, MS, 2 * MS, 3);
    ledger.delivered("eitaa", post(2, 3, false), 4 * MS);
    ledger.delivered("bale", post(2, 3, false), 4 * MS);
    ledger.delivered(
        "bale",
        GroupDelivery.newBuilder()
            .setGroup(GROUP)
            .setSequence(1)
            .setChange(MembershipChange.newBuilder())
            .build(),
        4 * MS);
    ledger.delivered(
        "bale",
        GroupDelivery.newBuilder()
            .setGroup(GROUP)
            .setSequence(9)
            .setPost(Envelope.newBuilder().setMessageId("bench-other-2"))
            .build(),
        4 * MS);
    assertTrue(ledger.settled(0, 3));
    FanoutTally t = ledger.tally(0, 3);
    assertEquals(1, t.refused());
    assertEquals(Map.of(ErrorCode.RATE_LIMITED, 1), t.refusedByCode());
    assertEquals(1, t.unanswered());
    assertEquals(1, t.accepted());
    assertEquals(2, t.otherItems());
    assertEquals(0, t.lost());
    assertFalse(t.failed());
  }

  @Test
  void nothingAcceptedFails() {
    ledger.submitted(0, MS);
    ledger.unanswered(0, 2 * MS);
    assertTrue(ledger.tally(0, 1).failed());
  }

  private void accept(int index, long submitted, long answered, long sequence) {
    ledger.submitted(index, Math.max(1, submitted));
    ledger.answered(
        index,
        SubmitResult.newBuilder().setAccepted(Accepted.newBuilder().setSequence(sequence)).build(),
        answered);
  }

  private static GroupDelivery post(int index, long sequence, boolean redelivery) {
    return GroupDelivery.newBuilder()
        .setGroup(GROUP)
        .setSequence(sequence)
        .setRedelivery(redelivery)
        .setPost(Envelope.newBuilder().setMessageId(IDS.messageId(index)).setGroup(GROUP))
        .build();
  }
}
