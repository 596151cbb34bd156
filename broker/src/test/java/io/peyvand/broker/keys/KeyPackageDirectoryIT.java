package io.peyvand.broker.keys;

import static io.peyvand.broker.keys.MlsFixtures.LAPTOP;
import static io.peyvand.broker.keys.MlsFixtures.LAST_RESORT;
import static io.peyvand.broker.keys.MlsFixtures.PHONE;
import static io.peyvand.broker.keys.MlsFixtures.fixture;
import static io.peyvand.broker.keys.MlsFixtures.hex;
import static io.peyvand.broker.keys.MlsFixtures.references;
import static io.peyvand.broker.keys.MlsFixtures.user;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.peyvand.broker.TestBroker;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import io.peyvand.protocol.sdk.DeliveryHandler;
import io.peyvand.protocol.sdk.KeyLogMonitor;
import io.peyvand.protocol.sdk.KeyPackageProofs;
import io.peyvand.protocol.sdk.PeyvandClient;
import io.peyvand.protocol.sdk.SubmitOutcome;
import io.peyvand.protocol.transparency.KeyLogs;
import io.peyvand.protocol.transparency.MerkleTree;
import io.peyvand.protocol.v1.AuditRecord;
import io.peyvand.protocol.v1.ClaimKeyPackagesRequest;
import io.peyvand.protocol.v1.ClaimKeyPackagesResult;
import io.peyvand.protocol.v1.ClaimedKeyPackage;
import io.peyvand.protocol.v1.ConsistencyProof;
import io.peyvand.protocol.v1.Delivery;
import io.peyvand.protocol.v1.EncryptedPayload;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.GetKeyLogEntriesRequest;
import io.peyvand.protocol.v1.GetKeyLogHeadRequest;
import io.peyvand.protocol.v1.KeyPackageDirectoryClient;
import io.peyvand.protocol.v1.KeyPackageOutcome;
import io.peyvand.protocol.v1.ListKeyPackagesRequest;
import io.peyvand.protocol.v1.PublishKeyPackagesRequest;
import io.peyvand.protocol.v1.PublishKeyPackagesResult;
import io.peyvand.protocol.v1.RemoveKeyPackagesRequest;
import io.peyvand.protocol.v1.SignedTreeHead;
import io.peyvand.protocol.v1.UserAddress;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The MLS key-package directory (PROTOCOL.md §18) against the real broker and Cassandra, over
 * mutual TLS, with real KeyPackages made by ts-mls (the protocol module's fixtures): bale publishes
 * bob's, eitaa claims them for alice with proofs that verify against the signed tree head, each
 * ordinary KeyPackage once and then the last-resort one; what is not bale's to publish is refused;
 * and an MLS Welcome and application messages cross unchanged as opaque content.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeyPackageDirectoryIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();

  private static final UserAddress BOB = user("bale", "bob");
  private static final UserAddress ALICE = user("eitaa", "alice");
  private static final UserAddress CAROL = user("bale", "carol");

  private TestBroker node;
  private KeyPackageDirectoryClient bale;
  private KeyPackageDirectoryClient eitaa;

  @BeforeAll
  void start() throws Exception {
    node = MlsFixtures.brokerWithMls("KeyPackageDirectoryIT", cassandra);
    bale = KeyPackageDirectoryClient.create(node.grpc("bale"), node.system());
    eitaa = KeyPackageDirectoryClient.create(node.grpc("eitaa"), node.system());
  }

  @AfterAll
  void stop() {
    bale.close();
    eitaa.close();
    node.close();
  }

  @Test
  void publishedKeyPackagesAreClaimedOnceEachWithProofsThenTheLastResortOne() throws Exception {
    PublishKeyPackagesResult published =
        await(
            bale.publish(
                PublishKeyPackagesRequest.newBuilder()
                    .setUser(BOB)
                    .addKeyPackages(fixture("kp-bale-bob-phone-s1.bin"))
                    .addKeyPackages(fixture("kp-bale-bob-laptop-s2.bin"))
                    .addKeyPackages(fixture("kp-bale-bob-last-resort-s1.bin"))
                    .addKeyPackages(fixture("kp-bale-carol-s1.bin"))
                    .build()));
    List<KeyPackageOutcome> outcomes = published.getOutcomesList();
    assertEquals(PHONE, hex(outcomes.get(0).getStored().getReference()));
    assertEquals(LAPTOP, hex(outcomes.get(1).getStored().getReference()));
    assertTrue(outcomes.get(2).getStored().getLastResort());
    for (int i = 0; i < 3; i++) {
      assertTrue(outcomes.get(i).getStored().getLogIndex() >= 0, "logged: " + outcomes.get(i));
    }
    assertEquals(
        ErrorCode.NOT_PERMITTED, outcomes.get(3).getRefused().getCode(), "carol's, for bob");

    ClaimKeyPackagesResult first = claim();
    assertEquals(Set.of(PHONE, LAPTOP, LAST_RESORT), references(first));
    for (ClaimedKeyPackage claimed : first.getKeyPackagesList()) {
      assertProven(claimed, first.getSignedTreeHead());
      // What the SDK checks for a claiming client, with the interconnect's CA.
      assertEquals(
          List.of(),
          KeyPackageProofs.verify(
              claimed,
              KeyPackageProofs.head(first),
              BOB,
              Optional.of(node.tls().ca().certificate())));
    }
    // The phone's and the laptop's ordinary KeyPackages are gone; the last-resort client's stays.
    assertEquals(Set.of(LAST_RESORT), references(claim()));
    assertEquals(Set.of(LAST_RESORT), references(claim()));

    // Suites asked: only suite 2 (the laptop's) is left... and it was handed out already.
    assertEquals(
        Set.of(),
        references(
            await(
                eitaa.claim(
                    ClaimKeyPackagesRequest.newBuilder()
                        .setClaimer(ALICE)
                        .setTarget(BOB)
                        .addCipherSuites(2)
                        .build()))));

    assertEquals(
        3,
        await(bale.list(ListKeyPackagesRequest.newBuilder().setUser(BOB).build()))
            .getKeyPackagesCount());
    assertEquals(
        3,
        await(bale.remove(RemoveKeyPackagesRequest.newBuilder().setUser(BOB).build()))
            .getRemoved());
    assertEquals(Set.of(), references(claim()));

    String metrics = node.tls().metrics(node);
    assertTrue(
        count(metrics, "peyvand_key_packages_total", "platform=\"bale\"", "change=\"claimed\"")
            >= 5,
        "3, then the last-resort one twice: " + metrics);
    assertTrue(
        count(metrics, "peyvand_key_package_claims_total", "platform=\"eitaa\"", "result=\"none\"")
            >= 2,
        "the claim in suite 2 and the one after the removal found none");
    assertTrue(
        count(metrics, "peyvand_key_packages_total", "platform=\"bale\"", "change=\"refused\"")
            >= 1,
        "carol's, for bob");
  }

  /** The value of the sample of {@code name} with both labels, in any order; 0 when none. */
  private static double count(String metrics, String name, String label, String other) {
    for (String line : metrics.split("\n")) {
      if (line.startsWith(name + "{") && line.contains(label) && line.contains(other)) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }

  /**
   * Key transparency from the platforms' side: bale follows its key log and finds every KeyPackage
   * it published for its users, and nothing of another platform's; eitaa's log holds nothing of
   * bale's; a claimer compares the head its claim returned with bale's later head through a
   * consistency proof; a platform reads no other platform's entries.
   */
  @Test
  void eachPlatformMonitorsItsOwnKeyLogAndClaimersCheckItOnlyGrew() throws Exception {
    ByteString carols = fixture("kp-bale-carol-s1.bin");
    KeyPackageOutcome stored =
        await(
                bale.publish(
                    PublishKeyPackagesRequest.newBuilder()
                        .setUser(CAROL)
                        .addKeyPackages(carols)
                        .build()))
            .getOutcomes(0);
    assertTrue(stored.hasStored(), stored.toString());
    String carolsSha256 =
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(carols.toByteArray()));
    X509Certificate ca = node.tls().ca().certificate();

    // Clients for unary calls only: they never open a session.
    try (PeyvandClient baleClient =
            node.sdk("bale").deliveryHandler(DeliveryHandler.of(d -> {})).build();
        PeyvandClient eitaaClient =
            node.sdk("eitaa").deliveryHandler(DeliveryHandler.of(d -> {})).build()) {
      KeyLogMonitor baleMonitor = new KeyLogMonitor("bale", Optional.of(ca));
      KeyLogMonitor.Advance seen = await(baleClient.keyPackages().follow(baleMonitor));
      assertEquals(List.of(), seen.problems());
      List<KeyLogs.Subject> publications =
          seen.entries().stream()
              .filter(e -> e.getAction().equals(KeyLogs.PUBLISHED))
              .map(e -> KeyLogs.subject(e).orElseThrow())
              .toList();
      assertTrue(
          publications.stream()
              .anyMatch(
                  p ->
                      p.user().equals("bale:carol")
                          && p.reference().equals(hex(stored.getStored().getReference()))
                          && p.sha256().equals(Optional.of(carolsSha256))),
          "carol's publication in bale's key log: " + publications);
      assertEquals(
          stored.getStored().getLogIndex(),
          seen.entries().stream()
              .filter(e -> e.getSubject().contains(carolsSha256))
              .findFirst()
              .orElseThrow()
              .getIndex());

      KeyLogMonitor eitaaMonitor = new KeyLogMonitor("eitaa", Optional.of(ca));
      KeyLogMonitor.Advance eitaas = await(eitaaClient.keyPackages().follow(eitaaMonitor));
      assertEquals(List.of(), eitaas.problems());
      assertTrue(
          eitaas.entries().stream().noneMatch(e -> e.getSubject().startsWith("bale:")),
          eitaas.entries().toString());

      // alice (eitaa) claims carol's and keeps the head; bale's log grows; eitaa checks that the
      // log it was proven against is a prefix of the one bale sees now.
      ClaimKeyPackagesResult claimed =
          await(
              eitaa.claim(
                  ClaimKeyPackagesRequest.newBuilder().setClaimer(ALICE).setTarget(CAROL).build()));
      assertEquals(1, claimed.getKeyPackagesCount());
      SignedTreeHead then = KeyPackageProofs.head(claimed);
      assertEquals(KeyLogs.logId("bale"), then.getLogId());
      assertEquals(
          List.of(),
          KeyPackageProofs.verify(claimed.getKeyPackages(0), then, CAROL, Optional.of(ca)));
      await(bale.remove(RemoveKeyPackagesRequest.newBuilder().setUser(CAROL).build()));
      SignedTreeHead now = awaitLarger(eitaaClient, then.getTreeSize());
      assertEquals(then.getLogId(), now.getLogId());
      ConsistencyProof grew =
          await(
              eitaaClient
                  .keyPackages()
                  .proveLogConsistency("bale", then.getTreeSize(), now.getTreeSize()));
      assertTrue(
          MerkleTree.verifyConsistency(
              then.getTreeSize(),
              now.getTreeSize(),
              then.getRootHash().toByteArray(),
              now.getRootHash().toByteArray(),
              grew.getPathList().stream().map(ByteString::toByteArray).toList()),
          "bale's key log only grew between the claim's head and now");

      // bale sees carol's withdrawal next.
      KeyLogMonitor.Advance withdrawn = await(baleClient.keyPackages().follow(baleMonitor));
      assertEquals(List.of(), withdrawn.problems());
      assertTrue(
          withdrawn.entries().stream()
              .anyMatch(
                  e ->
                      e.getAction().equals(KeyLogs.WITHDRAWN)
                          && e.getSubject().startsWith("bale:carol ")),
          withdrawn.entries().toString());
    }

    // eitaa's certificate reads no other platform's entries, and no log of a platform that is not.
    StatusRuntimeException notTheirs =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                await(
                    eitaa.getKeyLogEntries(
                        GetKeyLogEntriesRequest.newBuilder().setPlatformId("bale").build())));
    assertEquals(Status.Code.PERMISSION_DENIED, notTheirs.getStatus().getCode());
    StatusRuntimeException unknown =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                await(
                    eitaa.getKeyLogHead(
                        GetKeyLogHeadRequest.newBuilder()
                            .setPlatformId("eitaa")
                            .setLogPlatformId("no-such-platform")
                            .build())));
    assertTrue(
        unknown.getStatus().getDescription().contains("no-such-platform"),
        unknown.getStatus().toString());
  }

  /** bale's key log's head, as eitaa reads it, once it covers more than {@code size} entries. */
  private static SignedTreeHead awaitLarger(PeyvandClient client, long size) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      SignedTreeHead head = await(client.keyPackages().logHead("bale"));
      if (head.getTreeSize() > size || System.nanoTime() > deadline) {
        assertTrue(head.getTreeSize() > size, "bale's key log grew: " + head);
        return head;
      }
      Thread.sleep(50);
    }
  }

  @Test
  void aPlatformCannotPublishForAnotherPlatformsUserNorAnExpiredOrMalformedKeyPackage()
      throws Exception {
    StatusRuntimeException notTheirs =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                await(
                    eitaa.publish(
                        PublishKeyPackagesRequest.newBuilder()
                            .setUser(BOB)
                            .addKeyPackages(fixture("kp-bale-bob-phone-s1.bin"))
                            .build())));
    assertEquals(Status.Code.PERMISSION_DENIED, notTheirs.getStatus().getCode());

    UserAddress frank = user("bale", "frank");
    List<KeyPackageOutcome> outcomes =
        await(
                bale.publish(
                    PublishKeyPackagesRequest.newBuilder()
                        .setUser(frank)
                        .addKeyPackages(fixture("kp-bale-frank-expired-s1.bin"))
                        .addKeyPackages(ByteString.copyFrom(new byte[] {0, 1, 0, 5, 0, 1}))
                        .build()))
            .getOutcomesList();
    assertTrue(outcomes.get(0).getRefused().getMessage().contains("expired"), outcomes.toString());
    assertEquals(ErrorCode.INVALID_ARGUMENT, outcomes.get(1).getRefused().getCode());
    assertTrue(
        outcomes.get(1).getRefused().getMessage().contains("malformed MLS"), outcomes.toString());
  }

  @Test
  void anMlsWelcomeAndApplicationMessagesCrossUnchanged() throws Exception {
    List<String> files = List.of("welcome.bin", "app-1-alice.bin", "app-2-alice.bin");
    ConcurrentLinkedQueue<Delivery> atBale = new ConcurrentLinkedQueue<>();
    try (PeyvandClient eitaaSession =
            node.sdk("eitaa")
                .sessionName("eitaa-mls")
                .deliveryHandler(DeliveryHandler.of(d -> {}))
                .build();
        PeyvandClient baleSession =
            node.sdk("bale")
                .sessionName("bale-mls")
                .deliveryHandler(DeliveryHandler.of(atBale::add))
                .build()) {
      eitaaSession.connect().toCompletableFuture().get(30, TimeUnit.SECONDS);
      baleSession.connect().toCompletableFuture().get(30, TimeUnit.SECONDS);
      for (String file : files) {
        SubmitOutcome outcome =
            eitaaSession
                .submit(
                    Envelope.newBuilder()
                        .setMessageId("mls-" + file.replace(".bin", ""))
                        .setSender(ALICE)
                        .setRecipient(BOB)
                        .setClientTimestampMs(System.currentTimeMillis())
                        .setEncrypted(
                            EncryptedPayload.newBuilder()
                                .setScheme("mls")
                                .setCiphertext(fixture(file)))
                        .build())
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        assertTrue(outcome instanceof SubmitOutcome.Accepted, file + ": " + outcome);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (messages(atBale).size() < files.size() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
    }
    List<Delivery> received = messages(atBale);
    assertEquals(files.size(), received.size(), "every MLS message delivered");
    for (int i = 0; i < files.size(); i++) {
      EncryptedPayload payload = received.get(i).getMessage().getEncrypted();
      assertEquals("mls", payload.getScheme());
      assertArrayEquals(fixture(files.get(i)).toByteArray(), payload.getCiphertext().toByteArray());
    }
  }

  private static List<Delivery> messages(ConcurrentLinkedQueue<Delivery> deliveries) {
    return deliveries.stream()
        .filter(Delivery::hasMessage)
        .collect(
            Collectors.toMap(
                d -> d.getMessage().getMessageId(),
                d -> d,
                (a, b) -> a,
                java.util.LinkedHashMap::new))
        .values()
        .stream()
        .toList();
  }

  /**
   * What a claiming client checks: the log entry names the KeyPackage's SHA-256, and the entry is
   * in the tree whose root the signed head gives.
   */
  private static void assertProven(ClaimedKeyPackage claimed, ByteString signedHead)
      throws Exception {
    AuditRecord entry = AuditRecord.parseFrom(claimed.getLogEntry());
    String sha256 =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256").digest(claimed.getKeyPackage().toByteArray()));
    assertEquals(KeyLogs.PUBLISHED, entry.getAction());
    assertEquals(KeyLogs.logId("bale"), SignedTreeHead.parseFrom(signedHead).getLogId());
    assertTrue(entry.getSubject().contains("bale:bob"), entry.getSubject());
    assertTrue(entry.getSubject().contains("sha256=" + sha256), entry.getSubject());
    assertEquals(claimed.getInfo().getLogIndex(), entry.getIndex());
    SignedTreeHead head = SignedTreeHead.parseFrom(signedHead);
    List<byte[]> path =
        claimed.getInclusionPathList().stream().map(ByteString::toByteArray).toList();
    assertTrue(
        MerkleTree.verifyInclusion(
            MerkleTree.leafHash(claimed.getLogEntry().toByteArray()),
            claimed.getInfo().getLogIndex(),
            head.getTreeSize(),
            path,
            head.getRootHash().toByteArray()),
        "the inclusion proof verifies against the signed head");
  }

  private ClaimKeyPackagesResult claim() throws Exception {
    return await(
        eitaa.claim(ClaimKeyPackagesRequest.newBuilder().setClaimer(ALICE).setTarget(BOB).build()));
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    try {
      return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StatusRuntimeException status) {
        throw status;
      }
      throw e;
    }
  }
}
