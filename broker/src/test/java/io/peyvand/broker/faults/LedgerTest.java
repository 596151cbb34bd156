package io.peyvand.broker.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.peyvand.protocol.v1.Delivery;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.UserAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ledger's rules: lost, and flagged against unflagged repeats whatever their order. */
class LedgerTest {

  private static Delivery delivery(String id, long sequence, boolean redelivery) {
    UserAddress bob = UserAddress.newBuilder().setPlatformId("bale").setUserId("bob").build();
    return Delivery.newBuilder()
        .setMailbox(bob)
        .setSequence(sequence)
        .setRedelivery(redelivery)
        .setMessage(Envelope.newBuilder().setMessageId(id).setRecipient(bob))
        .build();
  }

  @Test
  void anAcceptedMessageNeverReceivedIsLostAndAnUnansweredOneIsNot() {
    Ledger ledger = Ledger.start();
    ledger.accepted(ledger.created("a", "bale:bob"), false);
    ledger.accepted(ledger.created("b", "bale:bob"), true);
    ledger.created("c", "bale:bob");
    ledger.received(delivery("b", 2, false));
    Ledger.Figures f = ledger.figures();
    assertEquals(1, f.lost());
    assertEquals(List.of("a->bale:bob"), f.lostSample());
    assertEquals(1, f.neverAnswered());
    assertEquals(1, f.duplicateAnswered());
  }

  @Test
  void aFlaggedCopyArrivingBeforeTheUnflaggedOriginalIsAFlaggedDuplicate() {
    Ledger ledger = Ledger.start();
    ledger.accepted(ledger.created("a", "bale:bob"), false);
    // The copy pushed to the new session overtakes the original of the session that ended.
    ledger.received(delivery("a", 1, true));
    ledger.received(delivery("a", 1, false));
    ledger.received(delivery("a", 1, true));
    Ledger.Figures f = ledger.figures();
    assertEquals(1, f.dupFlagged());
    assertEquals(0, f.dupUnflagged());
    assertEquals(0, f.lost());
  }

  @Test
  void everyUnflaggedReceiptAfterTheFirstIsAnUnflaggedDuplicate() {
    Ledger ledger = Ledger.start();
    ledger.accepted(ledger.created("a", "bale:bob"), false);
    ledger.received(delivery("a", 1, false));
    ledger.received(delivery("a", 1, false));
    ledger.received(delivery("a", 1, false));
    assertEquals(2, ledger.figures().dupUnflagged());
  }

  @Test
  void oneMessageStoredAtTwoSequencesIsCaughtAsUnflaggedAndStoredTwice() {
    Ledger ledger = Ledger.start();
    ledger.accepted(ledger.created("a", "bale:bob"), false);
    ledger.received(delivery("a", 1, false));
    ledger.received(delivery("a", 7, false));
    Ledger.Figures f = ledger.figures();
    assertEquals(1, f.dupUnflagged());
    assertEquals(1, f.storedTwice());
  }
}
