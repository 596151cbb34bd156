package io.peyvand.protocol.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.peyvand.protocol.tls.KeyMaterial;
import io.peyvand.protocol.transparency.KeyLogs;
import io.peyvand.protocol.v1.AuditRecord;
import io.peyvand.protocol.v1.ClaimKeyPackagesResult;
import io.peyvand.protocol.v1.ClaimedKeyPackage;
import io.peyvand.protocol.v1.KeyPackageInfo;
import io.peyvand.protocol.v1.SignedTreeHead;
import io.peyvand.protocol.v1.UserAddress;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A claimed KeyPackage verifies against the head only as published: other bytes, another log entry,
 * index, path or tree, or a head signed by a key the CA did not certify, are each a problem.
 */
class KeyPackageProofsTest {
  private final ClaimKeyPackagesResult claim = KeyPackageSamples.claim();
  private final SignedTreeHead head = KeyPackageProofs.head(claim);
  private static final UserAddress BOB = KeyPackageSamples.TARGET;

  private static void assertOneProblem(List<String> problems, String containing) {
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(0).contains(containing), problems.get(0));
  }

  @Test
  void eachClaimedKeyPackageVerifiesWithAndWithoutTheCa() {
    assertEquals(2, claim.getKeyPackagesCount());
    for (ClaimedKeyPackage claimed : claim.getKeyPackagesList()) {
      assertEquals(List.of(), KeyPackageProofs.verify(claimed, head, BOB));
      assertEquals(List.of(), KeyPackageProofs.verify(claimed, head, BOB, Optional.empty()));
      assertEquals(
          List.of(),
          KeyPackageProofs.verify(claimed, head, BOB, Optional.of(KeyPackageSamples.ca())));
    }
  }

  /** The first KeyPackage claimed, with {@code change} made to its info. */
  private ClaimedKeyPackage withInfo(Consumer<KeyPackageInfo.Builder> change) {
    ClaimedKeyPackage.Builder claimed = claim.getKeyPackages(0).toBuilder();
    change.accept(claimed.getInfoBuilder());
    return claimed.build();
  }

  @Test
  void anotherKeyPackageThanTheOnePublishedIsAProblem() {
    ClaimedKeyPackage substituted =
        claim.getKeyPackages(0).toBuilder()
            .setKeyPackage(KeyPackageSamples.KEY_PACKAGES.get(1))
            .build();
    assertOneProblem(KeyPackageProofs.verify(substituted, head, BOB), "the SHA-256 of key_package");
  }

  @Test
  void anotherReferenceThanTheOneLoggedIsAProblem() {
    ClaimedKeyPackage renamed =
        withInfo(info -> info.setReference(ByteString.copyFromUtf8("other")));
    assertOneProblem(KeyPackageProofs.verify(renamed, head, BOB), "info.reference");
  }

  @Test
  void anotherIndexIsAProblemOfTheEntryAndOfTheProof() {
    ClaimedKeyPackage moved = withInfo(info -> info.setLogIndex(2));
    List<String> problems = KeyPackageProofs.verify(moved, head, BOB);
    assertEquals(2, problems.size(), problems.toString());
    assertTrue(problems.get(0).contains("not info.log_index 2"), problems.get(0));
    assertTrue(problems.get(1).contains("inclusion proof"), problems.get(1));
  }

  @Test
  void aTamperedPathIsAProblem() {
    ClaimedKeyPackage claimed = claim.getKeyPackages(1);
    byte[] node = claimed.getInclusionPath(0).toByteArray();
    node[0] ^= 1;
    ClaimedKeyPackage tampered =
        claimed.toBuilder().setInclusionPath(0, ByteString.copyFrom(node)).build();
    assertOneProblem(
        KeyPackageProofs.verify(tampered, head, BOB), "does not lead to the head's root");
    ClaimedKeyPackage shortened = claimed.toBuilder().clearInclusionPath().build();
    assertOneProblem(KeyPackageProofs.verify(shortened, head, BOB), "inclusion proof");
  }

  @Test
  void anEntryThatIsNotAPublicationIsAProblem() throws Exception {
    ClaimedKeyPackage claimed = claim.getKeyPackages(0);
    AuditRecord withdrawn =
        AuditRecord.parseFrom(claimed.getLogEntry()).toBuilder()
            .setAction("key-package-withdrawn")
            .build();
    List<String> problems =
        KeyPackageProofs.verify(
            claimed.toBuilder().setLogEntry(withdrawn.toByteString()).build(), head, BOB);
    assertTrue(problems.get(0).contains("\"key-package-withdrawn\""), problems.toString());
    assertTrue(problems.get(1).contains("inclusion proof"), "another leaf: " + problems);

    List<String> garbage =
        KeyPackageProofs.verify(
            claimed.toBuilder().setLogEntry(ByteString.copyFrom(new byte[] {(byte) 0xff})).build(),
            head,
            BOB);
    assertOneProblem(garbage, "log_entry is not an AuditRecord");
  }

  @Test
  void aProofOfAnotherTreeSizeIsAProblem() {
    ClaimedKeyPackage claimed = claim.getKeyPackages(0).toBuilder().setTreeSize(4).build();
    assertOneProblem(KeyPackageProofs.verify(claimed, head, BOB), "a tree of 4 entries");
  }

  @Test
  void aHeadThatIsNotTheSignedOneOrNotOfTheCaIsAProblemWhenTheHeadIsChecked() {
    ClaimedKeyPackage claimed = claim.getKeyPackages(0);
    SignedTreeHead later = head.toBuilder().setTimestampMs(head.getTimestampMs() + 1).build();
    assertEquals(
        List.of(), KeyPackageProofs.verify(claimed, later, BOB), "the head taken as given");
    assertOneProblem(
        KeyPackageProofs.verify(claimed, later, BOB, Optional.empty()),
        "the tree head: the signature");

    var notTheCa = KeyMaterial.trustAnchors(KeyPackageSamples.notTheCaFile(), new char[0]).get(0);
    assertOneProblem(
        KeyPackageProofs.verify(claimed, head, BOB, Optional.of(notTheCa)),
        "is not a valid certificate of the CA");
  }

  @Test
  void aProofInAnotherPlatformsLogOrOfAnotherUserIsAProblem() {
    ClaimedKeyPackage claimed = claim.getKeyPackages(0);
    // The same entry in a log its platform does not monitor: the signed head of another log.
    SignedTreeHead otherLog = head.toBuilder().setLogId(KeyLogs.logId("eitaa")).build();
    assertOneProblem(KeyPackageProofs.verify(claimed, otherLog, BOB), "not \"peyvand-keys:bale\"");
    // Bob's KeyPackage, handed out as carol's.
    UserAddress carol = UserAddress.newBuilder().setPlatformId("bale").setUserId("carol").build();
    assertOneProblem(
        KeyPackageProofs.verify(claimed, head, carol), "names bale:bob, not bale:carol");
  }

  @Test
  void aHeadThatDoesNotParseIsSaidToBeOne() {
    ClaimKeyPackagesResult broken =
        claim.toBuilder().setSignedTreeHead(ByteString.copyFrom(new byte[] {(byte) 0xff})).build();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> KeyPackageProofs.head(broken));
    assertTrue(e.getMessage().contains("signed_tree_head"), e.getMessage());
  }
}
