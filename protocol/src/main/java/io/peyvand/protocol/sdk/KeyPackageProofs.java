package io.peyvand.protocol.sdk;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.peyvand.protocol.Addresses;
import io.peyvand.protocol.transparency.KeyLogs;
import io.peyvand.protocol.transparency.MerkleTree;
import io.peyvand.protocol.transparency.TreeHeads;
import io.peyvand.protocol.v1.AuditRecord;
import io.peyvand.protocol.v1.ClaimKeyPackagesResult;
import io.peyvand.protocol.v1.ClaimedKeyPackage;
import io.peyvand.protocol.v1.SignedTreeHead;
import io.peyvand.protocol.v1.UserAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The claiming client's check of a claimed KeyPackage (PROTOCOL.md §18.3): that it is the one the
 * user's platform published, not a substitute from the directory. Its publication's log entry must
 * name the user claimed, its SHA-256 and its KeyPackageRef, and be included at its log index in the
 * tree of the signed tree head, which must be the head of the key log of the user's platform (the
 * log that platform monitors); with a CA, the head must be signed by a broker certificate of that
 * CA. Pure: no call is made, so a client can check what any broker node handed it.
 */
public final class KeyPackageProofs {
  /** The log entry's action for a publication (PROTOCOL.md §18.3). */
  public static final String PUBLISHED = KeyLogs.PUBLISHED;

  private static final HexFormat HEX = HexFormat.of();

  private KeyPackageProofs() {}

  /** The signed tree head of a claim's answer, or an IllegalArgumentException saying why not. */
  public static SignedTreeHead head(ClaimKeyPackagesResult result) {
    try {
      return SignedTreeHead.parseFrom(result.getSignedTreeHead());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(
          "the claim's signed_tree_head is not a SignedTreeHead: " + e.getMessage(), e);
    }
  }

  /**
   * What is wrong with {@code claimed}, claimed for {@code target}, and its proof in the tree of
   * {@code head}, empty when it verifies. The head itself is taken as given: check its signature
   * with {@link #verify(ClaimedKeyPackage, SignedTreeHead, UserAddress, Optional)}.
   */
  public static List<String> verify(
      ClaimedKeyPackage claimed, SignedTreeHead head, UserAddress target) {
    List<String> problems = new ArrayList<>();
    String logId = KeyLogs.logId(target.getPlatformId());
    if (!head.getLogId().equals(logId)) {
      problems.add(
          "the tree head is of log \""
              + head.getLogId()
              + "\", not \""
              + logId
              + "\", the one "
              + target.getPlatformId()
              + " monitors");
    }
    AuditRecord entry;
    try {
      entry = AuditRecord.parseFrom(claimed.getLogEntry());
    } catch (InvalidProtocolBufferException e) {
      problems.add("log_entry is not an AuditRecord: " + e.getMessage());
      return problems;
    }
    long index = claimed.getInfo().getLogIndex();
    if (!entry.getAction().equals(PUBLISHED)) {
      problems.add(
          "log_entry's action is \"" + entry.getAction() + "\", not \"" + PUBLISHED + "\"");
    }
    if (entry.getIndex() != index) {
      problems.add(
          "log_entry is the log's entry " + entry.getIndex() + ", not info.log_index " + index);
    }
    // The entry's parts as the key log writes them (KeyLogs.subject): who, which, its SHA-256.
    Optional<KeyLogs.Subject> named = KeyLogs.subject(entry);
    String user = Addresses.format(target);
    if (!named.map(KeyLogs.Subject::user).equals(Optional.of(user))) {
      problems.add(
          "log_entry names "
              + named.map(KeyLogs.Subject::user).orElse("no user")
              + ", not "
              + user
              + ": \""
              + entry.getSubject()
              + "\"");
    }
    String sha256 = HEX.formatHex(sha256(claimed.getKeyPackage()));
    if (!named.flatMap(KeyLogs.Subject::sha256).equals(Optional.of(sha256))) {
      problems.add(
          "the SHA-256 of key_package (sha256="
              + sha256
              + ") is not the one log_entry names: \""
              + entry.getSubject()
              + "\"");
    }
    String reference = HEX.formatHex(claimed.getInfo().getReference().toByteArray());
    if (!named.map(KeyLogs.Subject::reference).equals(Optional.of(reference))) {
      problems.add(
          "info.reference (key_package="
              + reference
              + ") is not the one log_entry names: \""
              + entry.getSubject()
              + "\"");
    }
    if (claimed.getTreeSize() != head.getTreeSize()) {
      problems.add(
          "the proof is for a tree of "
              + claimed.getTreeSize()
              + " entries but the head's has "
              + head.getTreeSize());
    }
    List<byte[]> path =
        claimed.getInclusionPathList().stream().map(ByteString::toByteArray).toList();
    if (!MerkleTree.verifyInclusion(
        MerkleTree.leafHash(claimed.getLogEntry().toByteArray()),
        index,
        head.getTreeSize(),
        path,
        head.getRootHash().toByteArray())) {
      problems.add(
          "the inclusion proof of log_entry at index "
              + index
              + " does not lead to the head's root (tree of "
              + head.getTreeSize()
              + " entries)");
    }
    return problems;
  }

  /**
   * As {@link #verify(ClaimedKeyPackage, SignedTreeHead, UserAddress)}, and the head's own problems
   * ({@link TreeHeads#problems}): its signature, and with {@code ca} its signer's certificate
   * issued by that CA. Without a CA, anyone's key could have signed the head.
   */
  public static List<String> verify(
      ClaimedKeyPackage claimed,
      SignedTreeHead head,
      UserAddress target,
      Optional<X509Certificate> ca) {
    List<String> problems = new ArrayList<>();
    TreeHeads.problems(head, ca).forEach(problem -> problems.add("the tree head: " + problem));
    problems.addAll(verify(claimed, head, target));
    return problems;
  }

  private static byte[] sha256(ByteString bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
