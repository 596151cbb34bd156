package io.peyvand.broker.keys;

import static io.peyvand.broker.keys.MlsFixtures.LAPTOP;
import static io.peyvand.broker.keys.MlsFixtures.LAST_RESORT;
import static io.peyvand.broker.keys.MlsFixtures.PHONE;
import static io.peyvand.broker.keys.MlsFixtures.fixture;
import static io.peyvand.broker.keys.MlsFixtures.hex;
import static io.peyvand.broker.keys.MlsFixtures.references;
import static io.peyvand.broker.keys.MlsFixtures.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.peyvand.broker.TestBroker;
import io.peyvand.broker.ingress.ws.RawWebSocket;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import io.peyvand.protocol.sdk.KeyPackageProofs;
import io.peyvand.protocol.transparency.KeyLogs;
import io.peyvand.protocol.transparency.TreeHeads;
import io.peyvand.protocol.v1.AuditEntries;
import io.peyvand.protocol.v1.AuditRecord;
import io.peyvand.protocol.v1.ClaimKeyPackagesRequest;
import io.peyvand.protocol.v1.ClaimKeyPackagesResult;
import io.peyvand.protocol.v1.ClaimedKeyPackage;
import io.peyvand.protocol.v1.ClientFrame;
import io.peyvand.protocol.v1.ConsistencyProof;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.GetKeyLogEntriesRequest;
import io.peyvand.protocol.v1.GetKeyLogHeadRequest;
import io.peyvand.protocol.v1.KeyPackageInfo;
import io.peyvand.protocol.v1.KeyPackageOutcome;
import io.peyvand.protocol.v1.KeyPackageRequest;
import io.peyvand.protocol.v1.KeyPackageResult;
import io.peyvand.protocol.v1.ListKeyPackagesRequest;
import io.peyvand.protocol.v1.Ping;
import io.peyvand.protocol.v1.ProveKeyLogConsistencyRequest;
import io.peyvand.protocol.v1.PublishKeyPackagesRequest;
import io.peyvand.protocol.v1.ServerFrame;
import io.peyvand.protocol.v1.SignedTreeHead;
import io.peyvand.protocol.v1.UserAddress;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The MLS key-package directory as session frames (ClientFrame.keys, ServerFrame.keys_result,
 * PROTOCOL.md §18.4) over WebSocket, against the real broker and Cassandra, with real KeyPackages
 * (the protocol module's fixtures): bale publishes bob's over its session and eitaa claims them for
 * alice over its own, with proofs that verify; a session acting for another platform's user or
 * another platform's log is refused NOT_PERMITTED, a request without a call INVALID_FRAME, and the
 * session goes on; bale reads its own key log over its session.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeyPackageFramesIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final UserAddress BOB = user("bale", "bob");
  private static final UserAddress CAROL = user("bale", "carol");
  private static final UserAddress ALICE = user("eitaa", "alice");

  private TestBroker node;

  @BeforeAll
  void start() throws Exception {
    node = MlsFixtures.brokerWithMls("KeyPackageFramesIT", cassandra);
  }

  @AfterAll
  void stop() {
    node.close();
  }

  @Test
  void balePublishesOverItsSessionAndEitaaClaimsOverItsOwnWithProofs() throws Exception {
    try (RawWebSocket bale = RawWebSocket.hello(node, "bale");
        RawWebSocket eitaa = RawWebSocket.hello(node, "eitaa")) {
      KeyPackageResult published =
          call(
              bale,
              KeyPackageRequest.newBuilder()
                  .setCorrelationId(101)
                  .setPublish(
                      PublishKeyPackagesRequest.newBuilder()
                          .setUser(BOB)
                          .addKeyPackages(fixture("kp-bale-bob-phone-s1.bin"))
                          .addKeyPackages(fixture("kp-bale-bob-laptop-s2.bin"))
                          .addKeyPackages(fixture("kp-bale-bob-last-resort-s1.bin"))));
      assertEquals(101, published.getCorrelationId());
      List<KeyPackageOutcome> outcomes = published.getPublished().getOutcomesList();
      assertEquals(3, outcomes.size(), published.toString());
      assertEquals(PHONE, hex(outcomes.get(0).getStored().getReference()));
      assertEquals(LAPTOP, hex(outcomes.get(1).getStored().getReference()));
      assertTrue(outcomes.get(2).getStored().getLastResort(), outcomes.toString());
      for (KeyPackageOutcome outcome : outcomes) {
        assertTrue(outcome.getStored().getLogIndex() >= 0, "logged: " + outcome);
      }

      KeyPackageResult claimed = claim(eitaa, 102);
      assertEquals(102, claimed.getCorrelationId());
      ClaimKeyPackagesResult first = claimed.getClaimed();
      assertEquals(Set.of(PHONE, LAPTOP, LAST_RESORT), references(first), claimed.toString());
      SignedTreeHead head = KeyPackageProofs.head(first);
      assertEquals(KeyLogs.logId("bale"), head.getLogId());
      for (ClaimedKeyPackage key : first.getKeyPackagesList()) {
        assertEquals(
            List.of(),
            KeyPackageProofs.verify(key, head, BOB, Optional.of(node.tls().ca().certificate())),
            "the claim's proofs verify with the interconnect's CA");
      }
      // Each ordinary KeyPackage was handed out once: the last-resort one is all that is left.
      assertEquals(Set.of(LAST_RESORT), references(claim(eitaa, 103).getClaimed()));

      KeyPackageResult listed =
          call(
              bale,
              KeyPackageRequest.newBuilder()
                  .setCorrelationId(104)
                  .setList(ListKeyPackagesRequest.newBuilder().setUser(BOB)));
      assertEquals(104, listed.getCorrelationId());
      Map<String, Boolean> handedOut = new HashMap<>();
      for (KeyPackageInfo info : listed.getListed().getKeyPackagesList()) {
        handedOut.put(hex(info.getReference()), info.getClaimed());
      }
      assertEquals(
          Map.of(PHONE, true, LAPTOP, true, LAST_RESORT, false), handedOut, listed.toString());
    }
  }

  @Test
  void aSessionActsForItsOwnPlatformOnlyAndARequestWithoutACallIsRefusedAndTheSessionGoesOn()
      throws Exception {
    try (RawWebSocket eitaa = RawWebSocket.hello(node, "eitaa")) {
      KeyPackageResult notTheirs =
          call(
              eitaa,
              KeyPackageRequest.newBuilder()
                  .setCorrelationId(201)
                  .setPublish(
                      PublishKeyPackagesRequest.newBuilder()
                          .setUser(BOB)
                          .addKeyPackages(fixture("kp-bale-bob-tablet-s2.bin"))));
      assertEquals(201, notTheirs.getCorrelationId());
      assertRefused(ErrorCode.NOT_PERMITTED, notTheirs, "bale:bob", "eitaa");
      assertPong(eitaa, 1);

      // Claiming for another platform's user is refused alike.
      KeyPackageResult claimForBale =
          call(
              eitaa,
              KeyPackageRequest.newBuilder()
                  .setCorrelationId(202)
                  .setClaim(ClaimKeyPackagesRequest.newBuilder().setClaimer(CAROL).setTarget(BOB)));
      assertEquals(202, claimForBale.getCorrelationId());
      assertRefused(ErrorCode.NOT_PERMITTED, claimForBale, "claimer", "bale:carol");

      KeyPackageResult empty = call(eitaa, KeyPackageRequest.newBuilder().setCorrelationId(203));
      assertEquals(203, empty.getCorrelationId());
      assertRefused(ErrorCode.INVALID_FRAME, empty, "publish", "claim", "log_consistency");
      assertPong(eitaa, 2);
    }
  }

  @Test
  void baleReadsItsOwnKeyLogOverItsSessionAndNoOtherPlatformsEntries() throws Exception {
    ByteString carols = fixture("kp-bale-carol-s1.bin");
    String carolsSha256 =
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(carols.toByteArray()));
    try (RawWebSocket bale = RawWebSocket.hello(node, "bale")) {
      KeyPackageOutcome stored =
          call(
                  bale,
                  KeyPackageRequest.newBuilder()
                      .setCorrelationId(301)
                      .setPublish(
                          PublishKeyPackagesRequest.newBuilder()
                              .setUser(CAROL)
                              .addKeyPackages(carols)))
              .getPublished()
              .getOutcomes(0);
      long index = stored.getStored().getLogIndex();
      assertTrue(stored.hasStored() && index >= 0, stored.toString());

      // The head with an empty platform_id: the session's platform's key log, once it covers the
      // publication (heads are signed as the log is written).
      SignedTreeHead head = null;
      long deadline = System.nanoTime() + WAIT.toNanos();
      for (long id = 302; head == null || head.getTreeSize() <= index; id++) {
        assertTrue(System.nanoTime() < deadline, "bale's key log head covers entry " + index);
        KeyPackageResult answer =
            call(
                bale,
                KeyPackageRequest.newBuilder()
                    .setCorrelationId(id)
                    .setLogHead(GetKeyLogHeadRequest.getDefaultInstance()));
        assertEquals(id, answer.getCorrelationId());
        assertTrue(answer.hasLogHead(), answer.toString());
        head = answer.getLogHead();
        if (head.getTreeSize() <= index) {
          Thread.sleep(100);
        }
      }
      assertEquals(KeyLogs.logId("bale"), head.getLogId());
      assertEquals(List.of(), TreeHeads.problems(head, Optional.of(node.tls().ca().certificate())));

      KeyPackageResult entries =
          call(
              bale,
              KeyPackageRequest.newBuilder()
                  .setCorrelationId(401)
                  .setLogEntries(
                      GetKeyLogEntriesRequest.newBuilder()
                          .setPlatformId("bale")
                          .setStart(index)
                          .setCount(1)));
      assertEquals(401, entries.getCorrelationId());
      AuditEntries read = entries.getLogEntries();
      assertEquals(1, read.getLeavesCount(), entries.toString());
      AuditRecord entry = AuditRecord.parseFrom(read.getLeaves(0));
      assertEquals(index, entry.getIndex());
      assertEquals(KeyLogs.PUBLISHED, entry.getAction());
      KeyLogs.Subject subject = KeyLogs.subject(entry).orElseThrow();
      assertEquals("bale:carol", subject.user());
      assertEquals(Optional.of(carolsSha256), subject.sha256());

      KeyPackageResult consistency =
          call(
              bale,
              KeyPackageRequest.newBuilder()
                  .setCorrelationId(402)
                  .setLogConsistency(
                      ProveKeyLogConsistencyRequest.newBuilder()
                          .setFirstSize(index + 1)
                          .setSecondSize(head.getTreeSize())));
      assertEquals(402, consistency.getCorrelationId());
      ConsistencyProof proof = consistency.getLogConsistency();
      assertTrue(consistency.hasLogConsistency(), consistency.toString());
      assertEquals(index + 1, proof.getFirstSize());
      assertEquals(head.getTreeSize(), proof.getSecondSize());

      // eitaa's entries are eitaa's to read, not bale's session's; nor its consistency proofs
      // through a platform_id that is not the session's.
      KeyPackageResult eitaas =
          call(
              bale,
              KeyPackageRequest.newBuilder()
                  .setCorrelationId(403)
                  .setLogEntries(GetKeyLogEntriesRequest.newBuilder().setPlatformId("eitaa")));
      assertEquals(403, eitaas.getCorrelationId());
      assertRefused(ErrorCode.NOT_PERMITTED, eitaas, "log_entries.platform_id", "eitaa", "bale");
      KeyPackageResult asEitaa =
          call(
              bale,
              KeyPackageRequest.newBuilder()
                  .setCorrelationId(404)
                  .setLogConsistency(
                      ProveKeyLogConsistencyRequest.newBuilder()
                          .setPlatformId("eitaa")
                          .setFirstSize(1)));
      assertRefused(ErrorCode.NOT_PERMITTED, asEitaa, "log_consistency.platform_id");
      assertPong(bale, 3);
    }
  }

  /** Sends {@code request} on {@code session}; the next KeyPackageResult. */
  private static KeyPackageResult call(RawWebSocket session, KeyPackageRequest.Builder request) {
    session.send(ClientFrame.newBuilder().setKeys(request).build());
    return session.expect(ServerFrame::hasKeysResult, WAIT).getKeysResult();
  }

  private static KeyPackageResult claim(RawWebSocket eitaa, long correlationId) {
    return call(
        eitaa,
        KeyPackageRequest.newBuilder()
            .setCorrelationId(correlationId)
            .setClaim(ClaimKeyPackagesRequest.newBuilder().setClaimer(ALICE).setTarget(BOB)));
  }

  /** The session is still open and answering: a Ping is answered by its Pong. */
  private static void assertPong(RawWebSocket session, long nonce) {
    session.send(ClientFrame.newBuilder().setPing(Ping.newBuilder().setNonce(nonce)).build());
    ServerFrame pong = session.expect(ServerFrame::hasPong, WAIT);
    assertEquals(nonce, pong.getPong().getNonce());
    assertFalse(session.closed().toCompletableFuture().isDone(), "the session is still open");
  }

  private static void assertRefused(ErrorCode code, KeyPackageResult result, String... named) {
    assertTrue(result.hasRefused(), result.toString());
    Error refused = result.getRefused();
    assertEquals(code, refused.getCode(), refused.toString());
    for (String name : named) {
      assertTrue(refused.getMessage().contains(name), name + " in " + refused.getMessage());
    }
  }
}
