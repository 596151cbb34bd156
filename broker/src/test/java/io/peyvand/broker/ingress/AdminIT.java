package io.peyvand.broker.ingress;

import static io.peyvand.broker.TestBroker.assertRefused;
import static io.peyvand.broker.TestBroker.failure;
import static io.peyvand.broker.ingress.RawSession.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.peyvand.broker.TestBroker;
import io.peyvand.broker.TestCli;
import io.peyvand.broker.TestPki;
import io.peyvand.broker.pki.CertificateAuthority;
import io.peyvand.broker.pki.PkiLayout;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import io.peyvand.protocol.v1.AdminClient;
import io.peyvand.protocol.v1.ClientFrame;
import io.peyvand.protocol.v1.Delivery;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.GetPlatformRequest;
import io.peyvand.protocol.v1.Hello;
import io.peyvand.protocol.v1.InterconnectClient;
import io.peyvand.protocol.v1.ListRevocationsRequest;
import io.peyvand.protocol.v1.PlatformInfo;
import io.peyvand.protocol.v1.PlatformQuota;
import io.peyvand.protocol.v1.RegisterPlatformRequest;
import io.peyvand.protocol.v1.Revocations;
import io.peyvand.protocol.v1.RevokeCertificateRequest;
import io.peyvand.protocol.v1.RevokedCertificate;
import io.peyvand.protocol.v1.ServerFrame;
import io.peyvand.protocol.v1.SessionError;
import io.peyvand.protocol.v1.SetPlatformQuotaRequest;
import io.peyvand.protocol.v1.SubmitResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.grpc.GrpcClientSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Admin service over real mutual TLS against the real Cassandra: only an administrator's
 * certificate may call it; a platform registered through it connects and exchanges messages; a
 * quota takes effect at once for that platform only; a certificate revoked through it loses its
 * live session and its next handshake; bad input is a clear INVALID_ARGUMENT.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final char[] PASSWORD = "admin-it".toCharArray();

  private TestPki tls;
  private PkiLayout pki;
  private CertificateAuthority ca;
  private TestBroker node;
  private ActorSystem<Void> system;
  private AdminClient admin;

  @BeforeAll
  void start() throws Exception {
    tls = TestPki.create("AdminIT", PASSWORD);
    pki = tls.layout();
    ca = tls.ca();
    ca.issuePlatform("bale", false);
    ca.issuePlatform("eitaa", false);
    ca.issueAdmin("ops", false);
    node = TestBroker.start("AdminIT", cassandra, TestBroker.BALE_AND_EITAA, tls);
    system = node.system();
    admin = adminClient(context(pki.adminKeyStore("ops")));
  }

  @AfterAll
  void stop() {
    admin.close();
    node.close();
    tls.close();
  }

  @Test
  void aPlatformsCertificateIsRefusedTheAdminServiceAndTheRefusalIsCounted() throws Exception {
    AdminClient asBale = adminClient(context(pki.platformKeyStore("bale")));
    try {
      assertRefused(
          asBale.registerPlatform(
              RegisterPlatformRequest.newBuilder()
                  .setPlatformId("bale2")
                  .setDisplayName("Bale 2")
                  .build()),
          Status.Code.PERMISSION_DENIED,
          "administrator");
      assertEquals(
          Status.Code.PERMISSION_DENIED,
          failure(
                  asBale.revokeCertificate(
                      RevokeCertificateRequest.newBuilder().setSerial("abc").build()))
              .getStatus()
              .getCode());
    } finally {
      asBale.close();
    }
    assertTrue(
        metrics()
            .contains(
                "peyvand_refusals_total{code=\"NOT_PERMITTED\",platform=\"peyvand:platform:bale\"}"),
        "the refusal is a counted security event");
    // and nothing was registered
    StatusRuntimeException unknown =
        failure(admin.getPlatform(GetPlatformRequest.newBuilder().setPlatformId("bale2").build()));
    assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
  }

  @Test
  void aPlatformRegisteredByTheAdministratorConnectsAndReceives() throws Exception {
    PlatformInfo gap =
        get(
            admin.registerPlatform(
                RegisterPlatformRequest.newBuilder()
                    .setPlatformId("gap")
                    .setDisplayName("Gap Messenger")
                    .setDefaultOptedIn(true)
                    .build()));
    assertEquals("Gap Messenger", gap.getDisplayName());
    assertTrue(gap.getDefaultOptedIn());
    assertTrue(gap.getQuota().getSubmitsPerSecond() > 0, "the limits in force are shown");
    ca.issuePlatform("gap", false);
    try (RawSession gapSession =
            RawSession.hello(system, client(context(pki.platformKeyStore("gap"))), "gap");
        RawSession eitaa =
            RawSession.hello(system, client(context(pki.platformKeyStore("eitaa"))), "eitaa")) {
      eitaa.submit(1, text("admin-1", "eitaa:alice", "gap:reza", "welcome aboard"));
      SubmitResult result = eitaa.expect(ServerFrame::hasSubmitResult, WAIT).getSubmitResult();
      assertTrue(result.hasAccepted(), result.toString());
      Delivery delivery = gapSession.expect(ServerFrame::hasDelivery, WAIT).getDelivery();
      assertEquals("welcome aboard", delivery.getMessage().getText().getBody());
      gapSession.ack(delivery.getMailbox(), delivery.getSequence());
    }
  }

  @Test
  void aQuotaBindsItsPlatformAtOnceAndNoOther() throws Exception {
    PlatformInfo limited =
        get(
            admin.setPlatformQuota(
                SetPlatformQuotaRequest.newBuilder()
                    .setPlatformId("eitaa")
                    .setQuota(
                        PlatformQuota.newBuilder()
                            .setSubmitsPerSecond(1)
                            .setSubmitBurst(3)
                            .setSessionsPerNode(1))
                    .build()));
    assertEquals(3, limited.getQuota().getSubmitBurst());
    assertEquals(1, limited.getQuota().getSessionsPerNode());
    assertTrue(limited.getQuota().getUserSubmitsPerSecond() > 0, "defaults fill the rest");
    InterconnectClient eitaa = client(context(pki.platformKeyStore("eitaa")));
    InterconnectClient bale = client(context(pki.platformKeyStore("bale")));
    try {
      int refused = 0;
      for (int i = 0; i < 6; i++) {
        SubmitResult result =
            TestBroker.submit(
                eitaa, "eitaa", text("quota-" + i, "eitaa:user" + i, "bale:bob", "hi"));
        if (result.hasRefused()) {
          assertEquals(ErrorCode.RATE_LIMITED, result.getRefused().getCode());
          assertTrue(result.getRefused().getRetryAfterMs() > 0);
          refused++;
        }
      }
      assertTrue(refused >= 2, "a burst of 3 at 1/s admits at most 4 of 6; refused " + refused);
      for (int i = 0; i < 6; i++) {
        SubmitResult result =
            TestBroker.submit(bale, "bale", text("other-" + i, "bale:user" + i, "eitaa:bob", "hi"));
        assertFalse(result.hasRefused(), result.toString());
      }
      // Its own quota is visible to the platform, never to another one.
      assertEquals(
          3,
          get(eitaa.getPlatform(GetPlatformRequest.newBuilder().setPlatformId("eitaa").build()))
              .getQuota()
              .getSubmitBurst());
      assertFalse(
          get(bale.getPlatform(GetPlatformRequest.newBuilder().setPlatformId("eitaa").build()))
              .hasQuota());
      // One session per node: a second is refused.
      try (RawSession first = RawSession.hello(system, eitaa, "eitaa");
          RawSession second =
              RawSession.open(system, client(context(pki.platformKeyStore("eitaa"))))) {
        second.send(
            ClientFrame.newBuilder()
                .setHello(Hello.newBuilder().setProtocolVersion(1).setPlatformId("eitaa"))
                .build());
        SessionError error = second.expect(ServerFrame::hasError, WAIT).getError();
        assertEquals(ErrorCode.RATE_LIMITED, error.getError().getCode());
        assertTrue(
            error.getError().getMessage().contains("sessions_per_node"),
            error.getError().getMessage());
      }
    } finally {
      get(
          admin.setPlatformQuota(
              SetPlatformQuotaRequest.newBuilder().setPlatformId("eitaa").build()));
      eitaa.close();
      bale.close();
    }
  }

  @Test
  void aCertificateRevokedByTheAdministratorLosesItsSessionAndItsNextHandshake() throws Exception {
    get(
        admin.registerPlatform(
            RegisterPlatformRequest.newBuilder()
                .setPlatformId("soroush")
                .setDisplayName("Soroush Plus")
                .build()));
    CertificateAuthority.Issued soroush = ca.issuePlatform("soroush", false);
    SSLContext context = context(pki.platformKeyStore("soroush"));
    try (RawSession session = RawSession.hello(system, client(context), "soroush")) {
      Revocations after =
          get(
              admin.revokeCertificate(
                  RevokeCertificateRequest.newBuilder()
                      .setSerial(soroush.serial().toString(16).toUpperCase())
                      .setReason("key leaked")
                      .build()));
      RevokedCertificate revoked =
          after.getCertificatesList().stream()
              .filter(c -> c.getSerial().equals(soroush.serial().toString(16)))
              .findFirst()
              .orElseThrow();
      assertEquals("key leaked", revoked.getReason());
      assertEquals("peyvand:admin:ops", revoked.getRevokedBy());
      assertEquals("admin", revoked.getSource());
      SessionError closing = session.expect(ServerFrame::hasError, WAIT).getError();
      assertEquals(ErrorCode.NOT_PERMITTED, closing.getError().getCode());
      assertTrue(closing.getClosing());
    }
    InterconnectClient again = client(context);
    try {
      StatusRuntimeException refused =
          failure(
              again.getPlatform(GetPlatformRequest.newBuilder().setPlatformId("soroush").build()));
      assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode(), refused.toString());
    } finally {
      again.close();
    }
    assertTrue(
        get(admin.listRevocations(ListRevocationsRequest.getDefaultInstance()))
            .getCertificatesList()
            .stream()
            .anyMatch(c -> c.getSerial().equals(soroush.serial().toString(16))));
    String metrics = metrics();
    assertTrue(metrics.contains("peyvand_revoked_certificates_admin 1"), metrics);
    assertTrue(metrics.contains("peyvand_revoked_sessions_closed_total 1"), metrics);
    assertFalse(metrics.contains("peyvand_revoked_handshakes_refused_total 0"), metrics);
  }

  @Test
  void badAdminInputIsAClearInvalidArgument() throws Exception {
    assertRefused(
        admin.revokeCertificate(RevokeCertificateRequest.newBuilder().setSerial("not-hex").build()),
        Status.Code.INVALID_ARGUMENT,
        "hexadecimal");
    assertRefused(
        admin.registerPlatform(
            RegisterPlatformRequest.newBuilder()
                .setPlatformId("ok-id")
                .setDisplayName(" ")
                .build()),
        Status.Code.INVALID_ARGUMENT,
        "display_name");
    StatusRuntimeException id =
        failure(
            admin.registerPlatform(
                RegisterPlatformRequest.newBuilder()
                    .setPlatformId("Bad Id!")
                    .setDisplayName("x")
                    .build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, id.getStatus().getCode());
    StatusRuntimeException unknown =
        failure(
            admin.setPlatformQuota(
                SetPlatformQuotaRequest.newBuilder().setPlatformId("nobody").build()));
    assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
    assertRefused(
        admin.setPlatformQuota(
            SetPlatformQuotaRequest.newBuilder()
                .setPlatformId("bale")
                .setQuota(PlatformQuota.newBuilder().setSubmitBurst(-1))
                .build()),
        Status.Code.INVALID_ARGUMENT,
        "submit_burst");
  }

  @Test
  void theCommandLineAdminCallsTheServiceWithTheAdministratorsCertificate() throws Exception {
    TestCli set =
        cli("set-quota", "bale", "--submits-per-second", "777", "--sessions-per-node", "9");
    assertEquals(0, set.status(), set.toString());
    assertTrue(set.out().contains("submits_per_second: 777"), set.out());
    assertEquals(
        777,
        get(admin.getPlatform(GetPlatformRequest.newBuilder().setPlatformId("bale").build()))
            .getQuota()
            .getSubmitsPerSecond());
    TestCli reset = cli("set-quota", "bale");
    assertEquals(0, reset.status(), reset.toString());
    TestCli bad = cli("revoke", "zz-not-hex");
    assertEquals(1, bad.status(), bad.toString());
    assertTrue(bad.out().startsWith("refused INVALID_ARGUMENT"), bad.out());
    TestCli list = cli("revocations");
    assertEquals(0, list.status(), list.toString());
  }

  private TestCli cli(String... args) {
    return TestCli.runAs("admin", node, tls, "admin", "ops", args);
  }

  private static <T> T get(CompletionStage<T> call) throws Exception {
    return call.toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private String metrics() throws Exception {
    return tls.metrics(node);
  }

  private InterconnectClient client(SSLContext context) {
    return InterconnectClient.create(settings(context), system);
  }

  private AdminClient adminClient(SSLContext context) {
    return AdminClient.create(settings(context), system);
  }

  private GrpcClientSettings settings(SSLContext context) {
    return TestPki.grpc(system, node.grpcPort(), context);
  }

  private SSLContext context(Path keyStore) {
    return tls.context(keyStore);
  }
}
