package io.peyvand.broker.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PendingRegistrationTest {
  private final PendingRegistration<String> index = new PendingRegistration<>();
  private final List<String> replies = new ArrayList<>();

  @Test
  void aReplyWaitsForEveryKeyItNeedsAndEachKeyIsWrittenOnce() {
    assertEquals(
        Set.of("bale", "eitaa"),
        index.whenRegistered(Set.of("bale", "eitaa"), () -> replies.add("first")));
    assertEquals(
        Set.of(),
        index.whenRegistered(Set.of("bale"), () -> replies.add("second")),
        "bale is being written already");
    index.written("bale", true).forEach(Runnable::run);
    assertEquals(List.of("second"), replies, "the first still waits for eitaa");
    index.written("eitaa", true).forEach(Runnable::run);
    assertEquals(List.of("second", "first"), replies);
    assertEquals(Set.of(), index.whenRegistered(Set.of("bale"), () -> replies.add("third")));
    assertEquals(List.of("second", "first", "third"), replies, "registered: at once");
  }

  @Test
  void aReplyNeedingNoKeyRunsAtOnce() {
    assertEquals(Set.of(), index.whenRegistered(Set.of(), () -> replies.add("now")));
    assertEquals(List.of("now"), replies);
  }

  @Test
  void aFailedWriteKeepsTheRepliesWaitingUntilAWriteSucceeds() {
    index.whenRegistered(Set.of("bale"), () -> replies.add("accepted"));
    assertEquals(List.of(), index.written("bale", false));
    assertFalse(index.isRegistered("bale"));
    assertEquals(Set.of("bale"), index.toRegister(Set.of("bale")), "written again on retry");
    index.written("bale", true).forEach(Runnable::run);
    assertEquals(List.of("accepted"), replies);
  }

  @Test
  void onlyRegisteredKeysNoLongerOwedAreUnregistered() {
    index.toRegister(Set.of("bale", "eitaa", "rubika"));
    index.written("bale", true);
    index.written("eitaa", true);
    assertEquals(
        Set.of("bale"),
        index.toUnregister(Set.of("eitaa", "rubika")),
        "rubika is still being written; eitaa is owed");
    assertFalse(index.isRegistered("bale"));
    assertTrue(index.isRegistered("eitaa"));
    assertEquals(Set.of("bale"), index.toRegister(Set.of("bale")), "registered again when owed");
  }
}
