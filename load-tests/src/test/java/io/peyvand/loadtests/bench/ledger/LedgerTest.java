package io.peyvand.loadtests.bench.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.loadtests.bench.direct.DirectWorkload;
import io.peyvand.loadtests.bench.harness.MessageIds;
import io.peyvand.protocol.sdk.SubmitOutcome;
import io.peyvand.protocol.sdk.SubmitOutcome.Accepted;
import io.peyvand.protocol.v1.Delivery;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.MessageStatus;
import io.peyvand.protocol.v1.UserAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LedgerTest {
  private static final MessageIds IDS = new MessageIds("run1");
  private static final UserAddress BOB = DirectWorkload.user("bale", 1);
  private static final UserAddress ALICE = DirectWorkload.user("eitaa", 2);
  private static final long MS = 1_000_000;

  private final Ledger ledger = new Ledger(IDS, 4);

  @Test
  void messageIdsCarryTheRunAndAreRecognisedOnlyForIt() {
    assertEquals("bench-run1-17", IDS.messageId(17));
    assertEquals(17, IDS.indexOf("bench-run1-17"));
    assertEquals(-1, IDS.indexOf("bench-run2-17"), "another run");
    assertEquals(-1, IDS.indexOf("bench-run12-17"), "a run whose id starts with this one's");
    assertEquals(-1, IDS.indexOf("bench-run1-"));
    assertEquals(-1, IDS.indexOf("cli-4f0c"));
    assertTrue(MessageIds.fresh().messageId(123_456).matches("[A-Za-z0-9._:-]{1,128}"));
  }

  @Test
  void anAcceptedMessageDeliveredOnceIsCountedWithItsLatencies() {
    accept(0, 10 * MS, 15 * MS, false);
    ledger.delivered(message(0, BOB, 1, false), 40 * MS);
    ledger.delivered(status(0, ALICE, 1, false), 60 * MS);
    Tally t = ledger.tally(0, 1);
    assertEquals(1, t.accepted());
    assertEquals(1, t.delivered());
    assertEquals(0, t.lost());
    assertEquals(1, t.statuses());
    assertEquals(5 * MS, t.submitToAccepted().value(0.5));
    assertEquals(30 * MS, t.submitToDelivered().value(0.5));
    assertEquals(0, t.unflaggedDuplicates());
    assertTrue(ledger.settled(0, 1));
    assertTrue(ledger.statusesSettled(0, 1));
  }

  @Test
  void anAcceptedMessageNeverDeliveredIsLost() {
    accept(0, 0, MS, false);
    accept(1, 0, MS, false);
    ledger.delivered(message(1, BOB, 1, false), 2 * MS);
    assertFalse(ledger.settled(0, 2));
    Tally t = ledger.tally(0, 2);
    assertEquals(1, t.lost());
    assertEquals(1, t.delivered());
  }

  @Test
  void refusedAndUnansweredMessagesAreNotLostButCountedByCode() {
    ledger.submitted(0, 0);
    ledger.answered(
        0,
        new SubmitOutcome.Refused(
            IDS.messageId(0),
            Error.newBuilder().setCode(ErrorCode.RECIPIENT_NOT_ACCEPTING).build()),
        MS);
    ledger.submitted(1, 0);
    ledger.unanswered(1, MS);
    Tally t = ledger.tally(0, 2);
    assertEquals(0, t.lost());
    assertEquals(Map.of(ErrorCode.RECIPIENT_NOT_ACCEPTING, 1), t.refused());
    assertEquals(1, t.unanswered());
    assertTrue(ledger.settled(0, 2), "nothing accepted is missing");
  }

  @Test
  void aSecondDeliveryWithoutTheRedeliveryFlagIsAnUnflaggedDuplicate() {
    accept(0, 0, MS, false);
    ledger.delivered(message(0, BOB, 1, false), 2 * MS);
    ledger.delivered(message(0, BOB, 1, false), 3 * MS);
    Tally t = ledger.tally(0, 1);
    assertEquals(1, t.unflaggedDuplicates());
    assertEquals(1, t.delivered(), "still one message delivered");
    assertEquals(MS, t.submitToDelivered().max() - MS, "the first delivery counts");
  }

  @Test
  void theSameMessageIdUnderAnotherSequenceIsAnUnflaggedDuplicateToo() {
    accept(0, 0, MS, false);
    ledger.delivered(message(0, BOB, 1, false), 2 * MS);
    ledger.delivered(message(0, BOB, 2, false), 3 * MS);
    assertEquals(1, ledger.tally(0, 1).unflaggedDuplicates());
  }

  @Test
  void aRepeatedStatusItemWithoutTheFlagIsAnUnflaggedDuplicate() {
    ledger.delivered(status(0, ALICE, 5, false), MS);
    ledger.delivered(status(0, ALICE, 5, false), 2 * MS);
    Tally t = ledger.tally(0, 1);
    assertEquals(1, t.unflaggedDuplicates());
    assertEquals(1, t.statuses());
  }

  @Test
  void flaggedRedeliveriesAreCountedAndAreNotDuplicatesOfConcern() {
    accept(0, 0, MS, false);
    ledger.delivered(message(0, BOB, 1, false), 2 * MS);
    ledger.delivered(message(0, BOB, 1, true), 3 * MS);
    ledger.delivered(status(0, ALICE, 1, false), 4 * MS);
    ledger.delivered(status(0, ALICE, 1, true), 5 * MS);
    Tally t = ledger.tally(0, 1);
    assertEquals(2, t.redelivered());
    assertEquals(0, t.redeliveredUnseen());
    assertEquals(0, t.unflaggedDuplicates());
  }

  @Test
  void aFlaggedFirstCopyMeansTheBrokersEarlierPushNeverArrived() {
    accept(0, 0, MS, false);
    ledger.delivered(message(0, BOB, 1, true), 2 * MS);
    Tally t = ledger.tally(0, 1);
    assertEquals(1, t.redelivered());
    assertEquals(1, t.redeliveredUnseen());
    assertEquals(0, t.unflaggedDuplicates());
    assertEquals(0, t.lost());
  }

  @Test
  void aDuplicateAnswerStillExpectsTheOriginalToBeDelivered() {
    accept(0, 0, MS, true);
    Tally t = ledger.tally(0, 1);
    assertEquals(1, t.accepted());
    assertEquals(1, t.duplicates());
    assertEquals(1, t.lost());
  }

  @Test
  void deliveriesOfOtherRunsAreForeignAndCountForNothingElse() {
    Delivery old =
        Delivery.newBuilder()
            .setMailbox(BOB)
            .setSequence(1)
            .setRedelivery(true)
            .setMessage(Envelope.newBuilder().setMessageId("bench-run0-0"))
            .build();
    ledger.delivered(old, MS);
    ledger.delivered(old, MS);
    Tally t = ledger.tally(0, 4);
    assertEquals(2, t.foreign());
    assertEquals(0, t.redelivered());
    assertEquals(0, t.delivered());
  }

  @Test
  void throughputIsOverTheWindowFromTheFirstSubmit() {
    accept(0, 1000 * MS, 1200 * MS, false);
    accept(1, 1100 * MS, 1500 * MS, false);
    ledger.delivered(message(0, BOB, 1, false), 1300 * MS);
    ledger.delivered(message(1, BOB, 2, false), 2000 * MS);
    Tally t = ledger.tally(0, 2);
    assertEquals(4.0, t.acceptedPerSecond(), 1e-9, "2 in 0.5 s");
    assertEquals(2.0, t.deliveredPerSecond(), 1e-9, "2 in 1 s");
  }

  // The fault harness's rules (its traffic retries with the same id; arrival order says nothing).

  @Test
  void anAcceptedMessageNeverReceivedIsLostAndAnUnansweredOneIsNot() {
    accept(0, 0, MS, false);
    accept(1, 0, MS, true);
    ledger.submitted(2, 0);
    ledger.delivered(message(1, BOB, 2, false), 2 * MS);
    Tally t = ledger.tally(0, 3);
    assertEquals(1, t.lost());
    assertEquals(List.of(0), ledger.receipts(0, 3).lostSample());
    assertEquals(1, t.unanswered());
    assertEquals(1, t.duplicates());
  }

  @Test
  void aRetriedRefusalOrTryWithoutAnswerLeavesTheMessageOpenAndAcceptedBeatsDuplicate() {
    ledger.submitted(0, 0);
    ledger.retried(0, refused(0, ErrorCode.UNAVAILABLE), MS);
    ledger.submitted(0, 2 * MS);
    ledger.notAnswered(0);
    assertFalse(ledger.answered(0, 1));
    ledger.submitted(0, 3 * MS);
    ledger.answered(0, new Accepted(IDS.messageId(0), 1, 0, false), 4 * MS);
    ledger.answered(0, new Accepted(IDS.messageId(0), 1, 0, true), 5 * MS);
    Tally t = ledger.tally(0, 1);
    assertEquals(Ledger.Answer.ACCEPTED, ledger.answer(0));
    assertEquals(0, t.duplicates());
    assertEquals(Map.of(), t.refused(), "no final refusal");
    assertEquals(Map.of(ErrorCode.UNAVAILABLE, 1L), ledger.refusals());
    assertEquals(1, ledger.triesUnanswered());
    assertEquals(4 * MS, t.submitToAccepted().value(1), "from the first try to the first answer");
    assertTrue(ledger.explain(0, BOB, 1, 1).contains("3 tries"));
  }

  @Test
  void aFlaggedCopyArrivingBeforeTheUnflaggedOriginalIsAFlaggedRepeat() {
    accept(0, 0, MS, false);
    // The copy pushed to the new session overtakes the original of the session that ended.
    ledger.delivered(message(0, BOB, 1, true), 2 * MS);
    ledger.delivered(message(0, BOB, 1, false), 3 * MS);
    ledger.delivered(message(0, BOB, 1, true), 4 * MS);
    Ledger.Receipts r = ledger.receipts(0, 1);
    assertEquals(1, r.repeatedFlagged());
    assertEquals(0, r.unflaggedRepeats());
    assertEquals(0, ledger.tally(0, 1).lost());
  }

  @Test
  void everyUnflaggedReceiptAfterTheFirstIsAnUnflaggedRepeat() {
    accept(0, 0, MS, false);
    ledger.delivered(message(0, BOB, 1, false), 2 * MS);
    ledger.delivered(message(0, BOB, 1, false), 3 * MS);
    ledger.delivered(message(0, BOB, 1, false), 4 * MS);
    assertEquals(2, ledger.receipts(0, 1).unflaggedRepeats());
    assertEquals(2, ledger.tally(0, 1).unflaggedDuplicates());
  }

  @Test
  void oneMessageStoredAtTwoSequencesIsCaughtAsUnflaggedAndStoredTwice() {
    accept(0, 0, MS, false);
    ledger.delivered(message(0, BOB, 1, false), 2 * MS);
    ledger.delivered(message(0, BOB, 7, false), 3 * MS);
    Ledger.Receipts r = ledger.receipts(0, 1);
    assertEquals(1, r.unflaggedRepeats());
    assertEquals(1, r.storedTwice());
    assertTrue(ledger.explain(0, BOB, 6, 7).endsWith("6=- 7=" + IDS.messageId(0)));
  }

  @Test
  void theTimelineCountsFirstSendsAnswersAndReceiptsPerSecondAndWhatWasOnTime() {
    long s = 1_000_000_000L;
    accept(0, 0, MS, false);
    ledger.delivered(message(0, BOB, 1, false), 2 * MS);
    accept(1, s, 5 * s, false); // accepted too late
    ledger.delivered(message(1, BOB, 2, false), 5 * s);
    List<Ledger.Second> timeline = ledger.timeline(2, 5 * s, 3 * s, 10 * s);
    assertEquals(new Ledger.Second(0, 1, 1, 1, 0, 1), timeline.get(0));
    assertEquals(new Ledger.Second(1, 1, 0, 0, 0, 0), timeline.get(1));
    assertEquals(new Ledger.Second(5, 0, 1, 1, 0, 0), timeline.get(5));
  }

  private static SubmitOutcome.Refused refused(int index, ErrorCode code) {
    return new SubmitOutcome.Refused(
        IDS.messageId(index), Error.newBuilder().setCode(code).build());
  }

  private void accept(int index, long submittedAt, long answeredAt, boolean duplicate) {
    ledger.submitted(index, submittedAt);
    ledger.answered(index, new Accepted(IDS.messageId(index), index + 1, 0, duplicate), answeredAt);
  }

  private static Delivery message(
      int index, UserAddress mailbox, long sequence, boolean redelivery) {
    return Delivery.newBuilder()
        .setMailbox(mailbox)
        .setSequence(sequence)
        .setRedelivery(redelivery)
        .setMessage(Envelope.newBuilder().setMessageId(IDS.messageId(index)).setRecipient(mailbox))
        .build();
  }

  private static Delivery status(
      int index, UserAddress mailbox, long sequence, boolean redelivery) {
    return Delivery.newBuilder()
        .setMailbox(mailbox)
        .setSequence(sequence)
        .setRedelivery(redelivery)
        .setStatus(
            MessageStatus.newBuilder()
                .setMessageId(IDS.messageId(index))
                .setKind(MessageStatus.Kind.DELIVERED))
        .build();
  }
}
