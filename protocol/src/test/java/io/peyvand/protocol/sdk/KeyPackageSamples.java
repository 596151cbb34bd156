package io.peyvand.protocol.sdk;

import com.google.protobuf.ByteString;
import io.peyvand.protocol.tls.KeyMaterial;
import io.peyvand.protocol.transparency.KeyLogs;
import io.peyvand.protocol.transparency.MerkleTree;
import io.peyvand.protocol.transparency.TreeHeads;
import io.peyvand.protocol.v1.AuditRecord;
import io.peyvand.protocol.v1.ClaimKeyPackagesResult;
import io.peyvand.protocol.v1.ClaimedKeyPackage;
import io.peyvand.protocol.v1.KeyPackageInfo;
import io.peyvand.protocol.v1.SignedTreeHead;
import io.peyvand.protocol.v1.UserAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A claim as the broker answers it, built here: two of bale:bob's KeyPackages (ts-mls's, from
 * {@code mls/}) published at entries 1 and 3 of a five-entry transparency log, each with its
 * inclusion proof, and the log's head signed by a broker certificate of the test CA ({@code keys/},
 * see its README).
 */
public final class KeyPackageSamples {
  private static final HexFormat HEX = HexFormat.of();

  /** bale:bob's phone (suite 1) and laptop (suite 2) KeyPackages, in the claim's order. */
  public static final List<ByteString> KEY_PACKAGES =
      List.of(
          resource("/mls/kp-bale-bob-phone-s1.bin"), resource("/mls/kp-bale-bob-laptop-s2.bin"));

  /** The user they are bob's: the claim's target. */
  public static final UserAddress TARGET =
      UserAddress.newBuilder().setPlatformId("bale").setUserId("bob").build();

  /** The log indexes of their publications. */
  public static final List<Long> LOG_INDEXES = List.of(1L, 3L);

  public static final long TREE_SIZE = 5;

  private KeyPackageSamples() {}

  /** What the directory knows of KEY_PACKAGES[i]: made-up reference and client, its suite. */
  public static KeyPackageInfo info(int i) {
    return KeyPackageInfo.newBuilder()
        .setReference(
            ByteString.copyFrom(sha256(("reference " + i).getBytes(StandardCharsets.UTF_8))))
        .setClient(ByteString.copyFrom(sha256(("client " + i).getBytes(StandardCharsets.UTF_8))))
        .setCipherSuite(i + 1)
        .setNotBefore(1_700_000_000L)
        .setNotAfter(4_000_000_000L)
        .setLastResort(i == 1)
        .setLogIndex(LOG_INDEXES.get(i))
        .build();
  }

  /** The log's entries: a publication of each KeyPackage among other entries. */
  public static List<byte[]> entries() {
    List<byte[]> entries = new ArrayList<>();
    for (int index = 0; index < TREE_SIZE; index++) {
      int published = LOG_INDEXES.indexOf((long) index);
      AuditRecord.Builder entry =
          AuditRecord.newBuilder().setIndex(index).setAtMs(1_700_000_000_000L + index);
      if (published >= 0) {
        entry
            .setActor("broker")
            .setAction(KeyPackageProofs.PUBLISHED)
            .setSubject(
                "bale:bob key_package="
                    + HEX.formatHex(info(published).getReference().toByteArray())
                    + " sha256="
                    + HEX.formatHex(sha256(KEY_PACKAGES.get(published).toByteArray())))
            .setOutcome("stored");
      } else {
        entry
            .setActor("broker")
            .setAction(KeyLogs.WITHDRAWN)
            .setSubject(
                KeyLogs.subject(
                    "bale:carol",
                    HEX.formatHex(sha256(("withdrawn " + index).getBytes(StandardCharsets.UTF_8))),
                    Optional.empty()))
            .setOutcome("removed");
      }
      entries.add(entry.build().toByteArray());
    }
    return entries;
  }

  /** The root of the log of {@link #entries()}. */
  public static byte[] root() {
    return MerkleTree.root(entries().stream().map(MerkleTree::leafHash).toList(), (int) TREE_SIZE);
  }

  /** The claim's answer: both KeyPackages with their proofs, and the signed head. */
  public static ClaimKeyPackagesResult claim() {
    List<byte[]> entries = entries();
    List<byte[]> hashes = entries.stream().map(MerkleTree::leafHash).toList();
    ClaimKeyPackagesResult.Builder result =
        ClaimKeyPackagesResult.newBuilder()
            .setSignedTreeHead(head(MerkleTree.root(hashes, (int) TREE_SIZE)).toByteString());
    for (int i = 0; i < KEY_PACKAGES.size(); i++) {
      int index = LOG_INDEXES.get(i).intValue();
      ClaimedKeyPackage.Builder claimed =
          ClaimedKeyPackage.newBuilder()
              .setKeyPackage(KEY_PACKAGES.get(i))
              .setInfo(info(i))
              .setLogEntry(ByteString.copyFrom(entries.get(index)))
              .setTreeSize(TREE_SIZE);
      MerkleTree.inclusionProof(hashes, index, (int) TREE_SIZE)
          .forEach(node -> claimed.addInclusionPath(ByteString.copyFrom(node)));
      result.addKeyPackages(claimed);
    }
    return result.build();
  }

  /** A head of TREE_SIZE entries over {@code root}, signed by the test broker's key. */
  public static SignedTreeHead head(byte[] root) {
    return head(KeyLogs.logId("bale"), TREE_SIZE, 1_700_000_000_500L, root);
  }

  /** A head of any log, signed by the test broker's key. */
  public static SignedTreeHead head(String logId, long treeSize, long timestampMs, byte[] root) {
    X509Certificate certificate =
        KeyMaterial.trustAnchors(file("/keys/test-broker.crt"), new char[0]).get(0);
    return TreeHeads.sign(
        logId,
        treeSize,
        timestampMs,
        root,
        brokerKey(),
        certificate.getPublicKey(),
        Optional.of(certificate));
  }

  /** The test CA's certificate file, which issued the head's signer. */
  public static Path caFile() {
    return file("/keys/test-ca.crt");
  }

  public static X509Certificate ca() {
    return KeyMaterial.trustAnchors(caFile(), new char[0]).get(0);
  }

  /** The broker certificate's file: a certificate, but not a CA that issued anyone here. */
  public static Path notTheCaFile() {
    return file("/keys/test-broker.crt");
  }

  private static PrivateKey brokerKey() {
    try {
      String pem = Files.readString(file("/keys/test-broker.pk8"));
      byte[] der =
          Base64.getMimeDecoder()
              .decode(pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").strip());
      return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the test broker's key", e);
    }
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static ByteString resource(String name) {
    try {
      return ByteString.copyFrom(Files.readAllBytes(file(name)));
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the test resource " + name, e);
    }
  }

  private static Path file(String name) {
    try {
      return Path.of(KeyPackageSamples.class.getResource(name).toURI());
    } catch (Exception e) {
      throw new IllegalStateException("no test resource " + name, e);
    }
  }
}
