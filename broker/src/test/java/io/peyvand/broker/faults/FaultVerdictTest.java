package io.peyvand.broker.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.loadtests.bench.harness.MessageIds;
import io.peyvand.loadtests.bench.ledger.Ledger;
import io.peyvand.protocol.sdk.SubmitOutcome.Accepted;
import io.peyvand.protocol.v1.Delivery;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.UserAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The verdict every fault scenario gives on its ledger ({@link FaultScenario#ledgerFailures}),
 * without a cluster: the figures FAULTS.md's table says must be 0 fail the run when they are not.
 */
class FaultVerdictTest {
  private static final MessageIds IDS = new MessageIds("verdict");
  private static final UserAddress BOB =
      UserAddress.newBuilder().setPlatformId("bale").setUserId("bob").build();
  private static final long MS = 1_000_000;

  private final Ledger ledger = new Ledger(IDS, 2);

  private void accepted(int index) {
    ledger.submitted(index, MS);
    ledger.answered(index, new Accepted(IDS.messageId(index), index + 1, 0, false), 2 * MS);
  }

  private void received(int index, long sequence, boolean redelivery) {
    ledger.delivered(
        Delivery.newBuilder()
            .setMailbox(BOB)
            .setSequence(sequence)
            .setRedelivery(redelivery)
            .setMessage(Envelope.newBuilder().setMessageId(IDS.messageId(index)).setRecipient(BOB))
            .build(),
        3 * MS);
  }

  /** Messages 0 and 1 accepted, and each received once, at sequences 1 and 2. */
  private void bothAcceptedAndReceivedInOrder() {
    accepted(0);
    accepted(1);
    received(0, 1, false);
    received(1, 2, false);
  }

  private List<String> verdict() {
    return FaultScenario.ledgerFailures(ledger.tally(0, 2), ledger.receipts(0, 2), List.of());
  }

  @Test
  void aRunWhoseMessagesWereEachReceivedAtOneSequencePasses() {
    bothAcceptedAndReceivedInOrder();
    received(1, 2, true); // a flagged repeat of the same item: at least once, allowed
    assertEquals(List.of(), verdict());
  }

  @Test
  void aMessageReceivedAtTwoSequencesFailsTheRunAsStoredTwice() {
    bothAcceptedAndReceivedInOrder();
    received(1, 3, true); // flagged, so no unflagged duplicate: only stored twice
    assertEquals(1, ledger.receipts(0, 2).storedTwice());
    assertEquals(0, ledger.receipts(0, 2).unflaggedRepeats());
    List<String> failures = verdict();
    assertEquals(1, failures.size(), failures.toString());
    assertTrue(failures.get(0).startsWith("stored-twice=1"), failures.get(0));
  }

  @Test
  void aLostMessageAndAnUnflaggedRepeatEachFailTheRun() {
    accepted(0);
    accepted(1);
    received(0, 1, false);
    received(0, 1, false); // the same item again, unflagged
    List<String> failures = verdict();
    assertEquals(2, failures.size(), failures.toString());
    assertTrue(failures.get(0).startsWith("lost=1"), failures.toString());
    assertTrue(failures.get(1).startsWith("dup-unflagged=1"), failures.toString());
  }
}
