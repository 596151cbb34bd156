package io.peyvand.protocol.sdk;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.peyvand.protocol.transparency.CompactRange;
import io.peyvand.protocol.transparency.KeyLogs;
import io.peyvand.protocol.transparency.MerkleTree;
import io.peyvand.protocol.transparency.TreeHeads;
import io.peyvand.protocol.v1.AuditRecord;
import io.peyvand.protocol.v1.SignedTreeHead;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A platform's watch on its own key log (PROTOCOL.md §18.3): it takes the log's entries in order
 * with the signed head they lead to, and checks that the head is signed (by a broker certificate of
 * the CA, when given), is of this platform's log, and covers exactly the entries seen, every one
 * naming a user of this platform. It keeps only the right edge of the tree ({@link CompactRange}),
 * so it follows a log of any length; a head that does not extend what it saw before (a log that was
 * rewritten, or shown differently to someone else) can never verify.
 *
 * <p>What it cannot know is which KeyPackages the platform published: the platform compares each
 * {@link KeyLogs#PUBLISHED} entry's SHA-256 with its own record ({@link #advance} hands the new
 * entries back for that). One that it did not publish is a key the directory could hand out for its
 * user: a substitution. {@link KeyPackageCalls#follow} fetches and checks in one call. Not
 * thread-safe: one caller advances it.
 */
public final class KeyLogMonitor {
  private final String platformId;
  private final Optional<X509Certificate> ca;
  private CompactRange range = new CompactRange();
  private SignedTreeHead head;

  /**
   * @param platformId the platform whose key log this is
   * @param ca the interconnect's CA, which must have issued the heads' signers (empty: the
   *     signature alone is checked, and anyone's key could have made it)
   */
  public KeyLogMonitor(String platformId, Optional<X509Certificate> ca) {
    this.platformId = platformId;
    this.ca = ca;
  }

  public String platformId() {
    return platformId;
  }

  /** How many entries it has verified: where the next {@link #advance} starts. */
  public long size() {
    return range.size();
  }

  /** The last head it verified. */
  public Optional<SignedTreeHead> head() {
    return Optional.ofNullable(head);
  }

  /** What an {@link #advance} found: the new entries, in order, or the problems. */
  public record Advance(long treeSize, List<AuditRecord> entries, List<String> problems) {
    public boolean verified() {
      return problems.isEmpty();
    }
  }

  /**
   * Takes {@code leaves}, the log's entries from {@link #size()} on, and {@code next}, the head
   * they lead to. When it verifies, the monitor moves to the head and answers the entries; when
   * not, it stays where it was and answers the problems.
   */
  public Advance advance(SignedTreeHead next, List<ByteString> leaves) {
    List<String> problems = new ArrayList<>();
    TreeHeads.problems(next, ca).forEach(p -> problems.add("the tree head: " + p));
    String logId = KeyLogs.logId(platformId);
    if (!next.getLogId().equals(logId)) {
      problems.add("the tree head is of log \"" + next.getLogId() + "\", not \"" + logId + "\"");
    }
    long start = range.size();
    if (next.getTreeSize() != start + leaves.size()) {
      problems.add(
          "the tree head covers "
              + next.getTreeSize()
              + " entries, but "
              + start
              + " were seen before and "
              + leaves.size()
              + " are given");
    }
    if (head != null && next.getTimestampMs() < head.getTimestampMs()) {
      problems.add("the tree head is older than the one seen before");
    }
    CompactRange tried = range.copy();
    List<AuditRecord> entries = new ArrayList<>();
    for (int i = 0; i < leaves.size(); i++) {
      byte[] leaf = leaves.get(i).toByteArray();
      tried.append(MerkleTree.leafHash(leaf));
      entryProblem(start + i, leaf, entries).ifPresent(problems::add);
    }
    if (problems.isEmpty() && !MerkleTree.same(tried.root(), next.getRootHash().toByteArray())) {
      problems.add(
          "the entries do not lead to the tree head's root: the log is not the one seen before,"
              + " or not the one the head was signed for");
    }
    if (!problems.isEmpty()) {
      return new Advance(next.getTreeSize(), List.of(), problems);
    }
    range = tried;
    head = next;
    return new Advance(next.getTreeSize(), List.copyOf(entries), List.of());
  }

  private Optional<String> entryProblem(long index, byte[] leaf, List<AuditRecord> entries) {
    AuditRecord entry;
    try {
      entry = AuditRecord.parseFrom(leaf);
    } catch (InvalidProtocolBufferException e) {
      return Optional.of("entry " + index + " is not an AuditRecord");
    }
    entries.add(entry);
    if (entry.getIndex() != index) {
      return Optional.of("entry " + index + " names index " + entry.getIndex());
    }
    Optional<KeyLogs.Subject> subject = KeyLogs.subject(entry);
    if (subject.isEmpty()) {
      return Optional.of(
          "entry " + index + " names no user and KeyPackage: \"" + entry.getSubject() + "\"");
    }
    if (!subject.get().platformId().equals(platformId)) {
      return Optional.of(
          "entry " + index + " names " + subject.get().user() + ", not a user of " + platformId);
    }
    return Optional.empty();
  }
}
