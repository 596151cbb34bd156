package io.peyvand.broker.ingress;

import static io.peyvand.broker.ingress.RawSession.block;
import static io.peyvand.broker.ingress.RawSession.consent;
import static io.peyvand.broker.ingress.RawSession.text;
import static io.peyvand.broker.ingress.RawSession.user;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.peyvand.broker.TestBroker;
import io.peyvand.broker.TestGroups;
import io.peyvand.broker.TestPki;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import io.peyvand.protocol.v1.ChangeMembersRequest;
import io.peyvand.protocol.v1.ConsentState;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.GroupAddress;
import io.peyvand.protocol.v1.GroupInfo;
import io.peyvand.protocol.v1.GroupKind;
import io.peyvand.protocol.v1.GroupsClient;
import io.peyvand.protocol.v1.InterconnectClient;
import io.peyvand.protocol.v1.MemberChange;
import io.peyvand.protocol.v1.PlatformCount;
import io.peyvand.protocol.v1.SubmitResult;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SetConsent and SetBlocked over mutual TLS, each platform with its own certificate: a platform
 * opts its users out and in and blocks senders for them, which the next messages meet; it may not
 * do either for another platform's user, neither naming its own platform nor claiming the other's
 * (PERMISSION_DENIED, NOT_PERMITTED, counted as security events), and that user's state is
 * untouched. Groups over the same mutual TLS refuse a member as a message to them is refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsentTlsIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();
  private static final char[] PASSWORD = "consent-tls-it".toCharArray();

  private TestPki tls;
  private TestBroker node;
  private InterconnectClient bale;
  private InterconnectClient eitaa;

  @BeforeAll
  void start() throws Exception {
    tls = TestPki.create("ConsentTlsIT", PASSWORD);
    tls.ca().issuePlatform("bale", false);
    tls.ca().issuePlatform("eitaa", false);
    node = TestBroker.start("ConsentTlsIT", cassandra, TestBroker.BALE_AND_EITAA, tls);
    bale = client("bale");
    eitaa = client("eitaa");
  }

  @AfterAll
  void stop() {
    bale.close();
    eitaa.close();
    node.close();
    tls.close();
  }

  @Test
  void aPlatformOptsItsUsersOutAndInAndBlocksSendersForThem() throws Exception {
    ConsentState out = get(eitaa.setConsent(consent("eitaa", "eitaa:alice", false)));
    assertFalse(out.getOptedIn(), out.toString());
    assertFalse(out.getByDefault(), out.toString());
    SubmitResult optedOut = submit("bob-1", "bale:bob", "eitaa:alice");
    assertEquals(ErrorCode.RECIPIENT_NOT_ACCEPTING, optedOut.getRefused().getCode(), "opted out");

    ConsentState in = get(eitaa.setConsent(consent("eitaa", "eitaa:alice", true)));
    assertTrue(in.getOptedIn(), in.toString());
    assertTrue(submit("bob-2", "bale:bob", "eitaa:alice").hasAccepted(), "opted in");

    ConsentState blocking = get(eitaa.setBlocked(block("eitaa", "eitaa:alice", "bale:bob", true)));
    assertEquals(1, blocking.getBlockedSenders(), blocking.toString());
    SubmitResult blocked = submit("bob-3", "bale:bob", "eitaa:alice");
    assertArrayEquals(
        optedOut.getRefused().toByteArray(),
        blocked.getRefused().toByteArray(),
        "blocked is refused as opted out is");
    assertTrue(submit("bea-1", "bale:bea", "eitaa:alice").hasAccepted(), "another sender");

    ConsentState unblocked =
        get(eitaa.setBlocked(block("eitaa", "eitaa:alice", "bale:bob", false)));
    assertEquals(0, unblocked.getBlockedSenders(), unblocked.toString());
    assertTrue(submit("bob-4", "bale:bob", "eitaa:alice").hasAccepted(), "unblocked");
  }

  @Test
  void aPlatformMayNotSetConsentOrBlocksForAnotherPlatformsUser() throws Exception {
    String ownClaim = "peyvand_refusals_total{code=\"NOT_PERMITTED\",platform=\"eitaa\"}";
    String otherClaim = "peyvand_refusals_total{code=\"NOT_PERMITTED\",platform=\"bale\"}";
    String before = tls.metrics(node);

    // Eitaa's certificate, naming its own platform, for Bale's user; then claiming Bale.
    List<Supplier<CompletionStage<ConsentState>>> calls =
        List.of(
            () -> eitaa.setConsent(consent("eitaa", "bale:bob", false)),
            () -> eitaa.setBlocked(block("eitaa", "bale:bob", "eitaa:alice", true)),
            () -> eitaa.setConsent(consent("bale", "bale:bob", false)),
            () -> eitaa.setBlocked(block("bale", "bale:bob", "eitaa:alice", true)));
    for (Supplier<CompletionStage<ConsentState>> call : calls) {
      ExecutionException refused = assertThrows(ExecutionException.class, () -> get(call.get()));
      Status status = Status.fromThrowable(refused.getCause());
      assertEquals(Status.Code.PERMISSION_DENIED, status.getCode(), status.toString());
      assertTrue(status.getDescription().startsWith("NOT_PERMITTED: "), status.toString());
    }

    String after = tls.metrics(node);
    assertEquals(count(before, ownClaim) + 2, count(after, ownClaim), after);
    assertEquals(count(before, otherClaim) + 2, count(after, otherClaim), after);
    // Bob still follows Bale's default and blocks no one.
    assertTrue(submit("alice-1", "eitaa:alice", "bale:bob").hasAccepted());
    ConsentState bob = get(bale.setBlocked(block("bale", "bale:bob", "eitaa:alice", false)));
    assertTrue(bob.getOptedIn() && bob.getByDefault(), bob.toString());
    assertEquals(0, bob.getBlockedSenders(), bob.toString());
  }

  /**
   * Over mutual TLS too, a group refuses a member who would refuse the adder's message, with that
   * message's very refusal (the wire's status and description), and takes one who would not.
   */
  @Test
  void aGroupRefusesAMemberWhoWouldRefuseTheAddersMessageAsTheMessageIs() throws Exception {
    GroupsClient groups = node.groups("eitaa");
    try {
      get(bale.setConsent(consent("bale", "bale:away", false)));
      get(bale.setBlocked(block("bale", "bale:wall", "eitaa:host", true)));
      GroupAddress club =
          GroupAddress.newBuilder().setPlatformId("eitaa").setGroupId("club").build();
      get(
          groups.createGroup(
              TestGroups.creation(club, "eitaa:host", "Club", GroupKind.GROUP).build()));
      for (String refusing : List.of("bale:away", "bale:wall")) {
        SubmitResult direct = submit("host-" + refusing, "eitaa:host", refusing);
        ExecutionException refused =
            assertThrows(
                ExecutionException.class, () -> get(groups.changeMembers(add(club, refusing))));
        Status status = Status.fromThrowable(refused.getCause());
        assertEquals(Status.Code.FAILED_PRECONDITION, status.getCode(), status.toString());
        assertEquals(
            direct.getRefused().getCode() + ": " + direct.getRefused().getMessage(),
            status.getDescription(),
            refusing);
      }
      GroupInfo joined = get(groups.changeMembers(add(club, "bale:pal")));
      assertEquals(
          2,
          joined.getMembersList().stream().mapToLong(PlatformCount::getMembers).sum(),
          "host, pal");
    } finally {
      groups.close();
    }
  }

  private static ChangeMembersRequest add(GroupAddress group, String member) {
    return ChangeMembersRequest.newBuilder()
        .setGroup(group)
        .setActor(user("eitaa:host"))
        .addChanges(MemberChange.newBuilder().setOp(MemberChange.Op.ADD).setUser(user(member)))
        .build();
  }

  private InterconnectClient client(String platform) {
    return node.interconnect(platform);
  }

  /** A 1:1 message submitted by the sender's platform, with its certificate. */
  private SubmitResult submit(String id, String from, String to) throws Exception {
    String platform = from.substring(0, from.indexOf(':'));
    InterconnectClient client = platform.equals("bale") ? bale : eitaa;
    return TestBroker.submit(client, platform, text(id, from, to, "salam"));
  }

  private static double count(String metrics, String series) {
    return TestBroker.sample(metrics, series).orElse(0.0);
  }

  private static <T> T get(CompletionStage<T> call) throws Exception {
    return call.toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
