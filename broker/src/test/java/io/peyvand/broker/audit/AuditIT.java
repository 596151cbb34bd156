package io.peyvand.broker.audit;

import static io.peyvand.broker.TestBroker.assertRefused;
import static io.peyvand.broker.TestBroker.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.google.protobuf.ByteString;
import com.google.protobuf.TextFormat;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.peyvand.broker.TestBroker;
import io.peyvand.broker.TestCli;
import io.peyvand.broker.TestPki;
import io.peyvand.broker.pki.PkiLayout;
import io.peyvand.persistence.audit.AuditStore;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import io.peyvand.protocol.tls.KeyMaterial;
import io.peyvand.protocol.transparency.MerkleTree;
import io.peyvand.protocol.transparency.TreeHeads;
import io.peyvand.protocol.v1.AdminClient;
import io.peyvand.protocol.v1.AuditEntries;
import io.peyvand.protocol.v1.AuditRecord;
import io.peyvand.protocol.v1.GetAuditEntriesRequest;
import io.peyvand.protocol.v1.GetAuditHeadRequest;
import io.peyvand.protocol.v1.InclusionProof;
import io.peyvand.protocol.v1.InterconnectClient;
import io.peyvand.protocol.v1.PlatformQuota;
import io.peyvand.protocol.v1.ProveInclusionRequest;
import io.peyvand.protocol.v1.RegisterPlatformRequest;
import io.peyvand.protocol.v1.RegulatorClient;
import io.peyvand.protocol.v1.RevokeCertificateRequest;
import io.peyvand.protocol.v1.SetConsentRequest;
import io.peyvand.protocol.v1.SetPlatformQuotaRequest;
import io.peyvand.protocol.v1.SignedTreeHead;
import io.peyvand.protocol.v1.UserAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The regulator's role and the tamper-evident audit log, over mutual TLS against the real broker
 * and Cassandra: a regulator's certificate reads through the Regulator service and can do nothing
 * else, nobody else can call that service; operators' actions and regulators' queries are entries
 * whose log verifies against its signed head; altering, deleting, reordering or inserting entries
 * in Cassandra makes {@code ./peyvand audit verify} fail; a consistency proof between two kept
 * heads verifies, and fails against a head over a rewritten history.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();
  private static final char[] PASSWORD = "audit-it".toCharArray();
  private static final String LOG = AuditLog.LOG_ID;

  private TestPki tls;
  private PkiLayout pki;
  private TestBroker node;
  private ActorSystem<Void> system;
  private AdminClient admin;
  private RegulatorClient regulator;

  @BeforeAll
  void start() throws Exception {
    tls = TestPki.create("AuditIT", PASSWORD);
    pki = tls.layout();
    tls.ca().issuePlatform("bale", false);
    tls.ca().issueAdmin("ops", false);
    tls.ca().issueRegulator("ira", false);
    node = TestBroker.start("AuditIT", cassandra, TestBroker.BALE_AND_EITAA, tls);
    system = node.system();
    admin = AdminClient.create(settings(pki.adminKeyStore("ops")), system);
    regulator = RegulatorClient.create(settings(pki.regulatorKeyStore("ira")), system);
  }

  @AfterAll
  void stop() {
    admin.close();
    regulator.close();
    node.close();
    tls.close();
  }

  @Test
  void aRegulatorReadsAndDoesNothingElseAndNobodyElseReadsAsARegulator() throws Exception {
    // A regulator's certificate is refused by the Admin and Interconnect services.
    AdminClient adminAsRegulator =
        AdminClient.create(settings(pki.regulatorKeyStore("ira")), system);
    InterconnectClient interconnectAsRegulator =
        InterconnectClient.create(settings(pki.regulatorKeyStore("ira")), system);
    try {
      assertRefused(
          adminAsRegulator.registerPlatform(
              RegisterPlatformRequest.newBuilder()
                  .setPlatformId("rogue")
                  .setDisplayName("Rogue")
                  .build()),
          Status.Code.PERMISSION_DENIED,
          "regulator ira's");
      assertRefused(
          interconnectAsRegulator.setConsent(
              SetConsentRequest.newBuilder()
                  .setUser(UserAddress.newBuilder().setPlatformId("bale").setUserId("u1"))
                  .setOptedIn(true)
                  .build()),
          Status.Code.PERMISSION_DENIED,
          "Regulator service");
    } finally {
      adminAsRegulator.close();
      interconnectAsRegulator.close();
    }
    // Platforms and administrators are refused by the Regulator service.
    for (Path keyStore : List.of(pki.platformKeyStore("bale"), pki.adminKeyStore("ops"))) {
      RegulatorClient other = RegulatorClient.create(settings(keyStore), system);
      try {
        assertRefused(
            other.getAuditHead(GetAuditHeadRequest.getDefaultInstance()),
            Status.Code.PERMISSION_DENIED,
            "needs a regulator's certificate");
      } finally {
        other.close();
      }
    }
    String metrics = tls.metrics(node);
    for (String who : List.of("peyvand:platform:bale", "peyvand:admin:ops")) {
      assertTrue(
          metrics.contains(
              "peyvand_refusals_total{code=\"NOT_PERMITTED\",platform=\"" + who + "\"}"),
          "the refusal of " + who + " is a counted security event");
    }
    // ... and the regulator reads.
    SignedTreeHead head = get(regulator.getAuditHead(GetAuditHeadRequest.getDefaultInstance()));
    assertTrue(head.getTreeSize() >= 1, "the query itself is an entry");
    assertEquals(
        List.of(), TreeHeads.problems(head, Optional.of(caCertificate())), "signed under the CA");
  }

  @Test
  void operatorsActionsAndRegulatorsQueriesAreEntriesOfALogThatVerifies() throws Exception {
    get(
        admin.registerPlatform(
            RegisterPlatformRequest.newBuilder()
                .setPlatformId("gap")
                .setDisplayName("Gap Messenger")
                .build()));
    get(
        admin.setPlatformQuota(
            SetPlatformQuotaRequest.newBuilder()
                .setPlatformId("gap")
                .setQuota(PlatformQuota.newBuilder().setSubmitsPerSecond(70))
                .build()));
    String serial = tls.ca().issuePlatform("soroush", false).serialHex();
    get(
        admin.revokeCertificate(
            RevokeCertificateRequest.newBuilder().setSerial(serial).setReason("lost").build()));
    failure(admin.revokeCertificate(RevokeCertificateRequest.newBuilder().setSerial("zz").build()));

    TestCli verify = cli("verify", "--print");
    assertEquals(0, verify.status(), verify.toString());
    assertTrue(verify.out().contains("peyvand:admin:ops register-platform gap"), verify.out());
    assertTrue(verify.out().contains("set-quota gap"), verify.out());
    assertTrue(
        verify.out().contains("revoke-certificate serial " + serial + " reason=\"lost\" -> ok"),
        verify.out());
    assertTrue(
        verify.out().contains("revoke-certificate serial zz -> refused INVALID_ARGUMENT"),
        verify.out());
    assertTrue(
        verify.out().contains("peyvand:regulator:ira regulator-query GetAuditHead"), verify.out());
    assertTrue(verify.out().contains("verified: "), verify.out());

    // An inclusion proof of the register-platform entry, checked here and by the CLI.
    long index = indexOf("register-platform");
    InclusionProof proof =
        get(
            regulator.proveInclusion(
                ProveInclusionRequest.newBuilder().setLeafIndex(index).build()));
    SignedTreeHead head = get(regulator.getAuditHead(GetAuditHeadRequest.getDefaultInstance()));
    assertTrue(proof.getTreeSize() <= head.getTreeSize());
    assertEquals("register-platform", AuditRecord.parseFrom(proof.getLeaf()).getAction());
    TestCli prove = cli("prove", Long.toString(index));
    assertEquals(0, prove.status(), prove.toString());
    assertTrue(prove.out().contains("verified: entry " + index), prove.out());
    // A proof of an entry beyond the signed tree is a clear refusal.
    StatusRuntimeException beyond =
        failure(
            regulator.proveInclusion(
                ProveInclusionRequest.newBuilder().setLeafIndex(1_000_000).build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, beyond.getStatus().getCode());
  }

  @Test
  void alteringDeletingReorderingOrInsertingStoredEntriesIsDetected() throws Exception {
    get(
        admin.setPlatformQuota(
            SetPlatformQuotaRequest.newBuilder()
                .setPlatformId("bale")
                .setQuota(PlatformQuota.newBuilder().setSubmitsPerSecond(90))
                .build()));
    get(
        admin.setPlatformQuota(
            SetPlatformQuotaRequest.newBuilder()
                .setPlatformId("eitaa")
                .setQuota(PlatformQuota.newBuilder().setSubmitsPerSecond(91))
                .build()));
    TestCli clean = cli("verify");
    assertEquals(0, clean.status(), clean.toString());
    assertTrue(entries().size() >= 4, "entries to tamper with: " + entries().size());

    tampered(
        "altered",
        rows -> {
          AuditRecord record = parse(rows.get(1));
          rows.set(1, record.toBuilder().setOutcome("nothing happened").build().toByteArray());
        });
    tampered(
        "reordered",
        rows -> {
          AuditRecord a = parse(rows.get(1));
          AuditRecord b = parse(rows.get(2));
          // renumbered, as someone who knows the format would
          rows.set(1, b.toBuilder().setIndex(1).build().toByteArray());
          rows.set(2, a.toBuilder().setIndex(2).build().toByteArray());
        });
    tampered(
        "inserted",
        rows -> {
          AuditRecord forged =
              parse(rows.get(1)).toBuilder().setSubject("forged").setOutcome("ok").build();
          rows.add(1, forged.toByteArray());
          for (int i = 0; i < rows.size(); i++) {
            rows.set(i, parse(rows.get(i)).toBuilder().setIndex(i).build().toByteArray());
          }
        });
    // Deleted: the row is gone, and the log has a hole.
    List<byte[]> original = entries();
    session()
        .execute(
            "DELETE FROM " + table() + " WHERE log_id = ? AND block = 0 AND entry_index = 1", LOG);
    TestCli deleted = cli("verify");
    assertEquals(1, deleted.status(), deleted.toString());
    assertTrue(deleted.out().contains("entry 1 is missing"), deleted.out());
    restore(original);
    TestCli repaired = cli("verify");
    assertEquals(0, repaired.status(), "restored, it verifies again: " + repaired);
  }

  @Test
  void aConsistencyProofBetweenKeptHeadsVerifiesAndFailsAgainstARewrittenHistory()
      throws Exception {
    Path older = tls.directory().resolve("heads/older.txtpb");
    Path newer = tls.directory().resolve("heads/newer.txtpb");
    TestCli first = cli("head", "--out", older.toString());
    assertEquals(0, first.status(), first.toString());
    get(
        admin.registerPlatform(
            RegisterPlatformRequest.newBuilder()
                .setPlatformId("rubika")
                .setDisplayName("Rubika")
                .build()));
    TestCli second = cli("verify", "--save-head", newer.toString());
    assertEquals(0, second.status(), second.toString());
    TestCli consistent = cli("consistent", older.toString(), newer.toString());
    assertEquals(0, consistent.status(), consistent.toString());
    assertTrue(consistent.out().contains("verified: the log of"), consistent.out());

    // Whoever holds the broker's key rewrites the history before the older head, and signs a
    // head over the rewritten log of the newer head's size: the signature is good, the proof
    // from the older head fails.
    SignedTreeHead kept = read(newer);
    List<byte[]> rows = entries().subList(0, (int) kept.getTreeSize());
    List<byte[]> hashes = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      byte[] leaf = rows.get(i);
      if (i == 0) {
        leaf = parse(leaf).toBuilder().setOutcome("rewritten").build().toByteArray();
      }
      hashes.add(MerkleTree.leafHash(leaf));
    }
    SignedTreeHead forged =
        signWithBrokerKey(kept.getTreeSize(), MerkleTree.root(hashes, hashes.size()));
    assertEquals(List.of(), TreeHeads.problems(forged, Optional.of(caCertificate())));
    Path rewritten = tls.directory().resolve("heads/rewritten.txtpb");
    Files.writeString(rewritten, TextFormat.printer().printToString(forged));
    TestCli refused = cli("consistent", older.toString(), rewritten.toString());
    assertEquals(1, refused.status(), refused.toString());
    assertTrue(refused.out().contains("NOT VERIFIED"), refused.out());
    // A head altered after signing does not verify at all.
    Path altered = tls.directory().resolve("heads/altered.txtpb");
    Files.writeString(
        altered,
        TextFormat.printer()
            .printToString(kept.toBuilder().setTreeSize(kept.getTreeSize() + 1).build()));
    TestCli bad = cli("consistent", older.toString(), altered.toString());
    assertEquals(1, bad.status(), bad.toString());
    assertTrue(bad.out().contains("the signature does not verify"), bad.out());
  }

  // --- tampering with Cassandra

  /**
   * Changes the stored entries as {@code change} says, checks that verify fails, and puts them back
   * (the rows the change added beyond the end are overwritten by the entries of verify's own
   * queries, which the broker appends after the change).
   */
  private void tampered(String how, Consumer<List<byte[]>> change) {
    List<byte[]> original = entries();
    List<byte[]> rows = new ArrayList<>(original);
    change.accept(rows);
    write(rows);
    TestCli run = cli("verify");
    assertEquals(1, run.status(), how + ": " + run);
    assertTrue(run.out().contains("NOT VERIFIED"), how + ": " + run.out());
    assertTrue(
        run.out().contains("was altered, removed, reordered or inserted"), how + ": " + run.out());
    restore(original);
  }

  private void restore(List<byte[]> original) {
    write(original);
  }

  private void write(List<byte[]> rows) {
    for (int i = 0; i < rows.size(); i++) {
      session()
          .execute(
              "INSERT INTO " + table() + " (log_id, block, entry_index, leaf) VALUES (?, ?, ?, ?)",
              LOG,
              i / AuditStore.BLOCK,
              (long) i,
              ByteBuffer.wrap(rows.get(i)));
    }
  }

  /** The stored entries of block 0, in order. */
  private List<byte[]> entries() {
    List<byte[]> out = new ArrayList<>();
    for (Row row :
        session().execute("SELECT leaf FROM " + table() + " WHERE log_id = ? AND block = 0", LOG)) {
      ByteBuffer leaf = row.getByteBuffer(0);
      byte[] bytes = new byte[leaf.remaining()];
      leaf.get(bytes);
      out.add(bytes);
    }
    return out;
  }

  private long indexOf(String action) throws Exception {
    AuditEntries all = get(regulator.getAuditEntries(GetAuditEntriesRequest.getDefaultInstance()));
    for (ByteString leaf : all.getLeavesList()) {
      AuditRecord record = AuditRecord.parseFrom(leaf);
      if (record.getAction().equals(action)) {
        return record.getIndex();
      }
    }
    throw new AssertionError("no " + action + " entry");
  }

  private CqlSession session() {
    return cassandra.session();
  }

  private String table() {
    return cassandra.keyspace() + ".audit_entries";
  }

  private static AuditRecord parse(byte[] leaf) {
    try {
      return AuditRecord.parseFrom(leaf);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private SignedTreeHead signWithBrokerKey(long size, byte[] root) throws Exception {
    KeyStore store = KeyMaterial.keyStore(pki.brokerKeyStore(), PASSWORD);
    String alias = store.aliases().nextElement();
    X509Certificate certificate = (X509Certificate) store.getCertificate(alias);
    return TreeHeads.sign(
        LOG,
        size,
        System.currentTimeMillis(),
        root,
        (PrivateKey) store.getKey(alias, PASSWORD),
        certificate.getPublicKey(),
        Optional.of(certificate));
  }

  private X509Certificate caCertificate() {
    return tls.ca().certificate();
  }

  private static SignedTreeHead read(Path file) throws Exception {
    SignedTreeHead.Builder head = SignedTreeHead.newBuilder();
    TextFormat.merge(Files.readString(file, StandardCharsets.UTF_8), head);
    return head.build();
  }

  // --- clients

  private TestCli cli(String... args) {
    return TestCli.runAs("audit", node, tls, "regulator", "ira", args);
  }

  private org.apache.pekko.grpc.GrpcClientSettings settings(Path keyStore) {
    SSLContext context = tls.context(keyStore);
    return TestPki.grpc(system, node.grpcPort(), context);
  }

  private static <T> T get(CompletionStage<T> call) throws Exception {
    return call.toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
