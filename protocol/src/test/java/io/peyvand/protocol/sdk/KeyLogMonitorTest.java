package io.peyvand.protocol.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.peyvand.protocol.transparency.KeyLogs;
import io.peyvand.protocol.transparency.MerkleTree;
import io.peyvand.protocol.v1.AuditRecord;
import io.peyvand.protocol.v1.SignedTreeHead;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The platform's watch on its key log: it follows the log head by head, and a head over a log that
 * is not the one it saw (a rewritten entry, another log, another platform's users) never verifies.
 */
class KeyLogMonitorTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final String BALE = KeyLogs.logId("bale");

  private static ByteString entry(long index, String user, String key) {
    return AuditRecord.newBuilder()
        .setIndex(index)
        .setAtMs(1_700_000_000_000L + index)
        .setActor("broker")
        .setAction(KeyLogs.PUBLISHED)
        .setSubject(
            KeyLogs.subject(
                user,
                HEX.formatHex(KeyPackageSamples.sha256(("ref " + key).getBytes())),
                Optional.of(HEX.formatHex(KeyPackageSamples.sha256(key.getBytes())))))
        .setOutcome("stored")
        .build()
        .toByteString();
  }

  private static List<ByteString> log(int size) {
    List<ByteString> log = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      log.add(entry(i, "bale:user-" + (i % 3), "key " + i));
    }
    return log;
  }

  private static SignedTreeHead head(String logId, List<ByteString> entries, long timestampMs) {
    List<byte[]> hashes = entries.stream().map(e -> MerkleTree.leafHash(e.toByteArray())).toList();
    return KeyPackageSamples.head(
        logId, entries.size(), timestampMs, MerkleTree.root(hashes, hashes.size()));
  }

  private static KeyLogMonitor monitor() {
    return new KeyLogMonitor("bale", Optional.of(KeyPackageSamples.ca()));
  }

  @Test
  void itFollowsTheLogHeadByHeadAndHandsBackTheNewEntries() {
    List<ByteString> log = log(7);
    KeyLogMonitor monitor = monitor();
    KeyLogMonitor.Advance first =
        monitor.advance(head(BALE, log.subList(0, 3), 1), log.subList(0, 3));
    assertEquals(List.of(), first.problems());
    assertEquals(3, first.entries().size());
    assertEquals(3, monitor.size());

    KeyLogMonitor.Advance second = monitor.advance(head(BALE, log, 2), log.subList(3, 7));
    assertEquals(List.of(), second.problems());
    assertEquals(
        List.of(3L, 4L, 5L, 6L), second.entries().stream().map(AuditRecord::getIndex).toList());
    assertEquals(7, monitor.size());
    assertEquals(7, monitor.head().orElseThrow().getTreeSize());

    KeyLogMonitor.Advance none = monitor.advance(head(BALE, log, 3), List.of());
    assertTrue(none.verified(), none.problems().toString());
    assertEquals(List.of(), none.entries());
  }

  @Test
  void aLogRewrittenBehindTheMonitorNeverVerifies() {
    List<ByteString> log = log(7);
    KeyLogMonitor monitor = monitor();
    assertTrue(monitor.advance(head(BALE, log.subList(0, 3), 1), log.subList(0, 3)).verified());

    // The directory puts a substitute at entry 1 (which the monitor saw as the real key) and
    // signs a head over the rewritten log: the new entries are genuine, the head is signed.
    List<ByteString> forked = new ArrayList<>(log);
    forked.set(1, entry(1, "bale:user-1", "the directory's own key"));
    KeyLogMonitor.Advance advance = monitor.advance(head(BALE, forked, 2), forked.subList(3, 7));
    assertEquals(1, advance.problems().size(), advance.problems().toString());
    assertTrue(advance.problems().get(0).contains("do not lead to the tree head's root"));
    assertEquals(3, monitor.size(), "the monitor stays where it was");

    // The true log still verifies after the refused fork.
    assertTrue(monitor.advance(head(BALE, log, 3), log.subList(3, 7)).verified());
  }

  @Test
  void aHeadOfAnotherLogOrAnEntryOfAnotherPlatformsUserIsAProblem() {
    List<ByteString> log = log(3);
    assertOneProblem(
        monitor().advance(head(KeyLogs.logId("eitaa"), log, 1), log), "not \"peyvand-keys:bale\"");

    List<ByteString> foreign = new ArrayList<>(log);
    foreign.set(2, entry(2, "eitaa:alice", "key 2"));
    assertOneProblem(
        monitor().advance(head(BALE, foreign, 1), foreign),
        "names eitaa:alice, not a user of bale");

    List<ByteString> misnumbered = new ArrayList<>(log);
    misnumbered.set(2, entry(5, "bale:user-2", "key 2"));
    assertOneProblem(monitor().advance(head(BALE, misnumbered, 1), misnumbered), "names index 5");
  }

  @Test
  void missingEntriesAHeadNotSignedOrAnOlderHeadAreProblems() {
    List<ByteString> log = log(5);
    assertOneProblem(
        monitor().advance(head(BALE, log, 1), log.subList(0, 4)), "covers 5 entries, but 0");

    SignedTreeHead unsigned = head(BALE, log, 1).toBuilder().setTimestampMs(9).build();
    assertOneProblem(monitor().advance(unsigned, log), "the tree head: the signature");

    KeyLogMonitor monitor = monitor();
    assertTrue(monitor.advance(head(BALE, log.subList(0, 2), 50), log.subList(0, 2)).verified());
    assertOneProblem(monitor.advance(head(BALE, log, 40), log.subList(2, 5)), "older");
  }

  private static void assertOneProblem(KeyLogMonitor.Advance advance, String part) {
    assertEquals(1, advance.problems().size(), advance.problems().toString());
    assertTrue(advance.problems().get(0).contains(part), advance.problems().toString());
    assertEquals(List.of(), advance.entries());
  }
}
